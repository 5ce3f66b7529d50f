import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { discoverCampaignFiles, loadCampaigns, nodeFileReader, type CampaignDefaultsSource, type LoadedCampaign } from "../campaigns/index.js";
import { loadConfig, type LoadedConfig } from "../config/index.js";
import { hasErrors, renderDiagnostic, sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { describeDesired, type DesiredCampaign, type Hasher } from "../plan/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { palette } from "./terminal.js";

export const TOOL_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export interface Workspace {
  config: LoadedConfig;
  /** As the user sees it (relative to the working directory when given so). */
  statePath: string;
  absoluteStatePath: string;
}

/** Config loaded and checked; config errors are printed (stderr) and end the command. */
export async function openWorkspace(options: GlobalOptions, context: CliContext): Promise<Workspace> {
  const config = await loadConfig({ cwd: context.cwd, configFile: options.config, env: context.env });
  if (hasErrors(config.diagnostics)) {
    printDiagnostics(config.diagnostics, context);
    throw new ToolError("config-invalid", `the configuration ${config.settings.configFile ?? ""} has errors`.replace("  ", " "), "fix the errors above");
  }
  const statePath = options.state ?? config.settings.statePath;
  return { config, statePath, absoluteStatePath: resolve(context.cwd, statePath) };
}

export interface DesiredLoad {
  desired: DesiredCampaign[];
  warnings: Diagnostic[];
  paths: string[];
}

/** Loads and validates the campaigns; any error is printed and ends the command (nothing is planned). */
export async function loadDesired(workspace: Workspace, paths: string[], hash: Hasher, context: CliContext, options: { forSubmission: boolean } = { forSubmission: true }): Promise<DesiredLoad> {
  const { settings, source } = workspace.config;
  const searched = paths.length > 0 ? paths : [settings.campaignsDir];
  const files = await discoverCampaignFiles(searched, context.cwd);
  const defaults: CampaignDefaultsSource = {
    values: { ...(settings.api.appId ? { appId: settings.api.appId } : {}), ...settings.defaults },
    locate: (path) => (String(path[0]) in settings.defaults ? source.locate(["defaults", ...path]) : source.locate(["api", "appId"])),
  };
  // Each campaign is described (hashed) as soon as it is loaded; a plan that will not submit
  // drops the recipients right away, so memory stays flat however many numbers there are.
  const described = new Map<LoadedCampaign, DesiredCampaign>();
  const describe = (campaign: LoadedCampaign): void => {
    const desired = describeDesired(campaign, hash);
    described.set(campaign, options.forSubmission ? desired : { ...desired, body: { ...desired.body, numberInfoList: [] } });
  };
  const loaded = await loadCampaigns({ files, reader: nodeFileReader(context.cwd), now: context.now(), timeZone: settings.api.timezone, defaults, onLoaded: describe, keepRecipients: options.forSubmission });
  const invalid = loaded.campaigns.filter((c) => !c.valid).length;
  if (hasErrors(loaded.diagnostics) || invalid > 0) {
    printDiagnostics(loaded.diagnostics, context);
    throw new ToolError("invalid-input", `${invalid} of ${loaded.campaigns.length} campaigns are invalid; nothing was planned`, "fix the errors above (campaign validate shows them too)");
  }
  return { desired: loaded.campaigns.map((c) => described.get(c)!), warnings: sortDiagnostics(loaded.diagnostics), paths: searched };
}

export function printDiagnostics(diagnostics: readonly Diagnostic[], context: CliContext): void {
  const paint = palette(context.terminal.color);
  context.terminal.err(sortDiagnostics(diagnostics).map((d) => renderDiagnostic(d, paint)).join(""));
}

/** Who made a change, for the state's history. */
export function actor(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}
