import { describeFailure, type LaafficClient, type PlatformError } from "../laaffic/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import { ownEntry } from "../plan/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { CampaignState, RecallFlow } from "../schema/generated/index.js";
import { combineMutations, updateCampaign, type StateWriter } from "../state/index.js";
import { cancelCampaign, type CancelChange, type FindFlow } from "./cancel.js";
import type { ApplyEvent, ApplyOutcome } from "./engine.js";
import { lastError } from "./engine.js";
import { findTaskByExactName, platformNameOf, recallFlowOf, refreshState, submissionWindow } from "./refresh.js";

export type { CancelChange } from "./cancel.js";

export interface RecallChange {
  desired: DesiredCampaign;
  keyId: number;
}

export interface ChangesInput {
  cancels: readonly CancelChange[];
  recallUpdates: readonly RecallChange[];
  client: Pick<
    LaafficClient,
    "cancelTasks" | "updateRecallFlow" | "cancelRecallFlow" | "recallFlowDetail" | "queryRecallFlows" | "queryTasks"
  >;
  writer: StateWriter;
  /** For the refresh after a cancel, which records what the platform now says (as `campaign refresh`). */
  timeZone: string;
  settleMs: number;
  now(): number;
  emit(event: ApplyEvent): void;
  /** True once the user interrupted: the changes not yet begun are left for the next apply. */
  stopRequested?(): boolean;
}

/**
 * Cancellations and recall-flow updates reviewed in the plan. Both are safe to repeat (the
 * platform refuses a second one with -54, which a cancel accepts as done), so no write-ahead
 * record is needed: only the outcome.
 */
export async function executeChanges(input: ChangesInput): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const cancel of input.cancels) {
    if (input.stopRequested?.()) return outcomes;
    outcomes.push(await cancelOne(input, cancel));
  }
  for (const change of input.recallUpdates) {
    if (input.stopRequested?.()) return outcomes;
    const flow = change.desired.body.recallFlow;
    const result = flow
      ? await input.client.updateRecallFlow(recallUpdateBody(change.keyId, flow))
      : await input.client.cancelRecallFlow(1, change.keyId);
    const name = change.desired.taskName;
    if (!result.ok) {
      outcomes.push(await failed(input, name, result.failure));
      continue;
    }
    const what = flow ? `recall flow ${change.keyId} updated` : `recall flow ${change.keyId} cancelled`;
    await input.writer.commit(
      updateCampaign(name, input.now(), (c) => {
        // The platform now holds the declared definition: the state says so too.
        c.definitionHash = change.desired.definitionHash;
        c.recipientsHash = change.desired.recipientsHash;
        c.identityFreeHash = change.desired.identityFreeHash;
        c.settings = change.desired.settings as CampaignState["settings"];
        if (c.recall) c.recall.status = flow ? c.recall.status : "cancelled";
        // The estimate reviewed at submission priced the old recall rounds: no longer what rings.
        delete c.estimate;
        return { action: flow ? "recall-update" : "recall-cancel", taskName: name, detail: what };
      }),
    );
    input.emit({ type: "updated", taskName: name, what });
    outcomes.push({ taskName: name, status: "updated" });
  }
  return outcomes;
}

