import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import {
  createNumberClassifier,
  createZoneLookup,
  discoverCampaignFiles,
  displayPath,
  loadCampaigns,
  loadPhoneTimeZones,
  noCampaigns,
  nodeFileReader,
  type CampaignDefaultsSource,
  type CampaignFileReader,
  type LoadedCampaign,
  type NumberChecks,
} from "../campaigns/index.js";
import {
  configForEnvironment,
  environmentRequired,
  loadConfig,
  variablesOverridingEnvironment,
  type LoadedConfig,
} from "../config/index.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { ProtectedFile } from "../files/index.js";
import { describeDesired, withinPaths, type DesiredCampaign, type Hasher } from "../plan/index.js";
import type { GuardsConfig, SuppressionListBinding } from "../schema/generated/index.js";
import { fileBackend, openPgStateBackend, type StateBackend } from "../state/index.js";
import type { AppContext } from "./context.js";
import { projectPath } from "./project-paths.js";
import { refuseOtherEnvironmentState, refuseReservedStatePath, refuseStateLeftBehind } from "./state-path-checks.js";
import { applySuppression, leftOutBy, loadSuppressionLists } from "./suppression.js";

export interface Workspace {
  config: LoadedConfig;
  /** As the user sees it (relative to the working directory when given so). */
  statePath: string;
  absoluteStatePath: string;
  /** --state FILE was given: the file backend, whatever the config says. */
  stateFileChosen: boolean;
  /** Prints a warning found while reading the state (a torn journal line) on stderr. */
  warn: (warning: Diagnostic) => void;
}

/** The state backend the config names (--state FILE picks the file); closed when `work` ends. */
export async function withStateBackend<T>(
  workspace: Workspace,
  work: (backend: StateBackend) => Promise<T>,
): Promise<T> {
  const { state } = workspace.config.settings;
  const backend =
    state.backend === "postgres" && !workspace.stateFileChosen
      ? await openPgStateBackend(state.url, state.schema)
      : fileBackend(workspace.absoluteStatePath, workspace.statePath, workspace.warn);
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}

/** The shared flags that choose the workspace. */
export interface WorkspaceOptions {
  config?: string | undefined;
  /** --env NAME (else CAMPAIGN_ENV): one of the config's environments. */
  environment?: string | undefined;
  state?: string | undefined;
}

/**
 * Config loaded and checked; config errors are reported (events) and end the command. Every
 * command that reads the state or calls the platform opens one: with environments declared, it
 * runs in the one chosen, and without a choice it does not run.
 */
export async function openWorkspace(options: WorkspaceOptions, context: AppContext): Promise<Workspace> {
  const config = await loadConfig({
    cwd: context.cwd,
    configFile: options.config,
    env: context.env,
    environment: options.environment,
  });
  if (hasErrors(config.diagnostics)) {
    context.events.diagnostics(config.diagnostics);
    throw new ToolError(
      "config-invalid",
      `the configuration ${config.settings.configFile ?? ""} has errors`.replace("  ", " "),
      "fix the errors above",
      { diagnostics: config.diagnostics },
    );
  }
  if (config.environments.length > 0 && config.environment === undefined)
    throw environmentRequired(config.environments, config.settings.configFile);
  const overridden =
    config.environment === undefined
      ? []
      : variablesOverridingEnvironment(config.document, config.environment, context.env);
  if (overridden.length > 0) context.events.diagnostics(overridden);
  const statePath = options.state ?? config.settings.statePath;
  refuseReservedStatePath(statePath, config, context.cwd);
  if (options.state === undefined) await refuseStateLeftBehind(config, context);
  else refuseOtherEnvironmentState(options.state, config, context);
  return {
    config,
    statePath,
    absoluteStatePath: resolve(context.cwd, statePath),
    stateFileChosen: options.state !== undefined,
    warn: (warning) => context.events.diagnostics([warning]),
  };
}

/** Reads campaign files and the files they name; those stay inside the project unless the config allows otherwise. */
export function campaignFileReader(workspace: Pick<Workspace, "config">, context: AppContext): CampaignFileReader {
  return nodeFileReader(context.cwd, {
    root: workspace.config.projectRoot,
    allowOutside: workspace.config.settings.allowPathsOutsideProject,
  });
}

