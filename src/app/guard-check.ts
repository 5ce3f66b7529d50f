import { ToolError } from "../errors/index.js";
import { clockGuardFindings, guardFindings, type DesiredCampaign, type GuardInput } from "../plan/index.js";
import type { AppliedState, CampaignPlan, Diagnostic } from "../schema/generated/index.js";

/** The guards' settings as the plan core and apply's last check take them (the config's, and --allow-large). */
export type GuardSettings = Omit<GuardInput, "toSubmit" | "toUpdate" | "state">;

/**
 * What a plan's guards were evaluated on: the settings, the campaigns it submits (in the plan's
 * order) and updates, and the state. The plan's findings are their result; apply reuses it and,
 * right before the first request, evaluates again only what may have changed since.
 */
export interface EvaluatedGuards {
  input: GuardInput;
  /**
   * true: evaluated by this command, against the config it read. false: a saved plan's, against
   * the config of its day; this apply read the config again, so every guard is evaluated again.
   */
  sameConfig: boolean;
}

/** The guards of `plan`, on the campaigns it submits (create, retry) and whose recall flow it updates. */
export function evaluatedGuards(
  settings: GuardSettings,
  plan: CampaignPlan,
  desired: readonly DesiredCampaign[],
  state: AppliedState | undefined,
  sameConfig: boolean,
): EvaluatedGuards {
  const byName = new Map(desired.map((d) => [d.taskName, d]));
  const planned = (...actions: string[]): DesiredCampaign[] =>
    plan.entries.filter((e) => actions.includes(e.action)).map((e) => byName.get(e.taskName)!);
  return {
    input: { ...settings, toSubmit: planned("create", "retry"), toUpdate: planned("update-recall"), state },
    sameConfig,
  };
}

/**
 * The guards once more, right before the first request (a plan approved at 17:00 may be applied
 * at 21:30): with the same config, only what depends on the clock — the calling hours of
 * immediate sends, whose rounds start now, and of recall-flow updates; with a config read again
 * (a saved plan), every guard. Going past a size limit needs --allow-large on this apply *and* a
 * plan that was made with it.
 */
export function refuseOnGuards(
  evaluated: EvaluatedGuards,
  plan: CampaignPlan,
  allowLargeAsked: boolean,
  now: number,
): void {
  const errors = findingsAt(evaluated, now).filter((f) => f.severity === "error");
  if (errors.length === 0) return;
  const first = errors[0]!;
  const blastRadius = first.code.startsWith("blast-radius");
  const why =
    blastRadius && allowLargeAsked && !plan.allowLarge
      ? "; the plan was not made with --allow-large, so it does not show that this was reviewed"
      : "";
  const hint = blastRadius
    ? "when this size is intended, make the plan with --allow-large and apply with --allow-large"
    : (first.hint ?? "fix the campaign and make a new plan");
  throw new ToolError(
    "plan-has-errors",
    `apply refuses to start: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}${why}`,
    `nothing was submitted; ${hint}`,
  );
}

function findingsAt({ input, sameConfig }: EvaluatedGuards, now: number): Diagnostic[] {
  return sameConfig ? clockGuardFindings({ ...input, now }) : guardFindings({ ...input, now });
}
