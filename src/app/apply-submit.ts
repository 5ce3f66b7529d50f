import { executeApply, executeChanges, executeMoves, type ApplyOutcome, type Progress } from "../apply/index.js";
import type { LaafficClient } from "../laaffic/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { CampaignPlan } from "../schema/generated/index.js";
import { emptyState, logEvent, newLineage, removeNewSalt, type LockedState } from "../state/index.js";
import type { Prepared } from "./apply-prepare.js";
import { clientFromEnvironment } from "./client.js";
import type { AppContext } from "./context.js";
import { actor, type Workspace } from "./workspace.js";

export interface Submission {
  workspace: Workspace;
  locked: LockedState;
  parallelism: number;
  /** Aborted by the first signal: nothing new starts, requests in flight are aborted. */
  signal: AbortSignal;
  progress(taskNames: readonly string[]): Promise<Progress>;
}

/** Carries out the prepared changes under the lock; every outcome recorded, renames first. */
export async function carryOut(prepared: Prepared, run: Submission, context: AppContext): Promise<ApplyOutcome[]> {
  const { toSubmit, changes } = prepared;
  let progress: Progress | undefined;
  // A plan of renames only sends nothing: it needs no credentials.
  const sends = toSubmit.length + changes.cancels.length + changes.recallUpdates.length > 0;
  const client = sends
    ? clientFromEnvironment(run.workspace.config.settings, context.env, context.now, {
        signal: run.signal,
        onRetry: (wait) => progress?.emit({ type: "waiting", ...wait }),
      })
    : undefined;
  try {
    progress = await run.progress([
      ...changes.moves.map((m) => m.desired.taskName),
      ...toSubmit.map((d) => d.taskName),
      ...changes.cancels.map((c) => c.taskName),
      ...changes.recallUpdates.map((c) => c.desired.taskName),
    ]);
    return await submit(prepared, run, client, progress, context);
  } finally {
    await progress?.done();
    await client?.close();
  }
}

async function submit(
  { plan, toSubmit, changes, salt }: Prepared,
  run: Submission,
  client: LaafficClient | undefined,
  progress: Progress,
  context: AppContext,
): Promise<ApplyOutcome[]> {
  const { state } = run.locked;
  const writer = run.locked.openWriter(state ?? emptyState(plan.state.newLineage ?? newLineage(), salt));
  await writer.commit((s) => [
    ...(state ? [] : [{ action: "create-state" as const, detail: `lineage ${s.lineage}` }]),
    { action: "apply-start" as const, detail: `plan ${plan.planId}` },
  ]);
  // The new-state salt is the state's salt now: gone, so a copy of a state-less plan can never
  // verify again (say, after the state file was deleted) and submit a second time.
  if (!state) await removeNewSalt(run.workspace.absoluteStatePath);
  const stopRequested = () => run.signal.aborted;
  const emit = progress.emit.bind(progress);
  // Renames first: they only move state entries, and nothing after them depends on the old names.
  const outcomes = await executeMoves({ moves: changes.moves, writer, by: actor(), now: context.now, emit });
  const { api } = run.workspace.config.settings;
  if (client && !stopRequested())
    outcomes.push(
      ...(await executeApply({
        toSubmit: withEstimates(toSubmit, plan),
        writer,
        client,
        lookup: { timeZone: api.timezone },
        parallelism: run.parallelism,
        planId: plan.planId,
        now: context.now,
        emit,
        stopRequested,
      })),
    );
  // The refresh after a cancel asks the platform as `campaign refresh` does.
  if (client && !stopRequested())
    outcomes.push(
      ...(await executeChanges({
        ...changes,
        timeZone: api.timezone,
        settleMs: api.reconcileAfterSeconds * 1000,
        client,
        writer,
        now: context.now,
        emit,
        stopRequested,
      })),
    );
  const submitted = outcomes.filter((o) => o.status === "submitted").length;
  await writer.commit(
    logEvent({
      action: "apply-end",
      detail: `plan ${plan.planId}: ${submitted} submitted${stopRequested() ? " (interrupted)" : ""}`,
    }),
  );
  return outcomes;
}

/** Each create with the reviewed plan's cost estimate, kept in its state entry for campaign outcomes. */
function withEstimates(toSubmit: readonly DesiredCampaign[], plan: CampaignPlan): DesiredCampaign[] {
  const estimates = new Map(plan.entries.flatMap((e) => (e.estimate ? [[e.taskName, e.estimate] as const] : [])));
  return toSubmit.map((desired) => {
    const estimate = estimates.get(desired.taskName);
    return estimate
      ? {
          ...desired,
          estimate: { currency: estimate.currency, expected: estimate.cost.expected, worst: estimate.cost.worst },
        }
      : desired;
  });
}
