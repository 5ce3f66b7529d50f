import { CREATE_CODE_NAME_TAKEN, outcomeUnknown, type ApiFailure, type LaafficClient } from "../laaffic/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { LastError } from "../schema/generated/index.js";
import {
  combineMutations,
  markFailed,
  markPending,
  markSubmitted,
  type Mutation,
  type StateWriter,
} from "../state/index.js";
import { findTaskByExactName, type NameLookup } from "./refresh.js";

/** What the engine reports while it works; progress renderers and tests subscribe to these. */
export type ApplyEvent =
  | { type: "submitting"; taskName: string; recipients: number }
  /** `warning`: the platform answered success without a task id (its answer's shape, masked). */
  | { type: "submitted"; taskName: string; taskId: number | null; warning?: string }
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
  client: Pick<LaafficClient, "createTask" | "queryTasks">;
  /** How a create answered -20 (name taken) is looked up by exact name. */
  lookup: Omit<NameLookup, "client" | "now">;
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
  const outcomes = new Map<string, ApplyOutcome>(
    input.toSubmit.map((d) => [d.taskName, { taskName: d.taskName, status: "not-started" }]),
  );
  let next = 0;
  let fatal: unknown;

  // Outcome records travel with the next write-ahead record: a worker moving on to its next
  // campaign commits both in one durable write, before that campaign's request. An outcome no
  // write-ahead record takes along at once is written on its own (next turn of the event loop).
  // A crash before one is durable leaves that campaign `pending`, which the next plan reports as
  // unknown — never as something to resend.
  const recording: Promise<void>[] = [];
  const carried: Mutation[] = [];
  const takeCarried = (): Mutation[] => carried.splice(0);
  const flushCarried = (): void => {
    const mutations = takeCarried();
    if (mutations.length === 0) return;
    recording.push(input.writer.commit(combineMutations(mutations)).catch((error: unknown) => void (fatal ??= error)));
  };
  const record = (mutation: Mutation): void => {
    if (carried.push(mutation) === 1) setImmediate(flushCarried);
  };

  const submitOne = async (desired: DesiredCampaign): Promise<void> => {
    // A body loaded for planning only carries no recipients: never send such a thing.
    if (desired.body.numberInfoList.length !== desired.recipients)
      throw new Error(`internal: ${desired.taskName} was loaded without its recipients`);
    await input.writer.commit(combineMutations([...takeCarried(), markPending(desired, input.planId, input.now())]));
    input.emit({ type: "submitting", taskName: desired.taskName, recipients: desired.recipients });
    const startedAt = input.now();
    const result = await input.client.createTask(desired.body);
    if (result.ok) {
      const { taskId, answerShape } = result.data;
      const warning =
        taskId === null
          ? `the platform answered success without a task id (its answer: ${answerShape ?? "?"}); campaign refresh finds the task by its exact name and records the id`
          : undefined;
      submitted(desired.taskName, taskId, warning);
      return;
    }
    if (result.failure.kind === "platform" && result.failure.code === CREATE_CODE_NAME_TAKEN) {
      // Never resent: the task with this name is probably ours, from an answer lost earlier.
      const found = await findTaskByExactName(desired.taskName, startedAt, {
        ...input.lookup,
        client: input.client,
        now: input.now(),
      }).catch((error: unknown) => ({
        ok: false as const,
        evidence: `the lookup failed: ${maskSensitiveText(error instanceof Error ? error.message : String(error))}`,
      }));
      if (found.ok) {
        const note = `the platform answered -20 (name taken); ${found.evidence}: the task is taken as this campaign's`;
        submitted(desired.taskName, found.taskId, note, note);
        return;
      }
      failed(
        desired.taskName,
        outcomeUnknown(
          `the platform answered -20 (the name is taken, maybe by an earlier attempt of ours) and ${found.evidence}`,
        ),
        CREATE_CODE_NAME_TAKEN,
      );
      return;
    }
    // Only an answer from the platform, or a request that provably never left, is a rejection.
    failed(desired.taskName, result.failure);
  };

  /** `warning` goes to the report and the progress lines; `note` into the history only (with the answer's shape when there was no id). */
  const submitted = (taskName: string, taskId: number | null, warning: string | undefined, note = warning): void => {
    record(withNote(markSubmitted(taskName, taskId, input.now()), taskName, note));
    outcomes.set(taskName, { taskName, status: "submitted", taskId, ...(warning ? { warnings: [warning] } : {}) });
    input.emit({ type: "submitted", taskName, taskId, ...(warning ? { warning } : {}) });
  };
  /** `code`: the platform's code behind an unknown outcome, kept so refresh knows what it said. */
  const failed = (taskName: string, failure: ApiFailure, code?: string): void => {
    const status = failure.kind === "unknown" ? "unknown" : "rejected";
    record(
      markFailed(taskName, status, { ...lastError(failure), ...(code !== undefined ? { code } : {}) }, input.now()),
    );
    outcomes.set(taskName, { taskName, status, failure });
    input.emit({ type: status, taskName, failure });
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
  flushCarried();
  await Promise.all(recording);
  if (fatal !== undefined) throw fatal;
  return [...outcomes.values()];
}

/** A mutation plus one more history line about the same campaign: the tool's words (an answer's shape is masked where it is read). */
function withNote(mutation: Mutation, taskName: string, note: string | undefined): Mutation {
  if (!note) return mutation;
  return (state) => [...mutation(state), { action: "reconcile", taskName, detail: note }];
}

/** What the state records of a failure; the platform's words are masked again, since the state is committed. */
export function lastError(failure: ApiFailure): LastError {
  switch (failure.kind) {
    case "platform":
      return {
        kind: "platform",
        code: maskSensitiveText(failure.code),
        message: maskSensitiveText(failure.message),
        hint: failure.hint,
      };
    case "unknown":
      return { kind: "unknown", message: failure.reason, hint: failure.hint };
    case "unreachable":
      return { kind: "unreachable", message: failure.reason, hint: failure.hint };
  }
}
