import { ASSUMED_RECALL_FLOW_ENDED } from "../laaffic/assumptions.js";
import type { CampaignState, Diagnostic, PlanEntry, PlannedCancel } from "../schema/generated/index.js";

// `cancel: true` stops every future ring: the task unless it has ended, and its recall flow — a
// separate object on the platform, which cancelling the task does not stop — unless it has ended.
const TASK_ENDED = new Set(["finished", "cancelled", "submission-failed"]);
// A flow that ended on the platform (laaffic/assumptions.ts), or one the platform said does not exist.
const FLOW_ENDED = new Set([...ASSUMED_RECALL_FLOW_ENDED, "absent"]);

type At = { file: string; line: number; column: number };

/** What is left to stop of a submitted or cancelled campaign; undefined = nothing. */
export function plannedCancel(applied: CampaignState): PlannedCancel | undefined {
  const status = applied.status === "cancelled" ? "cancelled" : (applied.platform?.status ?? "not-refreshed");
  const task = { taskId: applied.taskId ?? null, status, cancel: !TASK_ENDED.has(status) };
  const recallFlow = flowToStop(applied);
  if (!task.cancel && !recallFlow) return undefined;
  return { task, ...(recallFlow ? { recallFlow } : {}) };
}

/** The flow as the state knows it; never refreshed = it may be pending (fail safe). */
function flowToStop(applied: CampaignState): PlannedCancel["recallFlow"] {
  const declared = applied.settings?.["recallFlow"];
  if (!isObject(declared)) return undefined;
  const recall = applied.recall;
  if (recall && FLOW_ENDED.has(recall.status)) return undefined;
  const rounds = typeof declared["recallNum"] === "number" ? declared["recallNum"] : 0;
  const finished = recall?.status === "in-progress" ? (recall.finishNum ?? 0) : 0;
  return {
    ...(recall?.keyId !== undefined ? { keyId: recall.keyId } : {}),
    status: recall?.status ?? "not-refreshed",
    rounds,
    roundsLeft: Math.max(0, rounds - finished),
    ...(recall ? { refreshedAt: recall.refreshedAt } : {}),
  };
}

/** The findings of a campaign with `cancel: true`: nothing left to stop (warning), or no task id to stop it by (error). */
export function cancelFindings(
  taskName: string,
  applied: CampaignState | undefined,
  entry: PlanEntry,
  at: At,
): Diagnostic[] {
  if (entry.action === "cancel" && entry.cancel?.task.taskId === null) {
    // The create was answered without an id: apply looks the task up by its exact name first, and fails naming the campaign when that finds no single task.
    return [
      {
        severity: "warning",
        code: "cancel-task-id-unknown",
        message: `"${taskName}" has cancel: true, but the state does not know its task id: apply looks the task up by its exact name first`,
        hint: "campaign plan --refresh finds and records the id now",
        ...at,
      },
    ];
  }
  if (entry.action !== "unchanged") return [];
  const note = nothingToCancelNote(applied);
  return note
    ? [
        {
          severity: "warning",
          code: "nothing-to-cancel",
          message: `"${taskName}" has cancel: true, but ${note}`,
          hint: "nothing will be sent; remove cancel: true or the campaign file when you like",
          ...at,
        },
      ]
    : [];
}

function nothingToCancelNote(applied: CampaignState | undefined): string | undefined {
  if (!applied) return "it was never submitted";
  if (applied.status === "rejected" || applied.status === "not-submitted")
    return "it was never created on the platform";
  if (applied.status !== "submitted" || !applied.platform) return undefined;
  const flow = applied.recall && isObject(applied.settings?.["recallFlow"]) ? applied.recall : undefined;
  const flowNote = !flow
    ? ""
    : flow.status === "absent"
      ? " and lists no recall flow for it"
      : ` and its recall flow${flow.keyId !== undefined ? ` ${flow.keyId}` : ""} ${flow.status}`;
  return `the platform reports it ${applied.platform.status}${flowNote} (at ${applied.platform.refreshedAt})`;
}

/** `task 5000 finished; recall flow 900 pending: 2 rounds left` — what the plan line says is stopped. */
export function cancelSummary(entry: PlanEntry): string {
  const c = entry.cancel;
  if (!c) return `task ${entry.previous?.taskId ?? "?"}`;
  const task = `task ${c.task.taskId ?? "(id unknown)"} ${c.task.status === "not-refreshed" ? "(status not refreshed)" : c.task.status}`;
  const f = c.recallFlow;
  if (!f) return task;
  const left = `${f.roundsLeft} round${f.roundsLeft === 1 ? "" : "s"} left`;
  const flow =
    f.status === "not-refreshed"
      ? `recall flow status unknown (run campaign plan --refresh): up to ${left}`
      : `recall flow${f.keyId !== undefined ? ` ${f.keyId}` : ""} ${f.status === "in-progress" ? "in progress" : f.status}: ${left}`;
  return `${task}; ${flow}`;
}

/** What apply will send for it, in words. */
export function cancelAction(entry: PlanEntry): string {
  const c = entry.cancel;
  const parts = [
    ...(!c || c.task.cancel ? ["the task (calls not yet placed will not be made)"] : []),
    ...(c?.recallFlow
      ? [
          c.recallFlow.status === "in-progress"
            ? "the recall rounds not yet finished (a round that is ringing stops; rounds that cannot be stopped are named)"
            : "the recall flow (its rounds will not ring)",
        ]
      : []),
  ];
  return `apply cancels ${parts.join(" and ")}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
