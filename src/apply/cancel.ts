import {
  RECALL_FLOW_STATUS,
  RECALL_NODE_STATUS,
  type ApiFailure,
  type LaafficClient,
  type PlatformError,
  type RecallFlowDetail,
} from "../laaffic/index.js";
import {
  ASSUMED_RECALL_FLOW_ENDED,
  CANCEL_CODE_DOES_NOT_EXIST,
  CANCEL_CODES_ALREADY_ENDED,
} from "../laaffic/assumptions.js";
import type { RecallStatus } from "../schema/generated/index.js";

/** One campaign's `cancel: true`, as the plan saw it. */
export interface CancelChange {
  taskName: string;
  /** null: the create was answered without an id; apply looks it up by exact name first. */
  taskId: number | null;
  /** Cancel the task itself: false when the plan saw it finished or cancelled. */
  cancelTask: boolean;
  /** Its recall flow, unless the plan saw none or saw it ended; keyId absent = never found by a refresh. */
  recallFlow?: { keyId?: number; status: string };
}

export interface CancelResult {
  /** What was stopped, and what had already ended. */
  done: string[];
  /** The first answer that was neither a success nor "already ended": the campaign is not known to be stopped. */
  failure?: ApiFailure;
  taskCancelled: boolean;
  /** The flow as the answers left it (the refresh after apply records the platform's own word). */
  flow?: Omit<RecallStatus, "refreshedAt">;
}

export type CancelClient = Pick<LaafficClient, "cancelTasks" | "cancelRecallFlow" | "recallFlowDetail">;

/** Finds the flow's keyId when the plan did not know it (a search by name): undefined = none listed. */
export type FindFlow = () => Promise<{ ok: true; keyId: number | undefined } | { ok: false; failure: ApiFailure }>;

const ended = (failure: ApiFailure): failure is PlatformError =>
  failure.kind === "platform" && CANCEL_CODES_ALREADY_ENDED.has(failure.code);
const NODE_ENDED = new Set<string>([RECALL_NODE_STATUS[2], RECALL_NODE_STATUS[3]]);

/**
 * Stops what is left of one campaign: the recall flow first (so the end of a round cannot start
 * the next), then the task. A flow cancel is accepted by the platform only while the flow is
 * pending; once refused, the flow is looked at (`queryDetail`) and its rounds stopped one by one:
 * rounds whose task exists by cancelling that task, rounds not yet started by a node cancel (that
 * node and the later ones). What the platform refuses to stop is named, never hidden.
 */
export async function cancelCampaign(
  change: CancelChange & { taskId: number },
  client: CancelClient,
  findFlow: FindFlow,
): Promise<CancelResult> {
  const result: CancelResult = { done: [], taskCancelled: false };
  const fail = (failure: ApiFailure): void => void (result.failure ??= failure);
  if (change.recallFlow) await stopFlow(change, change.recallFlow.keyId, client, findFlow, result, fail);
  const flowDone = result.done.splice(0);
  if (change.cancelTask) {
    const answer = await client.cancelTasks([change.taskId]);
    if (answer.ok) {
      result.taskCancelled = true;
      result.done.push(`task ${change.taskId} cancelled`);
    } else if (ended(answer.failure))
      result.done.push(`task ${change.taskId} had already finished or was cancelled (${answer.failure.code})`);
    else fail(answer.failure);
  } else result.done.push(`task ${change.taskId} had already ended`);
  result.done.push(...flowDone);
  return result;
}

