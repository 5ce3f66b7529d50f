import type { LaafficClient } from "../laaffic/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { CampaignState, RecallFlow } from "../schema/generated/index.js";
import { updateCampaign, type StateWriter } from "../state/index.js";
import type { ApplyEvent, ApplyOutcome } from "./engine.js";
import { lastError } from "./engine.js";

export interface CancelChange {
  taskName: string;
  taskId: number;
}

export interface RecallChange {
  desired: DesiredCampaign;
  keyId: number;
}

export interface ChangesInput {
  cancels: readonly CancelChange[];
  recallUpdates: readonly RecallChange[];
  client: Pick<LaafficClient, "cancelTasks" | "updateRecallFlow" | "cancelRecallFlow">;
  writer: StateWriter;
  now(): number;
  emit(event: ApplyEvent): void;
  /** True once the user interrupted: the changes not yet begun are left for the next apply. */
  stopRequested?(): boolean;
}

/**
 * Cancellations and recall-flow updates reviewed in the plan. Both are safe to repeat (the
 * platform refuses a second one with -54), so no write-ahead record is needed: only the outcome.
 */
export async function executeChanges(input: ChangesInput): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const cancel of input.cancels) {
    if (input.stopRequested?.()) return outcomes;
    const result = await input.client.cancelTasks([cancel.taskId]);
    if (!result.ok) {
      outcomes.push(await failed(input, cancel.taskName, result.failure));
      continue;
    }
    await input.writer.commit(updateCampaign(cancel.taskName, input.now(), (c) => {
      c.status = "cancelled";
      c.cancelledAt = new Date(input.now()).toISOString();
      delete c.lastError;
      return { action: "cancel", taskName: cancel.taskName, detail: `task ${cancel.taskId} cancelled` };
    }));
    input.emit({ type: "cancelled", taskName: cancel.taskName, taskId: cancel.taskId });
    outcomes.push({ taskName: cancel.taskName, status: "cancelled", taskId: cancel.taskId });
  }
  for (const change of input.recallUpdates) {
    if (input.stopRequested?.()) return outcomes;
    const flow = change.desired.body.recallFlow;
    const result = flow ? await input.client.updateRecallFlow(recallUpdateBody(change.keyId, flow)) : await input.client.cancelRecallFlow(1, change.keyId);
    const name = change.desired.taskName;
    if (!result.ok) {
      outcomes.push(await failed(input, name, result.failure));
      continue;
    }
    const what = flow ? `recall flow ${change.keyId} updated` : `recall flow ${change.keyId} cancelled`;
    await input.writer.commit(updateCampaign(name, input.now(), (c) => {
      // The platform now holds the declared definition: the state says so too.
      c.definitionHash = change.desired.definitionHash;
      c.recipientsHash = change.desired.recipientsHash;
      c.settings = change.desired.settings as CampaignState["settings"];
      if (c.recall) c.recall.status = flow ? c.recall.status : "cancelled";
      return { action: flow ? "recall-update" : "recall-cancel", taskName: name, detail: what };
    }));
    input.emit({ type: "updated", taskName: name, what });
    outcomes.push({ taskName: name, status: "updated" });
  }
  return outcomes;
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

async function failed(input: ChangesInput, taskName: string, failure: Parameters<typeof lastError>[0]): Promise<ApplyOutcome> {
  await input.writer.commit(updateCampaign(taskName, input.now(), (c) => {
    c.lastError = lastError(failure);
    return { action: "refresh", taskName, detail: `change failed: ${c.lastError.code ? `${c.lastError.code} ` : ""}${c.lastError.message}` };
  }));
  input.emit({ type: "rejected", taskName, failure });
  return { taskName, status: "rejected", failure };
}
