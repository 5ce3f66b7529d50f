import { epochMsToWallTime } from "../campaigns/platform-time.js";
import {
  ASSUMED_QUERY_WINDOW_MINUTES,
  CREATE_CODE_NAME_TAKEN,
  describeFailure,
  NAME_TAKEN_LOOKBACK_DAYS,
  RECALL_FLOW_STATUS,
  TASK_STATUS,
  type ApiFailure,
  type LaafficClient,
  type RecallFlowRecord,
  type TaskRecord,
} from "../laaffic/index.js";
import type { AppliedState, CampaignState, PlatformStatus, RecallStatus } from "../schema/generated/index.js";
import { ownEntry } from "../plan/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { HistoryInput, Mutation } from "../state/index.js";

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

export interface RefreshOptions {
  client: Pick<LaafficClient, "queryTasks" | "queryRecallFlows">;
  timeZone: string;
  now: number;
  /** How long after a request the platform has surely recorded a task it received [assumed]. */
  settleMs: number;
  /** Minutes around a submission searched for its task. */
  windowMinutes?: number;
  /** Asked before and after each campaign: once true, nothing more is asked or recorded. */
  stopRequested?: () => boolean;
  /** Called before the platform is asked about a campaign (progress). */
  onAsking?: (taskName: string) => void;
}

/** What the platform said about one campaign: `finding` for machines, `summary` for people. */
export interface RefreshFinding {
  taskName: string;
  finding: "status" | "task-not-found" | "found" | "absent" | "ambiguous" | "too-early";
  summary: string;
}

export interface RefreshResult {
  mutations: Mutation[];
  findings: RefreshFinding[];
  failures: { taskName: string; message: string }[];
  /** Stopped by `stopRequested`: the campaign being asked about then has no finding and no mutation. */
  interrupted: boolean;
}

/** Asks the platform about every campaign in the state (or only `names`) and says what to record. */
export async function refreshState(
  state: AppliedState,
  options: RefreshOptions,
  names?: readonly string[],
): Promise<RefreshResult> {
  const result: RefreshResult = { mutations: [], findings: [], failures: [], interrupted: false };
  const stopRequested = options.stopRequested ?? (() => false);
  for (const [name, campaign] of Object.entries(state.campaigns)) {
    if (names && !names.includes(name)) continue;
    const asked =
      campaign.status === "pending" || campaign.status === "unknown"
        ? reconcile
        : (campaign.status === "submitted" || campaign.status === "cancelled") && campaign.submittedAt
          ? refreshSubmitted
          : undefined;
    if (!asked) continue;
    if (stopRequested()) return { ...result, interrupted: true };
    const before = { mutations: result.mutations.length, findings: result.findings.length };
    options.onAsking?.(name);
    try {
      await asked(name, campaign, options, result);
    } catch (error) {
      if (!stopRequested())
        result.failures.push({
          taskName: name,
          message: maskSensitiveText(error instanceof Error ? error.message : String(error)),
        });
    }
    if (stopRequested()) {
      // An answer cut short (e.g. the recall flow's) would be recorded as if it were whole: drop it all.
      result.mutations.length = before.mutations;
      result.findings.length = before.findings;
      return { ...result, interrupted: true };
    }
  }
  return result;
}

/** A span of time searched, in epoch milliseconds. */
interface Span {
  fromMs: number;
  toMs: number;
}

/** A span in the platform's wall time, as its queries take it. */
function wallWindow(span: Span, timeZone: string): { strTime: string; endTime: string } {
  return { strTime: epochMsToWallTime(span.fromMs, timeZone), endTime: epochMsToWallTime(span.toMs, timeZone) };
}

/**
 * The tasks the (fuzzy) name query returns in `span`, and among them those that carry exactly
 * `name`: the one lookup by name that refresh, reconcile, apply's -20 and cancel all share.
 */
