import { discoverCampaignFiles, loadCampaigns, noCampaigns, validationReport } from "../campaigns/index.js";
import { loadConfig } from "../config/index.js";
import { hasErrors } from "../diagnostics/index.js";
import type { ValidationReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { campaignDefaults, campaignFileReader, numberChecks } from "./workspace.js";

export interface ValidateInput {
  /** Campaign files or directories; none: the config's campaignsDir. */
  paths: readonly string[];
  config?: string | undefined;
}

/**
 * `campaign validate`: the config and every campaign checked, all findings in one report (config
 * errors included, not thrown). No campaigns at all is a warning naming where it looked, not an
 * error: a repository whose campaigns have all run and been removed is valid, and plan agrees.
 */
export async function validateCampaigns(input: ValidateInput, context: AppContext): Promise<ValidationReport> {
  const config = await loadConfig({ cwd: context.cwd, configFile: input.config, env: context.env });
  const searched = input.paths.length > 0 ? [...input.paths] : [config.settings.campaignsDir];
  const files = hasErrors(config.diagnostics) ? [] : await discoverCampaignFiles(searched, context.cwd);
  const loaded = await loadCampaigns({
    files,
    reader: campaignFileReader({ config }, context),
    now: context.now(),
    timeZone: config.settings.api.timezone,
    defaults: campaignDefaults(config),
    // Time zones matter to the calling-hours guard only, which is planning's.
    numbers: await numberChecks(config.settings.guards, { zones: false }),
  });
  const nothing =
    !hasErrors(config.diagnostics) && !hasErrors(loaded.diagnostics) && loaded.campaigns.length === 0
      ? noCampaigns(searched, files.length)
      : [];
  return validationReport(loaded.campaigns, [...config.diagnostics, ...loaded.diagnostics, ...nothing]);
}
