import { plan, type DesiredCampaign, type GuardInput } from "../plan/index.js";
import { renderPlanMarkdown, renderPlanText } from "../views/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import { ensureNewSalt, hmacHasher, newId, newLineage, removeNewSalt } from "../state/index.js";
import type { ProtectedFile } from "../files/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { appendToStepSummary, writeOutput } from "../app/outputs.js";
import { signPlan } from "./saved-plan.js";
import { planScope } from "../app/project-paths.js";
import { palette } from "../views/style.js";
import { TOOL_VERSION } from "../app/version.js";
import { loadDesired, type Workspace } from "../app/workspace.js";

export interface MadePlan {
  plan: CampaignPlan;
  desired: DesiredCampaign[];
  /** The hash key of the definitions: the state's, or a new one for the state the first apply creates. */
  salt: string;
  /** The campaign files and recipients CSVs read: no output may overwrite them. */
  inputFiles: string[];
}

/** Loads the campaigns and plans them against the given state. */
export async function makePlan(
  workspace: Workspace,
  state: AppliedState | undefined,
  stateLocation: string,
  paths: string[],
  context: CliContext,
  options: { forSubmission?: boolean; allowLarge?: boolean } = {},
): Promise<MadePlan> {
  const forSubmission = options.forSubmission ?? false;
  // The definitions' hash key and the plan's MAC key: the state's salt, or before any state exists
  // the one the first apply creates it with, kept beside the state (never in the plan).
  const salt = state?.salt ?? (await ensureNewSalt(workspace.absoluteStatePath, workspace.statePath));
  if (state) await removeNewSalt(workspace.absoluteStatePath);
  const newState = state ? undefined : { lineage: newLineage() };
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
    ...scopeOf(workspace, paths, context),
    ...(newState ? { newState } : {}),
    guards: guardsOf(workspace, options.allowLarge ?? false),
    suppressionLists: loaded.suppressionLists,
  });
  return { plan: signPlan(made, salt), desired: loaded.desired, salt, inputFiles: loaded.inputFiles };
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

/** GitHub Actions shows $GITHUB_STEP_SUMMARY on the run page: the plan goes there too (a warning when it cannot). */
export async function appendStepSummary(
  made: CampaignPlan,
  protect: readonly ProtectedFile[],
  context: CliContext,
): Promise<void> {
  await appendToStepSummary(renderPlanMarkdown(made) + "\n", protect, context);
}

/** Written atomically, and never over one of the tool's own files (`protect`). */
export async function savePlan(
  made: CampaignPlan,
  file: string,
  protect: readonly ProtectedFile[],
  context: CliContext,
): Promise<void> {
  await writeOutput(file, JSON.stringify(made, null, 2) + "\n", "plan", protect, context);
}

/** Paths that do not cover the campaigns directory: the plan judges only their part of the state. */
function scopeOf(workspace: Workspace, paths: readonly string[], context: CliContext): { scope?: string[] } {
  const scope = planScope(workspace.config.projectRoot, context.cwd, workspace.config.settings.campaignsDir, paths);
  return scope ? { scope } : {};
}

/** The guards as the plan core and apply's last check take them. */
export function guardsOf(workspace: Workspace, allowLarge: boolean): Omit<GuardInput, "toSubmit" | "state"> {
  const { settings, source } = workspace.config;
  return {
    guards: settings.guards,
    guardsAt: (key) => source.locate(["guards", key]),
    allowLarge,
    platformTimeZone: settings.api.timezone,
  };
}
