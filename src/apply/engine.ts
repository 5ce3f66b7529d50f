import type { ApiFailure, LaafficClient } from "../laaffic/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { LastError } from "../schema/generated/index.js";
import { markFailed, markPending, markSubmitted, type StateWriter } from "../state/index.js";

/** What the engine reports while it works; progress renderers and tests subscribe to these. */
export type ApplyEvent =
  | { type: "submitting"; taskName: string; recipients: number }
  | { type: "submitted"; taskName: string; taskId: number | null }
  | { type: "rejected"; taskName: string; failure: ApiFailure }
  | { type: "unknown"; taskName: string; failure: ApiFailure }
  /** `what`: everything stopped (the task, its recall flow, rounds), in words. */
  | { type: "cancelled"; taskName: string; taskId: number; what: string }
  | { type: "updated"; taskName: string; what: string }
  | { type: "moved"; taskName: string; from: string }
  /** The client pauses before trying a request again (Retry-After or backoff); not tied to one campaign. */
  | { type: "waiting"; waitMs: number; failure: ApiFailure };

export interface ApplyOutcome {
  taskName: string;
  status: "submitted" | "rejected" | "unknown" | "not-started" | "cancelled" | "updated" | "moved";
  taskId?: number | null;
  failure?: ApiFailure;
  /** cancelled (or a cancel rejected): what was stopped; and the rounds that could not be, which may still ring. */
  detail?: string;
  warnings?: string[];
  /** moved: the entry's name before, and the name the task keeps on the platform. */
  renamedFrom?: string;
  platformTaskName?: string;
}

export interface ApplyInput {
  toSubmit: readonly DesiredCampaign[];
  writer: StateWriter;
  client: Pick<LaafficClient, "createTask">;
  parallelism: number;
  planId: string;
  now(): number;
  emit(event: ApplyEvent): void;
  /**
   * True once the user interrupted: no new submission starts. The caller aborts the requests in
   * flight through the client; each then ends `unknown` (it may have been sent) or, when it
   * provably never left, `rejected` — recorded like any other answer.
   */
  stopRequested(): boolean;
}

/**
 * Submits each campaign once: `pending` is durable before its request, the answer is recorded
 * after. Bounded concurrency; all state changes go through the one writer.
 */
export async function executeApply(input: ApplyInput): Promise<ApplyOutcome[]> {
  const outcomes = new Map<string, ApplyOutcome>(input.toSubmit.map((d) => [d.taskName, { taskName: d.taskName, status: "not-started" }]));
  let next = 0;
  let fatal: unknown;

  // Outcome records are written in the background: a worker moves on to its next campaign (whose
  // write-ahead record joins the same group commit). A crash before one is durable leaves that
  // campaign `pending`, which the next plan reports as unknown — never as something to resend.
  const recording: Promise<void>[] = [];
  const record = (mutation: Parameters<StateWriter["commit"]>[0]): void => {
    recording.push(input.writer.commit(mutation).catch((error: unknown) => void (fatal ??= error)));
  };

  const submitOne = async (desired: DesiredCampaign): Promise<void> => {
    // A body loaded for planning only carries no recipients: never send such a thing.
    if (desired.body.numberInfoList.length !== desired.recipients) throw new Error(`internal: ${desired.taskName} was loaded without its recipients`);
    await input.writer.commit(markPending(desired, input.planId, input.now()));
    input.emit({ type: "submitting", taskName: desired.taskName, recipients: desired.recipients });
    const result = await input.client.createTask(desired.body);
    if (result.ok) {
      record(markSubmitted(desired.taskName, result.data.taskId, input.now()));
      outcomes.set(desired.taskName, { taskName: desired.taskName, status: "submitted", taskId: result.data.taskId });
      input.emit({ type: "submitted", taskName: desired.taskName, taskId: result.data.taskId });
      return;
    }
    // Only an answer from the platform, or a request that provably never left, is a rejection.
    const status = result.failure.kind === "unknown" ? "unknown" : "rejected";
    record(markFailed(desired.taskName, status, lastError(result.failure), input.now()));
    outcomes.set(desired.taskName, { taskName: desired.taskName, status, failure: result.failure });
    input.emit({ type: status, taskName: desired.taskName, failure: result.failure });
  };

  const worker = async (): Promise<void> => {
    while (fatal === undefined && !input.stopRequested() && next < input.toSubmit.length) {
      const desired = input.toSubmit[next++]!;
      try {
        await submitOne(desired);
      } catch (error) {
        // A state write failed: stop starting anything new. What was pending stays pending.
        fatal ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.parallelism, input.toSubmit.length)) }, worker));
  await Promise.all(recording);
  if (fatal !== undefined) throw fatal;
  return [...outcomes.values()];
}

/** What the state records of a failure; the platform's words are masked again, since the state is committed. */
export function lastError(failure: ApiFailure): LastError {
  switch (failure.kind) {
    case "platform":
      return { kind: "platform", code: maskSensitiveText(failure.code), message: maskSensitiveText(failure.message), hint: failure.hint };
    case "unknown":
      return { kind: "unknown", message: failure.reason, hint: failure.hint };
    case "unreachable":
      return { kind: "unreachable", message: failure.reason, hint: failure.hint };
  }
}