async function tasksNamed(
  name: string,
  span: Span,
  options: Pick<NameLookup, "client" | "timeZone">,
): Promise<{ records: TaskRecord[]; exact: TaskRecord[]; window: string; strTime: string; endTime: string }> {
  const { strTime, endTime } = wallWindow(span, options.timeZone);
  const records: TaskRecord[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await options.client.queryTasks({
      current: page,
      size: PAGE_SIZE,
      strTime,
      endTime,
      searchCondition: name,
    });
    if (!answer.ok)
      throw new Error(
        `task query failed: ${answer.failure.kind === "platform" ? `${answer.failure.code} ${answer.failure.message}` : answer.failure.reason}`,
      );
    records.push(...answer.data.records);
    if (page * PAGE_SIZE >= answer.data.total || answer.data.records.length === 0) break;
  }
  const exact = records.filter((r) => r.taskName === name);
  return { records, exact, window: `${strTime}..${endTime} ${options.timeZone}`, strTime, endTime };
}

/** Enough to find a task by its exact name. */
export interface NameLookup {
  client: Pick<LaafficClient, "queryTasks">;
  timeZone: string;
  now: number;
}

export type NameLookupResult = { ok: true; taskId: number; evidence: string } | { ok: false; evidence: string };

/**
 * The one task that carries exactly `name`, searched from `sinceMs` (less NAME_TAKEN_LOOKBACK_DAYS)
 * to now; none or several is no answer (never a guess). `evidence` says what was searched and seen.
 */
export async function findTaskByExactName(
  name: string,
  sinceMs: number,
  lookup: NameLookup,
): Promise<NameLookupResult> {
  const fromMs = Math.min(sinceMs, lookup.now) - NAME_TAKEN_LOOKBACK_DAYS * 86_400_000;
  const { exact: matches, window } = await tasksNamed(name, { fromMs, toMs: lookup.now + 60_000 }, lookup);
  const evidence = `searched "${name}" in ${window}: ${matches.length === 0 ? "no task carries exactly this name" : matches.length === 1 ? `task ${matches[0]!.taskId} carries it` : `${matches.length} tasks carry it (${matches.map((m) => m.taskId).join(", ")})`}`;
  return matches.length === 1 ? { ok: true, taskId: matches[0]!.taskId, evidence } : { ok: false, evidence };
}