/** The state and report store files of every other environment (and of the keys above them): no output here overwrites them. */
export function otherEnvironmentStores(config: LoadedConfig, context: AppContext): ProtectedFile[] {
  const others = [undefined, ...config.environments].filter((name) => name !== config.environment);
  return config.environments.length === 0
    ? []
    : others.flatMap((name) => {
        const { settings } = configForEnvironment(config, name, context);
        const of = name === undefined ? "" : ` of environment ${name}`;
        return [
          { path: settings.statePath, what: `the state file${of} ${settings.statePath}`, siblings: true },
          { path: settings.reports.path, what: `the report store${of} ${settings.reports.path}`, siblings: true },
          // Another environment's do-not-call lists: overwriting one would drop numbers it must never call.
          ...(settings.guards.suppressionLists ?? []).map((path) => ({
            path,
            what: `the suppression list${of} ${path}`,
          })),
        ];
      });
}

/** Every environment's campaignsDir (the chosen one's first), for the files no output may overwrite. */
export function allCampaignsDirs(config: LoadedConfig, context: AppContext): string[] {
  const dirs = [config.settings.campaignsDir];
  for (const name of [undefined, ...config.environments])
    if (name !== config.environment) dirs.push(configForEnvironment(config, name, context).settings.campaignsDir);
  return [...new Set(dirs)];
}

/** Every environment's campaigns directory as campaign files' paths are shown: partial folders below them are skipped. */
export function partialRoots(config: LoadedConfig, context: AppContext): string[] {
  return allCampaignsDirs(config, context).map((dir) => displayPath(resolve(context.cwd, dir), context.cwd));
}

/**
 * A path named on the command line outside the chosen environment's campaigns directory: its
 * campaigns are planned (and applied) in this environment all the same — say so, since
 * `--env staging campaigns/example.yaml` would send production's campaign from staging's account.
 */
function warnOutsideEnvironment(workspace: Workspace, paths: readonly string[], context: AppContext): void {
  const { environment, projectRoot, settings } = workspace.config;
  if (environment === undefined) return;
  const own = projectPath(projectRoot, context.cwd, settings.campaignsDir);
  for (const path of paths)
    if (!withinPaths(projectPath(projectRoot, context.cwd, path), [own]))
      context.events.notice(
        `warning: ${maskSensitiveText(path)} is outside ${own}, the campaigns directory of environment ${environment}: its campaigns are planned and applied in ${environment} all the same\n`,
      );
}

/** Config defaults (and api.appId) merged under every campaign; errors in them point at the config. */
export function campaignDefaults(config: LoadedConfig): CampaignDefaultsSource {
  const { settings, source } = config;
  const own = environmentAppId(config);
  return {
    values: { ...(settings.api.appId ? { appId: settings.api.appId } : {}), ...settings.defaults },
    locate: (path) =>
      Object.hasOwn(settings.defaults, String(path[0]))
        ? source.locate(["defaults", ...path])
        : source.locate(["api", "appId"]),
    ...(own ? { environmentAppId: own } : {}),
  };
}

/** The api.appId the chosen environment writes itself (LAAFFIC_APP_ID overriding it is warned about when the workspace opens). */
function environmentAppId(config: LoadedConfig): CampaignDefaultsSource["environmentAppId"] {
  const name = config.environment;
  if (name === undefined) return undefined;
  const environments = (config.document.value as { environments?: Record<string, { api?: { appId?: unknown } }> })
    .environments;
  const written = environments && Object.hasOwn(environments, name) ? environments[name]?.api?.appId : undefined;
  if (typeof written !== "string") return undefined;
  return { environment: name, appId: written, at: config.source.locate(["api", "appId"]) };
}

export interface DesiredLoad {
  desired: DesiredCampaign[];
  /** Load warnings and suppression-list findings (which may be errors). */
  warnings: Diagnostic[];
  paths: string[];
  suppressionLists: SuppressionListBinding[];
  /** The campaign files and recipients CSVs read: no output may overwrite them. */
  inputFiles: string[];
}

