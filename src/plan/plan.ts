import type {
  AppliedState,
  CampaignPlan,
  CampaignState,
  Diagnostic,
  PlanEntry,
  SuppressionListBinding,
} from "../schema/generated/index.js";
import { ownEntry } from "./by-name.js";
import { cancelFindings, plannedCancel } from "./cancel.js";
import { withRows, type DesiredCampaign } from "./desired.js";
import { guardFindings, NO_COSTS, submittedAtOf, type GuardInput } from "./guards.js";
import { crossCampaignDuplicates, recipientDiff } from "./recipients.js";
import { plannedRounds } from "./rounds.js";
import { estimateOf } from "./estimate.js";
import { renameFindings, resolveMoves, type MoveSource } from "./renames.js";
import { withinPaths } from "./scope.js";
import { blockedFinding, orphanFinding, unknownFinding } from "./entry-findings.js";
import { optOutFindings, type OptedOutRecipients } from "./opt-outs.js";
import { changes, onlyRecallFlow } from "./field-changes.js";
import { order, summarize } from "./summary.js";

export interface PlanInput {
  desired: readonly DesiredCampaign[];
  /** Warnings from loading (a plan is only made from valid campaigns). */
  loadFindings: readonly Diagnostic[];
  state: AppliedState | undefined;
  /** Where findings about state entries point. */
  statePath: string;
  now: number;
  planId: string;
  toolVersion: string;
  paths: string[];
  /**
   * The planned paths relative to the project root (`/` separators, "" = the root), when they do
   * not cover the campaigns directory: only state entries recorded from inside them are judged,
   * the others counted. Undefined: the whole state.
   */
  scope?: readonly string[];
  /** With no state yet: the lineage the first apply will create it with. */
  newState?: { lineage: string };
  guards?: Omit<GuardInput, "toSubmit" | "state">;
  suppressionLists?: SuppressionListBinding[];
  /** Declared numbers with a status report that is an opt-out (reports.optOutIntents): warned about where they would be called. */
  optedOut?: readonly OptedOutRecipients[];
}

