import type { CancelChange, MoveChange, RecallChange } from "../apply/index.js";
import { ToolError } from "../errors/index.js";
import { hmacHasher, newSaltPathFor, readNewSalt } from "../state/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { evaluatedGuards, type EvaluatedGuards } from "./guard-check.js";
import { guardsOf, makePlan } from "./planning.js";
import {
  campaignsAsPlanned,
  checkPlanEnvironment,
  checkPlanState,
  readSavedPlan,
  verifySavedPlan,
} from "./saved-plan.js";
import { loadDesired, type Workspace } from "./workspace.js";

/** What an apply is about to carry out: the reviewed plan, each change by kind, and its guards as evaluated. */
export interface Prepared {
  plan: CampaignPlan;
  /** Submitted in the order the plan lists them. */
  toSubmit: readonly DesiredCampaign[];
  changes: PlannedChanges;
  salt: string;
  guards: EvaluatedGuards;
}

export interface PlannedChanges {
  cancels: CancelChange[];
  recallUpdates: RecallChange[];
  moves: MoveChange[];
}

/** A plan made here and now from the campaign files, shown (`show`) before anything is asked or sent. */
export async function fromCampaigns(
  paths: readonly string[],
  workspace: Workspace,
  state: AppliedState | undefined,
  stateLocation: string,
  context: AppContext,
  options: { allowLarge: boolean; show: (plan: CampaignPlan) => void },
): Promise<Prepared> {
  const made = await makePlan(workspace, state, stateLocation, paths, context, {
    forSubmission: true,
    allowLarge: options.allowLarge,
  });
  options.show(made.plan);
  const { errors } = made.plan.summary;
  if (errors > 0) {
    throw new ToolError(
      "plan-has-errors",
      `apply refuses to start: the plan has ${errors} error${errors === 1 ? "" : "s"} (see above)`,
      "resolve the blocked or unknown campaigns first; nothing was submitted",
    );
  }
  return {
    plan: made.plan,
    toSubmit: made.guards.input.toSubmit,
    changes: plannedChanges(made.plan, made.desired),
    salt: made.salt,
    guards: made.guards,
  };
}

/** A plan saved by campaign plan --out: verified, bound to this state, every campaign in it still as reviewed. */
export async function fromSavedPlan(
  file: string,
  workspace: Workspace,
  state: AppliedState | undefined,
  context: AppContext,
  allowLarge: boolean,
): Promise<Prepared> {
  const unverified = await readSavedPlan(file, context.cwd);
  checkPlanEnvironment(unverified, workspace.config.environment, file);
  // The keys that may have signed it here: the state's salt, or with no state yet the salt the
  // first apply creates the state with (beside the state, made by campaign plan).
  const { plan: saved, salt } = verifySavedPlan(
    unverified,
    state?.salt ?? (await readNewSalt(workspace.absoluteStatePath, workspace.statePath)),
    file,
    newSaltPathFor(workspace.statePath),
  );
  checkPlanState(saved, state, file);
  const loaded = await loadDesired(workspace, saved.paths, hmacHasher(salt), context);
  const asPlanned = campaignsAsPlanned(saved, loaded.desired, file);
  const changes = plannedChanges(saved, asPlanned);
  // Its guards were evaluated against the config of its day; the config read now may differ.
  const guards = evaluatedGuards(
    guardsOf(workspace, allowLarge && saved.allowLarge === true),
    saved,
    asPlanned,
    state,
    false,
  );
  const toSubmit = guards.input.toSubmit;
  context.events.notice(
    `Applying the saved plan ${file} (${toSubmit.length} to create, ${changes.cancels.length} to cancel, ${changes.recallUpdates.length} to update${changes.moves.length > 0 ? `, ${changes.moves.length} to rename` : ""}; made ${saved.createdAt}).\n`,
  );
  return { plan: saved, toSubmit, changes, salt, guards };
}

/** The reviewed changes, each carried out or refused by name: an entry that cannot be is an error (exit 1), never dropped. */
function plannedChanges(plan: CampaignPlan, desired: readonly DesiredCampaign[]): PlannedChanges {
  const byName = new Map(desired.map((d) => [d.taskName, d]));
  const changes: PlannedChanges = { cancels: [], recallUpdates: [], moves: [] };
  const cannot = (name: string, why: string): never => {
    throw new ToolError(
      "plan-has-errors",
      `apply refuses to start: the reviewed change of "${name}" cannot be carried out: ${why}`,
      "nothing was sent; make a new plan (campaign plan --refresh) and review it again",
    );
  };
  for (const e of plan.entries) {
    if (e.action === "cancel")
      changes.cancels.push(cancelChange(e, e.cancel?.task.taskId ?? e.previous?.taskId ?? null));
    else if (e.action === "update-recall") {
      const d = byName.get(e.taskName) ?? cannot(e.taskName, "its campaign definition is not loaded");
      changes.recallUpdates.push({
        desired: d,
        keyId:
          e.recallKeyId ?? cannot(e.taskName, "the plan does not know its recall flow's keyId (run campaign refresh)"),
      });
    } else if (e.action === "move") {
      const d = byName.get(e.taskName) ?? cannot(e.taskName, "its campaign definition is not loaded");
      const from = e.from ?? cannot(e.taskName, "the plan does not say which state entry it is renamed from");
      changes.moves.push({ from, desired: d, platformTaskName: e.platformTaskName ?? from });
    }
  }
  return changes;
}

/** What the plan said is left to stop (an entry without that detail, from an older plan: the task only). */
function cancelChange(entry: CampaignPlan["entries"][number], taskId: number | null): CancelChange {
  const flow = entry.cancel?.recallFlow;
  return {
    taskName: entry.taskName,
    taskId,
    cancelTask: entry.cancel?.task.cancel ?? true,
    ...(flow
      ? { recallFlow: { ...(flow.keyId !== undefined ? { keyId: flow.keyId } : {}), status: flow.status } }
      : {}),
  };
}
