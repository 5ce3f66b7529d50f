import { validateCampaigns } from "../app/validate.js";
import { renderValidation } from "../views/validation.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

/** `campaign validate [paths…]`: exit 0 when every campaign is valid (warnings allowed), else 1. */
export async function validateCommand(paths: string[], options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const report = await validateCampaigns({ paths, config: options.config, environment: options.environment }, context);
  context.terminal.out(
    renderValidation(report, options.format, { quiet: options.quiet, color: context.terminal.color }),
  );
  return report.valid ? ExitCode.ok : ExitCode.error;
}
