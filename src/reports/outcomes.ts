import type {
  AppliedState,
  CampaignOutcome,
  EstimateAgainstActual,
  OutcomesReport,
  RecordedEstimate,
} from "../schema/generated/index.js";
import { nameIndex, ownEntry } from "../plan/index.js";
import type { TaskAggregate } from "./store.js";

/**
 * Folds the store's per-task aggregates into per-campaign outcomes: a report belongs to the
 * campaign whose task id is its own, or, for a recall round, its parent's (sourceTaskId); a report
 * with neither, to the one campaign that declared its callee (`byCallee`: callee hash → name).
 */
export function campaignOutcomes(
  rows: readonly TaskAggregate[],
  state: AppliedState | undefined,
  only?: string,
  byCallee: ReadonlyMap<string, string> = new Map(),
): OutcomesReport {
  const nameOf = campaignOf(state, byCallee);
  const outcomes = new Map<string, CampaignOutcome>();
  const rounds = new Map<string, Set<number>>();
  // Each campaign's billing currencies: an estimate is compared only with reports billed in one.
  const currencies = new Map<string, Set<string>>();
  const unmatched = new Map<number, number>();
  let withoutTaskId = 0;
  let unreadableTimes = 0;
  const get = (name: string): CampaignOutcome => {
    let outcome = outcomes.get(name);
    if (!outcome) {
      const applied = ownEntry(state?.campaigns, name);
      outcome = {
        taskName: name,
        taskId: applied?.taskId ?? null,
        recipients: applied?.recipients ?? 0,
        calls: 0,
        outcomes: { connected: 0, noAnswer: 0, busy: 0, voicemail: 0, failed: 0 },
        connectRate: 0,
        intents: nameIndex<number>(),
        billedLineSeconds: 0,
        aiAgentBilledSeconds: 0,
        cost: 0,
        aiAgentFee: 0,
        currency: null,
        recallRounds: 0,
        lastReportAt: null,
      };
      outcomes.set(name, outcome);
    }
    return outcome;
  };
  for (const [name, campaign] of Object.entries(state?.campaigns ?? {})) if (campaign.status === "submitted") get(name);
  for (const row of rows) {
    unreadableTimes += row.unreadableTimes;
    const root = row.sourceTaskId ?? row.taskId;
    const name = nameOf(row);
    if (name === undefined) {
      if (root === null) withoutTaskId += row.calls;
      else unmatched.set(root, (unmatched.get(root) ?? 0) + row.calls);
      continue;
    }
    const o = get(name);
    o.calls += row.calls;
    o.outcomes[row.outcome] += row.calls;
    if (row.intent !== null) o.intents[row.intent] = (ownEntry(o.intents, row.intent) ?? 0) + row.calls;
    o.billedLineSeconds += row.billedLineSeconds;
    o.aiAgentBilledSeconds += row.aiAgentBilledSeconds;
    o.cost = round(o.cost + row.cost);
    o.aiAgentFee = round(o.aiAgentFee + row.aiAgentFee);
    o.currency ??= row.currency;
    if (row.currency !== null) currencies.set(name, (currencies.get(name) ?? new Set()).add(row.currency));
    if (row.lastHangupTime !== null && (o.lastReportAt === null || row.lastHangupTime > Date.parse(o.lastReportAt)))
      o.lastReportAt = new Date(row.lastHangupTime).toISOString();
    if (row.sourceTaskId !== null && row.taskId !== null) {
      const set = rounds.get(name) ?? new Set<number>();
      set.add(row.taskId);
      rounds.set(name, set);
    }
  }
  for (const [name, o] of outcomes) {
    o.recallRounds = rounds.get(name)?.size ?? 0;
    o.connectRate = o.calls === 0 ? 0 : round(o.outcomes.connected / o.calls);
    const estimate = ownEntry(state?.campaigns, name)?.estimate;
    // A plan made without pricing estimated no cost: nothing to set against the reports.
    if (estimate && estimate.currency !== null)
      o.estimate = againstActual(estimate, o, (currencies.get(name)?.size ?? 0) > 1);
  }
  const campaigns = [...outcomes.values()]
    .filter((o) => only === undefined || o.taskName === only)
    .sort((a, b) => (a.taskName < b.taskName ? -1 : 1));
  const unmatchedTasks = [...unmatched].map(([taskId, calls]) => ({
    taskId,
    calls,
    reason: "task-not-in-state" as const,
  }));
  // Reports that cannot be attributed are said even for one campaign: some may be its own.
  const noTaskId = withoutTaskId > 0 ? [{ taskId: null, calls: withoutTaskId, reason: "no-task-id" as const }] : [];
  return {
    formatVersion: 2,
    campaigns,
    unmatched: only === undefined ? [...noTaskId, ...unmatchedTasks] : noTaskId,
    unreadableTimes,
  };
}

/** A report group's campaign: its task's (a recall round's: its parent's), or for one without task id its callee's. */
export function campaignOf(
  state: AppliedState | undefined,
  byCallee: ReadonlyMap<string, string>,
): (row: Pick<TaskAggregate, "taskId" | "sourceTaskId" | "calleeHash">) => string | undefined {
  const byTask = new Map<number, string>();
  for (const [name, campaign] of Object.entries(state?.campaigns ?? {}))
    if (typeof campaign.taskId === "number") byTask.set(campaign.taskId, name);
  return (row) => {
    const root = row.sourceTaskId ?? row.taskId;
    if (root !== null) return byTask.get(root);
    return row.calleeHash === null ? undefined : byCallee.get(row.calleeHash);
  };
}

const round = (n: number): number => Math.round(n * 10_000) / 10_000;

/** The plan's estimate against the reports' cost, compared only in one currency (no reports yet: nothing billed in another). */
function againstActual(estimate: RecordedEstimate, o: CampaignOutcome, mixed: boolean): EstimateAgainstActual {
  const sameCurrency = !mixed && (o.currency === null ? o.calls === 0 : o.currency === estimate.currency);
  const actual = sameCurrency && estimate.currency !== null ? round(o.cost + o.aiAgentFee) : null;
  return {
    ...estimate,
    actual,
    ratio:
      actual === null || estimate.expected === null || estimate.expected === 0
        ? null
        : round(actual / estimate.expected),
  };
}