async function refreshSubmitted(
  name: string,
  campaign: CampaignState,
  options: RefreshOptions,
  result: RefreshResult,
): Promise<void> {
  const platformName = platformNameOf(name, campaign);
  const searched = await tasksNamed(platformName, aroundSubmission(campaign, options.windowMinutes), options);
  const { records, window, strTime, endTime } = searched;
  // The query is fuzzy: match our task by id, or by exact name when the id was never returned —
  // then only a single exact match is ours (never a guess between several).
  const idKnown = campaign.taskId !== null && campaign.taskId !== undefined;
  const exact = idKnown ? [] : searched.exact;
  if (exact.length > 1) {
    result.findings.push({
      taskName: name,
      finding: "ambiguous",
      summary: `no task id recorded, and ${exact.length} tasks carry exactly this name in ${window} (${exact.map((r) => r.taskId).join(", ")}) → task id left unknown (record it: campaign state resolve NAME --submitted --task-id ID)`,
    });
    return;
  }
  const task = idKnown ? records.find((r) => r.taskId === campaign.taskId) : exact[0];
  const refreshedAt = new Date(options.now).toISOString();
  if (!task) {
    result.findings.push({
      taskName: name,
      finding: "task-not-found",
      summary: `task ${campaign.taskId ?? "?"} not found in ${window}`,
    });
    return;
  }
  const platform: PlatformStatus = {
    status: (TASK_STATUS as Record<number, PlatformStatus["status"]>)[task.status] ?? "unknown-status",
    statusCode: task.status,
    ...(task.numCnt !== undefined ? { numCnt: Number(task.numCnt) } : {}),
    ...(task.callNum !== undefined ? { callNum: Number(task.callNum) } : {}),
    ...(task.success !== undefined ? { success: Number(task.success) } : {}),
    ...(task.fail !== undefined ? { fail: Number(task.fail) } : {}),
    ...(task.rate !== undefined ? { rate: maskSensitiveText(String(task.rate)) } : {}),
    refreshedAt,
  };
  let recall: RecallStatus | undefined;
  let flowNote = "";
  if (campaign.settings?.["recallFlow"] !== undefined) {
    // What cancel: true stops depends on it: an unanswered flow query fails the refresh. A flow the
    // search does not list keeps its last known status: a window query that misses proves nothing
    // (only the platform's "does not exist" to a cancel or a detail query records it absent).
    const found = await recallFlowOf(platformName, task.taskId, { strTime, endTime }, options.client);
    if (!found.ok) throw new Error(`recall flow query failed: ${describeFailure(found.failure)}`);
    if (found.data) recall = recallStatusOf(found.data, refreshedAt);
    else
      flowNote = `, recall flow not listed in ${window} (last known status kept: ${campaign.recall?.status ?? "not refreshed"})`;
  }
  result.findings.push({
    taskName: name,
    finding: "status",
    summary: `task ${task.taskId} ${platform.status}${platform.callNum !== undefined ? `, ${platform.callNum}/${platform.numCnt ?? "?"} called` : ""}${recall ? `, recall flow ${recall.status}` : flowNote}`,
  });
  result.mutations.push((state) => {
    const c = ownEntry(state.campaigns, name);
    if (!c) return [];
    c.platform = platform;
    if (recall) c.recall = recall;
    // A create answered without an id: the exact name found it (and a cancel needs it).
    if (c.taskId === null || c.taskId === undefined) c.taskId = task.taskId;
    c.updatedAt = refreshedAt;
    const entries: HistoryInput[] = [
      {
        action: "refresh",
        taskName: name,
        detail: `platform: ${platform.status}${recall ? `; recall flow${recall.keyId !== undefined ? ` ${recall.keyId}` : ""} ${recall.status}` : flowNote ? `; ${flowNote.slice(2)}` : ""}`,
      },
    ];
    if (platform.status === "submission-failed" && c.status === "submitted") {
      // The platform never created the calls: the campaign can be submitted again.
      c.status = "rejected";
      c.lastError = {
        kind: "platform",
        code: "submission-failed",
        message: `the platform reports task ${task.taskId} as submission failed`,
        hint: "fix the cause if known; the next apply submits it again",
      };
      entries.push({ action: "reconcile", taskName: name, detail: "platform reports submission failed: re-creatable" });
    }
    if (platform.status === "cancelled" && c.status === "submitted") {
      c.status = "cancelled";
      c.cancelledAt = refreshedAt;
      entries.push({ action: "reconcile", taskName: name, detail: "cancelled on the platform" });
    }
    return entries;
  });
}

/** The recall flow of a parent task, searched by name in a window (the query is fuzzy: matched by task id). */
export async function recallFlowOf(
  name: string,
  taskId: number,
  window: { strTime: string; endTime: string },
  client: Pick<LaafficClient, "queryRecallFlows">,
): Promise<{ ok: true; data: RecallFlowRecord | undefined } | { ok: false; failure: ApiFailure }> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await client.queryRecallFlows({ current: page, size: PAGE_SIZE, ...window, taskName: name });
    if (!answer.ok) return answer;
    const flow = answer.data.records.find((f) => f.taskId === taskId);
    if (flow || page * PAGE_SIZE >= answer.data.total || answer.data.records.length === 0)
      return { ok: true, data: flow };
  }
  return { ok: true, data: undefined };
}

export function recallStatusOf(flow: RecallFlowRecord, refreshedAt: string): RecallStatus {
  return {
    keyId: flow.keyId,
    status: (RECALL_FLOW_STATUS as Record<number, RecallStatus["status"]>)[flow.status] ?? "unknown-status",
    ...(flow.finishNum !== undefined && Number.isInteger(Number(flow.finishNum))
      ? { finishNum: Number(flow.finishNum) }
      : {}),
    refreshedAt,
  };
}

/** The name a campaign's task carries on the platform: a renamed campaign's task keeps its old one. */
export function platformNameOf(name: string, campaign: Pick<CampaignState, "platformTaskName"> | undefined): string {
  return campaign?.platformTaskName ?? name;
}

/** The minutes around a submission in which its task and its recall flow are searched. */
function aroundSubmission(campaign: CampaignState, windowMinutes = ASSUMED_QUERY_WINDOW_MINUTES): Span {
  const at = Date.parse(campaign.submittedAt ?? campaign.updatedAt);
  return { fromMs: at - windowMinutes * 60_000, toMs: at + windowMinutes * 60_000 };
}