async function stopFlow(
  change: CancelChange & { taskId: number },
  plannedKeyId: number | undefined,
  client: CancelClient,
  findFlow: FindFlow,
  result: CancelResult,
  fail: (f: ApiFailure) => void,
): Promise<void> {
  const name = plannedKeyId !== undefined ? `recall flow ${plannedKeyId}` : `the recall flow of task ${change.taskId}`;
  const answer =
    plannedKeyId !== undefined
      ? await client.cancelRecallFlow(1, plannedKeyId)
      : await client.cancelRecallFlow(2, change.taskId);
  if (answer.ok) {
    result.done.push(`${name} cancelled`);
    result.flow = { ...(plannedKeyId !== undefined ? { keyId: plannedKeyId } : {}), status: "cancelled" };
    return;
  }
  if (answer.failure.kind !== "platform") return fail(answer.failure);
  // Refused: no longer pending, or not there. Look before concluding anything.
  let keyId = plannedKeyId;
  if (keyId === undefined) {
    const found = await findFlow();
    if (!found.ok) return fail(found.failure);
    if (found.keyId === undefined) {
      // Only the platform's own "does not exist" says there is no flow; a search that misses does not.
      if (answer.failure.code !== CANCEL_CODE_DOES_NOT_EXIST) return fail(answer.failure);
      result.done.push(`the platform lists no recall flow for task ${change.taskId}`);
      result.flow = { status: "absent" };
      return;
    }
    keyId = found.keyId;
  }
  const detail = await client.recallFlowDetail(keyId);
  if (!detail.ok) {
    if (detail.failure.kind === "platform" && detail.failure.code === CANCEL_CODE_DOES_NOT_EXIST) {
      result.done.push(`recall flow ${keyId} no longer exists on the platform`);
      result.flow = { status: "absent" };
      return;
    }
    return fail(detail.failure);
  }
  const status = (RECALL_FLOW_STATUS as Record<number, RecallStatus["status"]>)[detail.data.status] ?? "unknown-status";
  if (ASSUMED_RECALL_FLOW_ENDED.has(status)) {
    result.done.push(
      `recall flow ${keyId} had already ${status === "exception" ? "stopped with an exception" : status}`,
    );
    result.flow = { keyId, status };
    return;
  }
  // Still pending, yet the cancel was refused: the platform's reason stands.
  if (status === "pending") return fail(answer.failure);
  await stopRounds(keyId, detail.data, status, client, result, fail);
}

async function stopRounds(
  keyId: number,
  flow: RecallFlowDetail,
  status: RecallStatus["status"],
  client: CancelClient,
  result: CancelResult,
  fail: (f: ApiFailure) => void,
): Promise<void> {
  const nodeState = (n: RecallFlowDetail["nodeList"][number]): string =>
    (RECALL_NODE_STATUS as Record<number, string>)[n.nodeStatus] ?? "unknown";
  const rounds = flow.nodeList.map((node, i) => ({ node, round: i + 1, ended: NODE_ENDED.has(nodeState(node)) }));
  const notStarted = rounds.filter((r) => r.node.taskId === null && !r.ended);
  const withTask = rounds.filter((r) => r.node.taskId !== null && !r.ended);
  let failed = false;
  if (notStarted.length > 0) {
    const answer = await client.cancelRecallFlow(3, notStarted[0]!.node.keyId);
    const which = roundsText(notStarted.map((r) => r.round));
    if (answer.ok)
      result.done.push(
        `${which} of recall flow ${keyId} cancelled before ${notStarted.length === 1 ? "it" : "they"} started`,
      );
    else {
      // Rounds that may still ring: the cancel failed, whatever else was stopped.
      failed = true;
      fail(
        answer.failure.kind === "platform"
          ? {
              ...answer.failure,
              message: `${which} of recall flow ${keyId} could not be stopped and may still ring: the platform refused the node cancel (${answer.failure.message})`,
            }
          : answer.failure,
      );
    }
  }
  for (const { node, round } of withTask) {
    const answer = await client.cancelTasks([node.taskId!]);
    if (answer.ok) result.done.push(`recall round ${round} (task ${node.taskId}) cancelled`);
    else if (ended(answer.failure)) result.done.push(`recall round ${round} (task ${node.taskId}) had already ended`);
    else {
      failed = true;
      fail(answer.failure);
    }
  }
  const finished = rounds.filter((r) => r.ended).map((r) => r.round);
  if (finished.length > 0) result.done.push(`${roundsText(finished)} of recall flow ${keyId} had already ended`);
  result.flow = { keyId, status: failed ? status : "cancelled" };
}

/** `recall round 2`, `recall rounds 2–3`, `recall rounds 1, 3`. */
function roundsText(rounds: readonly number[]): string {
  if (rounds.length === 1) return `recall round ${rounds[0]}`;
  const consecutive = rounds.every((r, i) => i === 0 || r === rounds[i - 1]! + 1);
  return `recall rounds ${consecutive ? `${rounds[0]}–${rounds.at(-1)}` : rounds.join(", ")}`;
}
