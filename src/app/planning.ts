import { plan, type DesiredCampaign, type SeriesHistory } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import { ensureNewSalt, hmacHasher, newId, newLineage, removeNewSalt } from "../state/index.js";
import type { AppContext } from "./context.js";
import { seriesHistories } from "./cost-history.js";
import { evaluatedGuards, type EvaluatedGuards, type GuardSettings } from "./guard-check.js";
import { optedOutDeclared } from "./opt-out-check.js";
import { planScope } from "./project-paths.js";
import { inEnvironment, signPlan } from "./saved-plan.js";
import { TOOL_VERSION } from "./version.js";
import { loadDesired, type Workspace } from "./workspace.js";

export interface MadePlan {
  plan: CampaignPlan;
  desired: DesiredCampaign[];
  /** The hash key of the definitions: the state's, or a new one for the state the first apply creates. */
  salt: string;
  /** The campaign files and recipients CSVs read: no output may overwrite them. */
  inputFiles: string[];
  /** What the plan's guards were evaluated on (their result is in the plan's findings). */
  guards: EvaluatedGuards;
}

/** Loads the campaigns and plans them against the given state. */
export async function makePlan(
  workspace: Workspace,
  state: AppliedState | undefined,
  stateLocation: string,
  paths: readonly string[],
  context: AppContext,
  options: { forSubmission?: boolean; allowLarge?: boolean } = {},
): Promise<MadePlan> {
  const forSubmission = options.forSubmission ?? false;
  // The definitions' hash key and the plan's MAC key: the state's salt, or before any state exists
  // the one the first apply creates it with, kept beside the state (never in the plan).
  const salt = state?.salt ?? (await ensureNewSalt(workspace.absoluteStatePath, workspace.statePath));
  if (state) await removeNewSalt(workspace.absoluteStatePath);
  const newState = state ? undefined : { lineage: newLineage() };
  const loaded = await loadDesired(workspace, [...paths], hmacHasher(salt), context, { forSubmission });
  const series = new Set(loaded.desired.flatMap((d) => (d.series === undefined ? [] : [d.series])));
  const history = await seriesHistories(workspace, state, series, context);
  const guards = guardsOf(workspace, options.allowLarge ?? false, history);
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
    guards,
    suppressionLists: loaded.suppressionLists,
    optedOut: await optedOutDeclared(workspace, state, loaded.desired, context),
  });
  return {
    plan: signPlan(inEnvironment(made, workspace.config.environment), salt),
    desired: loaded.desired,
    salt,
    inputFiles: loaded.inputFiles,
    guards: evaluatedGuards(guards, made, loaded.desired, state, true),
  };
}

/** Paths that do not cover the campaigns directory: the plan judges only their part of the state. */
function scopeOf(workspace: Workspace, paths: readonly string[], context: AppContext): { scope?: string[] } {
  const scope = planScope(workspace.config.projectRoot, context.cwd, workspace.config.settings.campaignsDir, paths);
  return scope ? { scope } : {};
}

/** The guards as the plan core and apply's last check take them. */
export function guardsOf(
  workspace: Workspace,
  allowLarge: boolean,
  history: ReadonlyMap<string, SeriesHistory> = new Map(),
): GuardSettings {
  const { settings, source } = workspace.config;
  return {
    guards: settings.guards,
    guardsAt: (key) => source.locate(["guards", key]),
    allowLarge,
    platformTimeZone: settings.api.timezone,
    // The budget guards price the worst case with the config's prices; the history adds the expected case.
    costs: { pricing: settings.pricing, forecast: settings.forecast, history },
  };
}