/** Cancels what is left of one campaign, records it (history: what stopped, what could not), then asks the platform again. */
async function cancelOne(input: ChangesInput, planned: CancelChange): Promise<ApplyOutcome> {
  const { taskName } = planned;
  const known = await knownTaskId(input, planned);
  if (!known.ok) {
    await input.writer.commit(
      updateCampaign(taskName, input.now(), (c) => {
        // The tool's own words (with the window searched): kept as written, unlike the platform's.
        c.lastError = {
          kind: "platform",
          code: known.failure.code,
          message: known.failure.message,
          hint: known.failure.hint,
        };
        return { action: "cancel", taskName, detail: `failed: ${known.failure.message}` };
      }),
    );
    input.emit({ type: "rejected", taskName, failure: known.failure });
    return { taskName, status: "rejected", taskId: null, failure: known.failure };
  }
  const cancel = { ...planned, taskId: known.taskId };
  const result = await cancelCampaign(cancel, input.client, () => findFlowKeyId(input, cancel));
  const at = new Date(input.now()).toISOString();
  const detail = result.done.join("; ");
  await input.writer.commit(
    updateCampaign(taskName, input.now(), (c) => {
      if (result.flow) c.recall = { ...result.flow, refreshedAt: at };
      // Stopped, or nothing left that rings: the campaign is done with.
      if (result.taskCancelled || !result.failure) {
        c.status = "cancelled";
        c.cancelledAt ??= at;
      }
      if (result.failure) c.lastError = lastError(result.failure);
      else delete c.lastError;
      const notes = result.failure ? [`failed: ${describeFailure(result.failure)}`] : [];
      return { action: "cancel", taskName, detail: [detail, ...notes].filter(Boolean).join("; ") };
    }),
  );
  const warnings = await refreshAfterCancel(input, taskName);
  const extra = { ...(detail ? { detail } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
  if (result.failure) {
    input.emit({ type: "rejected", taskName, failure: result.failure });
    return { taskName, status: "rejected", taskId: cancel.taskId, failure: result.failure, ...extra };
  }
  input.emit({ type: "cancelled", taskName, taskId: cancel.taskId, what: detail });
  return { taskName, status: "cancelled", taskId: cancel.taskId, ...extra };
}

/**
 * The task id a cancel needs. A create answered without one: the task is looked up by its exact
 * name (as refresh does) and the id recorded; none or several found is a failure naming why.
 */
async function knownTaskId(
  input: ChangesInput,
  cancel: CancelChange,
): Promise<{ ok: true; taskId: number } | { ok: false; failure: PlatformError }> {
  if (cancel.taskId !== null) return { ok: true, taskId: cancel.taskId };
  const campaign = ownEntry(input.writer.current().campaigns, cancel.taskName);
  const since = Date.parse(campaign?.attemptStartedAt ?? campaign?.submittedAt ?? new Date(input.now()).toISOString());
  const found = await findTaskByExactName(platformNameOf(cancel.taskName, campaign), since, {
    client: input.client,
    timeZone: input.timeZone,
    now: input.now(),
  }).catch((error: unknown) => ({
    ok: false as const,
    evidence: `the lookup failed (${maskSensitiveText(error instanceof Error ? error.message : String(error))})`,
  }));
  const why = `the state has no task id for it and ${found.evidence}`;
  if (!found.ok)
    return {
      ok: false,
      failure: {
        kind: "platform",
        code: "task-id-unknown",
        message: `not cancelled: ${why}`,
        hint: `nothing was cancelled; find the task on the platform and record its id (campaign state resolve ${cancel.taskName} --submitted --task-id ID), or cancel it in the console`,
      },
    };
  const taskId = found.taskId;
  await input.writer.commit(
    updateCampaign(cancel.taskName, input.now(), (c) => {
      c.taskId = taskId;
      return {
        action: "reconcile",
        taskName: cancel.taskName,
        detail: `task id ${taskId} found by exact name for the cancel: ${found.evidence}`,
      };
    }),
  );
  return { ok: true, taskId };
}

async function findFlowKeyId(input: ChangesInput, cancel: CancelChange & { taskId: number }): ReturnType<FindFlow> {
  const campaign = ownEntry(input.writer.current().campaigns, cancel.taskName);
  if (!campaign) return { ok: true, keyId: undefined };
  const found = await recallFlowOf(
    platformNameOf(cancel.taskName, campaign),
    cancel.taskId,
    submissionWindow(campaign, input.timeZone),
    input.client,
  );
  return found.ok ? { ok: true, keyId: found.data?.keyId } : found;
}

/** The platform's own word on the task and its flow, recorded like `campaign refresh`; a failure here is a warning (the cancel itself is recorded). */
async function refreshAfterCancel(input: ChangesInput, taskName: string): Promise<string[]> {
  if (input.stopRequested?.()) return [];
  const refreshed = await refreshState(
    input.writer.current(),
    {
      client: input.client,
      timeZone: input.timeZone,
      now: input.now(),
      settleMs: input.settleMs,
      ...(input.stopRequested ? { stopRequested: input.stopRequested } : {}),
    },
    [taskName],
  );
  if (refreshed.mutations.length > 0) await input.writer.commit(combineMutations(refreshed.mutations));
  return refreshed.failures.map(
    (f) => `the refresh after the cancel failed (${f.message}); run campaign refresh to record the platform's status`,
  );
}

function recallUpdateBody(keyId: number, flow: RecallFlow) {
  return {
    keyId,
    recallType: flow.recallType,
    recallInterval: flow.recallInterval,
    recallNum: flow.recallNum,
    ...(flow.recallIntent && flow.recallIntent.length > 0 ? { recallIntent: flow.recallIntent } : {}),
    nodeList: flow.nodeList.map((node) => ({ scriptId: Number(node.agentId) })),
  };
}

async function failed(
  input: ChangesInput,
  taskName: string,
  failure: Parameters<typeof lastError>[0],
): Promise<ApplyOutcome> {
  await input.writer.commit(
    updateCampaign(taskName, input.now(), (c) => {
      c.lastError = lastError(failure);
      return {
        action: "refresh",
        taskName,
        detail: `change failed: ${c.lastError.code ? `${c.lastError.code} ` : ""}${c.lastError.message}`,
      };
    }),
  );
  input.emit({ type: "rejected", taskName, failure });
  return { taskName, status: "rejected", failure };
}