/** Diffs the declared campaigns against the applied state (pure: everything comes in as data). */
export function plan(input: PlanInput): CampaignPlan {
  const campaigns = input.state?.campaigns;
  const findings: Diagnostic[] = [...input.loadFindings];
  const entries: PlanEntry[] = [];
  const declared = new Map(input.desired.map((d) => [d.taskName, d]));
  const moves = resolveMoves(input.desired, declared, campaigns, input.scope);
  findings.push(...moves.findings);

  for (const desired of input.desired) {
    const move = moves.sources.get(desired.taskName);
    if (move) {
      const moved = moveEntry(desired, move, declared, input.state);
      entries.push(moved.entry);
      if (moved.finding) findings.push(moved.finding);
      continue;
    }
    const applied = ownEntry(campaigns, desired.taskName);
    const entry = entryFor(desired, applied, declared, input.state);
    entries.push(entry);
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    if (entry.action === "blocked") findings.push(blockedFinding(desired.taskName, applied!, at, entry));
    if (entry.action === "unknown") findings.push(unknownFinding(desired.taskName, applied!, at));
    if (desired.cancel) findings.push(...cancelFindings(desired.taskName, applied, entry, at));
  }
  const outside = { campaigns: 0, unknown: [] as string[] };
  for (const [taskName, applied] of Object.entries(campaigns ?? {})) {
    if (declared.has(taskName) || moves.claimed.has(taskName)) continue;
    if (!withinPaths(applied.sourcePath, input.scope)) {
      outside.campaigns++;
      if (applied.status === "pending" || applied.status === "unknown") outside.unknown.push(taskName);
      continue;
    }
    // A cancelled task that is no longer declared is finished business — unless its recall flow may still ring.
    if (applied.status === "cancelled" && !plannedCancel(applied)) continue;
    const at = { file: input.statePath, line: 1, column: 1 };
    if (applied.status === "pending" || applied.status === "unknown") {
      entries.push({ taskName, action: "unknown", recipients: applied.recipients, previous: previousOf(applied) });
      findings.push(unknownFinding(taskName, applied, at));
    } else {
      entries.push({ taskName, action: "orphaned", recipients: applied.recipients, previous: previousOf(applied) });
      findings.push(orphanFinding(taskName, applied, at));
    }
  }
  entries.sort((a, b) => order(a) - order(b) || (a.taskName < b.taskName ? -1 : 1));
  const creating = new Set(entries.filter((e) => e.action === "create" || e.action === "retry").map((e) => e.taskName));
  findings.push(
    ...renameFindings(
      input.desired.filter((d) => creating.has(d.taskName)),
      declared,
      campaigns,
      moves.claimed,
      input.scope,
    ),
  );
  findings.push(...optOutFindings(input.optedOut ?? [], creating, declared));
  if (input.guards) {
    const toSubmit = input.desired.filter((d) => creating.has(d.taskName));
    const toUpdate = entries.filter((e) => e.action === "update-recall").map((e) => declared.get(e.taskName)!);
    findings.push(...guardFindings({ ...input.guards, toSubmit, toUpdate, state: input.state, now: input.now }));
    const clock = {
      platformTimeZone: input.guards.platformTimeZone,
      now: input.now,
      dialsPerMinute: input.guards.guards.dialsPerMinute,
    };
    for (const entry of entries) {
      if (creating.has(entry.taskName)) {
        const desired = declared.get(entry.taskName)!;
        entry.rounds = plannedRounds(desired, clock);
        entry.estimate = estimateOf(desired, { ...(input.guards.costs ?? NO_COSTS), clock });
      }
      // An update's rounds are timed from the task's real start.
      else if (entry.action === "update-recall") {
        const desired = declared.get(entry.taskName)!;
        const started = { ...clock, now: submittedAtOf(input.state, entry.taskName, input.now) };
        entry.rounds = plannedRounds(desired, started);
        // What the recall rounds as updated may cost (the first round has rung already).
        entry.estimate = estimateOf(
          desired,
          { ...(input.guards.costs ?? NO_COSTS), clock: started },
          { recallRoundsOnly: true },
        );
      }
    }
    findings.push(...crossCampaignDuplicates(toSubmit, input.guards.platformTimeZone, input.now));
  }
  // The loader's findings name their campaign and row already.
  const loaded = input.loadFindings.length;
  findings.splice(loaded, Infinity, ...withRows(findings.slice(loaded), input.desired));
  return {
    formatVersion: 1,
    planId: input.planId,
    toolVersion: input.toolVersion,
    createdAt: new Date(input.now).toISOString(),
    paths: input.paths,
    state: input.state
      ? { lineage: input.state.lineage, serial: input.state.serial }
      : { lineage: null, serial: 0, ...(input.newState ? { newLineage: input.newState.lineage } : {}) },
    entries,
    summary: summarize(entries, findings),
    findings,
    ...(input.scope ? { outsidePaths: outside } : {}),
    ...(input.guards?.allowLarge ? { allowLarge: true } : {}),
    ...(input.suppressionLists && input.suppressionLists.length > 0
      ? { suppressionLists: input.suppressionLists }
      : {}),
  };
}

function entryFor(
  desired: DesiredCampaign,
  applied: CampaignState | undefined,
  declared: ReadonlyMap<string, DesiredCampaign>,
  state: AppliedState | undefined,
): PlanEntry {
  const base = {
    taskName: desired.taskName,
    file: desired.source.file,
    line: desired.source.line,
    ...(desired.row ? { row: desired.row } : {}),
    recipients: desired.recipients,
    definitionHash: desired.definitionHash,
  };
  if (!applied)
    return desired.cancel
      ? { ...base, action: "unchanged" }
      : { ...base, action: "create", ...preview(desired, declared, state) };
  const previous = previousOf(applied);
  const platform = platformOf(applied);
  switch (applied.status) {
    case "submitted": {
      if (desired.cancel) return cancelEntry(base, applied, previous, platform);
      if (applied.definitionHash === desired.definitionHash) return { ...base, action: "unchanged", previous };
      const diff = changes(applied, desired);
      const canUpdate =
        onlyRecallFlow(diff) &&
        applied.settings?.["recallFlow"] !== undefined &&
        applied.recall?.status === "pending" &&
        applied.recall.keyId !== undefined;
      return canUpdate
        ? { ...base, action: "update-recall", previous, changes: diff, recallKeyId: applied.recall!.keyId }
        : { ...base, action: "blocked", previous, changes: diff, ...(platform ? { platform } : {}) };
    }
    case "cancelled":
      return desired.cancel
        ? cancelEntry(base, applied, previous, platform)
        : { ...base, action: "blocked", previous, changes: [{ field: "cancel", before: true, after: false }] };
    case "rejected":
    case "not-submitted":
      return desired.cancel
        ? { ...base, action: "unchanged", previous }
        : { ...base, action: "retry", previous, ...preview(desired, declared, state) };
    case "pending":
    case "unknown":
      return { ...base, action: "unknown", previous };
  }
}

