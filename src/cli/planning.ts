import { appendFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { plan, renderPlanMarkdown, renderPlanText, type DesiredCampaign, type GuardInput } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import { hmacHasher, newId, newLineage, newSalt } from "../state/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { palette } from "./terminal.js";
import { TOOL_VERSION } from "./version.js";
import { loadDesired, type Workspace } from "./workspace.js";

export interface MadePlan {
  plan: CampaignPlan;
  desired: DesiredCampaign[];
  /** The hash key of the definitions: the state's, or a new one for the state the first apply creates. */
  salt: string;
}

/** Loads the campaigns and plans them against the given state. */
export async function makePlan(workspace: Workspace, state: AppliedState | undefined, stateLocation: string, paths: string[], context: CliContext, options: { forSubmission?: boolean; allowLarge?: boolean } = {}): Promise<MadePlan> {
  const forSubmission = options.forSubmission ?? false;
  const newState = state ? undefined : { lineage: newLineage(), salt: newSalt() };
  const salt = state?.salt ?? newState!.salt;
  const loaded = await loadDesired(workspace, paths, hmacHasher(salt), context, { forSubmission });
  const made = plan({
    desired: loaded.desired,
    loadFindings: loaded.warnings,
    state,
    statePath: stateLocation,
    now: context.now(),
    planId: newId(),
    toolVersion: TOOL_VERSION,
    paths: loaded.paths,
    ...(newState ? { newState } : {}),
    guards: guardsOf(workspace, options.allowLarge ?? false),
    suppressionLists: loaded.suppressionLists,
  });
  return { plan: made, desired: loaded.desired, salt };
}

export function renderPlan(made: CampaignPlan, options: GlobalOptions, context: CliContext): string {
  switch (options.format) {
    case "json":
      return JSON.stringify(made, null, 2) + "\n";
    case "markdown":
      return renderPlanMarkdown(made);
    case "text":
      return renderPlanText(made, palette(context.terminal.color), { quiet: options.quiet });
  }
}

/** GitHub Actions shows $GITHUB_STEP_SUMMARY on the run page: the plan goes there too. */
export async function appendStepSummary(made: CampaignPlan, context: CliContext): Promise<void> {
  const file = context.env["GITHUB_STEP_SUMMARY"];
  if (file) await appendFile(resolve(context.cwd, file), renderPlanMarkdown(made) + "\n");
}

export async function savePlan(made: CampaignPlan, file: string, context: CliContext): Promise<void> {
  await writeFile(resolve(context.cwd, file), JSON.stringify(made, null, 2) + "\n", { mode: 0o600 });
}

/** The guards as the plan core and apply's last check take them. */
export function guardsOf(workspace: Workspace, allowLarge: boolean): Omit<GuardInput, "toSubmit" | "state"> {
  const { settings, source } = workspace.config;
  return { guards: settings.guards, guardsAt: (key) => source.locate(["guards", key]), allowLarge, platformTimeZone: settings.api.timezone };
}