/** The window `refreshSubmitted` searches around a submission, in the platform's wall time. */
export function submissionWindow(
  campaign: CampaignState,
  timeZone: string,
  windowMinutes?: number,
): { strTime: string; endTime: string } {
  return wallWindow(aroundSubmission(campaign, windowMinutes), timeZone);
}

/** An interrupted submission: find the task by name in the window of the attempt; never guess. */
async function reconcile(
  name: string,
  campaign: CampaignState,
  options: RefreshOptions,
  result: RefreshResult,
): Promise<void> {
  const started = Date.parse(campaign.attemptStartedAt ?? campaign.updatedAt);
  // The platform said the name is taken (-20): the task may come from an attempt long before this one.
  const nameTaken = campaign.lastError?.code === CREATE_CODE_NAME_TAKEN;
  const span = {
    fromMs: started - (nameTaken ? NAME_TAKEN_LOOKBACK_DAYS * 86_400_000 : 5 * 60_000),
    toMs: Math.max(started + options.settleMs, options.now) + 60_000,
  };
  const { records, exact: matches, window } = await tasksNamed(name, span, options);
  const evidence = `searched "${name}" in ${window}: ${records.length} result(s), exact matches ${matches.length === 0 ? "none" : matches.map((m) => `task ${m.taskId} created ${m.createdTime === undefined ? "?" : maskSensitiveText(String(m.createdTime))}`).join(", ")}`;
  const settled = options.now - started >= options.settleMs;
  if (matches.length === 1) {
    const task = matches[0]!;
    result.findings.push({ taskName: name, finding: "found", summary: `found task ${task.taskId} → submitted` });
    result.mutations.push(resolveTo(name, "submitted", evidence, options.now, task.taskId));
  } else if (matches.length > 1) {
    result.findings.push({
      taskName: name,
      finding: "ambiguous",
      summary: `${matches.length} tasks carry this name → still unknown (resolve by hand)`,
    });
    result.mutations.push(note(name, `ambiguous: ${evidence}`));
  } else if (nameTaken) {
    // Never "not submitted": the platform itself said a task with this name exists.
    result.findings.push({
      taskName: name,
      finding: "ambiguous",
      summary:
        "the platform answered -20 (name taken), yet no task with exactly this name was found → still unknown (find it on the platform and resolve by hand)",
    });
    result.mutations.push(note(name, `name taken (-20) but not found: ${evidence}`));
  } else if (settled) {
    result.findings.push({
      taskName: name,
      finding: "absent",
      summary: "no task with this name → not submitted (re-creatable)",
    });
    result.mutations.push(resolveTo(name, "not-submitted", evidence, options.now));
  } else {
    const when = new Date(started + options.settleMs).toISOString();
    result.findings.push({
      taskName: name,
      finding: "too-early",
      summary: `not found yet, but the platform may still be recording it → still unknown; check again after ${when}`,
    });
    result.mutations.push(note(name, `too early to tell (until ${when}): ${evidence}`));
  }
}

function resolveTo(
  name: string,
  status: "submitted" | "not-submitted",
  evidence: string,
  now: number,
  taskId?: number,
): Mutation {
  return (state) => {
    const c = ownEntry(state.campaigns, name);
    if (!c || (c.status !== "pending" && c.status !== "unknown")) return [];
    c.status = status;
    c.updatedAt = new Date(now).toISOString();
    if (status === "submitted") {
      c.taskId = taskId ?? null;
      c.submittedAt = c.attemptStartedAt ?? c.updatedAt;
      delete c.lastError;
    } else c.lastError = { kind: "resolved", message: "checked on the platform: no task with this name was created" };
    return [
      {
        action: "reconcile",
        taskName: name,
        detail: `${status}${taskId !== undefined ? ` as task ${taskId}` : ""}; ${evidence}`,
      },
    ];
  };
}

function note(name: string, detail: string): Mutation {
  return () => [{ action: "reconcile", taskName: name, detail }];
}