/** cancel: true on a campaign the platform has: what is left to stop, or unchanged when nothing is. */
function cancelEntry(
  base: Pick<PlanEntry, "taskName" | "file" | "line" | "row" | "recipients" | "definitionHash">,
  applied: CampaignState,
  previous: PlanEntry["previous"],
  platform: PlanEntry["platform"] | undefined,
): PlanEntry {
  const cancel = plannedCancel(applied);
  return {
    ...base,
    action: cancel ? "cancel" : "unchanged",
    previous,
    ...(platform ? { platform } : {}),
    ...(cancel ? { cancel } : {}),
  };
}

/**
 * A valid renamedFrom: the old entry judged as if it had the new name. Equal but for the name is
 * a move (nothing sent); anything else changed too is blocked like an edit of a submitted task.
 */
function moveEntry(
  desired: DesiredCampaign,
  move: MoveSource,
  declared: ReadonlyMap<string, DesiredCampaign>,
  state: AppliedState | undefined,
): { entry: PlanEntry; finding?: Diagnostic } {
  const old = move.applied;
  const sameButName = old.definitionHash === desired.renamedFrom?.definitionHash;
  const applied: CampaignState = {
    ...old,
    definitionHash: sameButName ? desired.definitionHash : old.definitionHash,
    ...(old.settings ? { settings: { ...old.settings, taskName: desired.taskName } } : {}),
  };
  const entry = entryFor(desired, applied, declared, state);
  const at = { file: desired.source.file, line: desired.source.line, column: 1 };
  if (entry.action === "unchanged")
    return {
      entry: { ...entry, action: "move", from: move.from, platformTaskName: old.platformTaskName ?? move.from },
    };
  if (entry.action === "blocked") {
    const finding = blockedFinding(move.from, old, at, entry);
    return {
      entry: { ...entry, from: move.from },
      finding: { ...finding, message: `${finding.message}; a rename (renamedFrom) may change only the name` },
    };
  }
  const other = entry.action === "cancel" ? "cancel its task" : "change its recall flow";
  return {
    entry: {
      ...entry,
      action: "blocked",
      from: move.from,
      changes: entry.action === "cancel" ? [{ field: "cancel", before: false, after: true }] : (entry.changes ?? []),
    },
    finding: {
      severity: "error",
      code: "renamed-from-invalid",
      message: `renamedFrom: "${desired.taskName}" renames "${move.from}" and would also ${other}; one change at a time`,
      hint: `apply the rename first, then ${other}`,
      ...desired.renamedFrom!.at,
    },
  };
}

function platformOf(applied: CampaignState): PlanEntry["platform"] | undefined {
  const p = applied.platform;
  if (!p) return undefined;
  return {
    status: p.status,
    refreshedAt: p.refreshedAt,
    ...(p.numCnt !== undefined ? { numCnt: p.numCnt } : {}),
    ...(p.callNum !== undefined ? { callNum: p.callNum } : {}),
    ...(p.success !== undefined ? { success: p.success } : {}),
    ...(p.fail !== undefined ? { fail: p.fail } : {}),
  };
}

function preview(
  desired: DesiredCampaign,
  declared: ReadonlyMap<string, DesiredCampaign>,
  state: AppliedState | undefined,
): Pick<
  PlanEntry,
  | "fields"
  | "recipientSample"
  | "textVariables"
  | "recipientColumns"
  | "numbersRewritten"
  | "suppressedSkipped"
  | "countries"
  | "recipientDiff"
> {
  const diff = recipientDiff(desired, declared, state);
  return {
    fields: desired.settings,
    recipientSample: desired.sample,
    textVariables: desired.textVariables,
    ...(desired.recipientColumns ? { recipientColumns: desired.recipientColumns } : {}),
    ...(desired.numbersRewritten ? { numbersRewritten: desired.numbersRewritten } : {}),
    countries: desired.countries,
    ...(diff ? { recipientDiff: diff } : {}),
    ...(desired.suppressedSkipped ? { suppressedSkipped: desired.suppressedSkipped } : {}),
  };
}

function previousOf(applied: CampaignState): NonNullable<PlanEntry["previous"]> {
  return {
    status: applied.status,
    ...(applied.taskId !== undefined ? { taskId: applied.taskId } : {}),
    ...(applied.submittedAt ? { submittedAt: applied.submittedAt } : {}),
    ...(applied.attemptStartedAt ? { attemptStartedAt: applied.attemptStartedAt } : {}),
    ...(applied.lastError
      ? { error: `${applied.lastError.code ? `${applied.lastError.code} ` : ""}${applied.lastError.message}` }
      : {}),
    ...(applied.lastError?.hint ? { hint: applied.lastError.hint } : {}),
  };
}