/** Loads and validates the campaigns; any error is printed and ends the command (nothing is planned). */
export async function loadDesired(
  workspace: Workspace,
  paths: string[],
  hash: Hasher,
  context: AppContext,
  options: {
    forSubmission: boolean;
    /** Sees each valid campaign as loaded, its recipients still in file order (before suppression). */
    onLoaded?: (campaign: LoadedCampaign) => void;
  } = { forSubmission: true },
): Promise<DesiredLoad> {
  const { settings } = workspace.config;
  const searched = paths.length > 0 ? paths : [settings.campaignsDir];
  warnOutsideEnvironment(workspace, paths, context);
  const files = await discoverCampaignFiles(searched, context.cwd);
  const defaults = campaignDefaults(workspace.config);
  // Each campaign is described (hashed) as soon as it is loaded; a plan that will not submit
  // drops the recipients right away, so memory stays flat however many numbers there are.
  const reader = campaignFileReader(workspace, context);
  const { lists, bindings } = await loadSuppressionLists(workspace.config, reader, context);
  const suppressionFindings: Diagnostic[] = [];
  const described = new Map<LoadedCampaign, DesiredCampaign>();
  const checks = await numberChecks(settings.guards, { zones: true });
  const inputFiles = [...files];
  const describe = (campaign: LoadedCampaign): void => {
    options.onLoaded?.(campaign);
    if (campaign.recipientsPath !== undefined) inputFiles.push(campaign.recipientsPath);
    // The audience (countries, zones, number set) was worked out without the skipped numbers (leaveOut).
    const skipped = applySuppression(campaign, lists, suppressionFindings);
    const sourcePath = projectPath(workspace.config.projectRoot, context.cwd, campaign.source.file);
    const desired = {
      ...describeDesired(campaign, hash, { sourcePath }),
      ...(skipped > 0 ? { suppressedSkipped: skipped } : {}),
    };
    described.set(
      campaign,
      options.forSubmission ? desired : { ...desired, body: { ...desired.body, numberInfoList: [] } },
    );
  };
  const loaded = await loadCampaigns({
    files,
    reader,
    now: context.now(),
    timeZone: settings.api.timezone,
    defaults,
    campaignsDirs: partialRoots(workspace.config, context),
    onLoaded: describe,
    keepRecipients: options.forSubmission,
    numbers: checks,
    leaveOut: (campaign) => (campaign.suppressed === "skip" ? leftOutBy(lists) : undefined),
  });
  const invalid = loaded.campaigns.filter((c) => !c.valid).length;
  if (hasErrors(loaded.diagnostics) || invalid > 0) {
    context.events.diagnostics(loaded.diagnostics);
    throw new ToolError(
      "invalid-input",
      `${invalid} of ${loaded.campaigns.length} campaigns are invalid; nothing was planned`,
      "fix the errors above (campaign validate shows them too)",
      { diagnostics: loaded.diagnostics },
    );
  }
  return {
    desired: loaded.campaigns.map((c) => described.get(c)!),
    warnings: sortDiagnostics([
      ...loaded.diagnostics,
      ...suppressionFindings,
      ...(loaded.campaigns.length === 0 ? noCampaigns(searched, files.length) : []),
    ]),
    paths: searched,
    suppressionLists: bindings,
    // Bases and forEach rows files are inputs too: no output may overwrite them.
    inputFiles: [...inputFiles, ...loaded.inputFiles],
  };
}

/** Validity per number; time zones only for planning (`zones`), and only when the calling-hours guard is on. */
export async function numberChecks(guards: GuardsConfig, options: { zones: boolean }): Promise<NumberChecks> {
  return {
    classify: createNumberClassifier(),
    invalid: guards.invalidNumbers ?? "error",
    ...(options.zones && guards.callingHours !== false
      ? { zonesOf: createZoneLookup(await loadPhoneTimeZones()) }
      : {}),
  };
}

/** Who made a change, for the state's history. */
export function actor(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}
