import { discoverCampaignFiles, loadCampaigns, noCampaigns, validationReport } from "../campaigns/index.js";
import { configForEnvironment, loadConfig, type LoadedConfig } from "../config/index.js";
import { hasErrors } from "../diagnostics/index.js";
import type { ValidationReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { combineValidations } from "./validate-environments.js";
import { campaignDefaults, campaignFileReader, numberChecks, partialRoots } from "./workspace.js";

export interface ValidateInput {
  /** Campaign files or directories; none: the config's campaignsDir. */
  paths: readonly string[];
  config?: string | undefined;
  /** --env NAME (else CAMPAIGN_ENV); none where environments are declared: the campaigns are checked in each. */
  environment?: string | undefined;
}

/**
 * `campaign validate`: the config and every campaign checked, all findings in one report (config
 * errors included, not thrown). No campaigns at all is a warning naming where it looked, not an
 * error: a repository whose campaigns have all run and been removed is valid, and plan agrees.
 */
export async function validateCampaigns(input: ValidateInput, context: AppContext): Promise<ValidationReport> {
  const config = await loadConfig({
    cwd: context.cwd,
    configFile: input.config,
    env: context.env,
    environment: input.environment,
  });
  if (hasErrors(config.diagnostics) || config.environment !== undefined || config.environments.length === 0)
    return validateIn(config, input, context);
  // Validating needs no environment (it reads no state, calls nothing): it checks the campaigns in every one.
  const each: { name: string; report: ValidationReport }[] = [];
  for (const name of config.environments)
    each.push({ name, report: await validateIn(configForEnvironment(config, name, context), input, context) });
  return combineValidations(each);
}

async function validateIn(config: LoadedConfig, input: ValidateInput, context: AppContext): Promise<ValidationReport> {
  const searched = input.paths.length > 0 ? [...input.paths] : [config.settings.campaignsDir];
  const files = hasErrors(config.diagnostics) ? [] : await discoverCampaignFiles(searched, context.cwd);
  const loaded = await loadCampaigns({
    files,
    reader: campaignFileReader({ config }, context),
    now: context.now(),
    timeZone: config.settings.api.timezone,
    defaults: campaignDefaults(config),
    campaignsDirs: partialRoots(config, context),
    // Time zones matter to the calling-hours guard only, which is planning's.
    numbers: await numberChecks(config.settings.guards, { zones: false }),
  });
  const nothing =
    !hasErrors(config.diagnostics) && !hasErrors(loaded.diagnostics) && loaded.campaigns.length === 0
      ? noCampaigns(searched, files.length)
      : [];
  return validationReport(loaded.campaigns, [...config.diagnostics, ...loaded.diagnostics, ...nothing]);
}
