import type { Interrupts } from "../app/interrupts.js";
import { planCampaigns } from "../app/plan.js";
import { renderPlan } from "../views/plan.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export interface PlanCommandOptions {
  out?: string;
  detailedExitcode?: boolean;
  refresh?: boolean;
  allowLarge?: boolean;
}

/** `campaign plan`: the difference between the declared campaigns and the applied state. */
export async function planCommand(
  paths: string[],
  commandOptions: PlanCommandOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const { out } = commandOptions;
  const { plan, savedTo } = await planCampaigns(
    {
      paths,
      config: options.config,
      environment: options.environment,
      state: options.state,
      out,
      allowLarge: Boolean(commandOptions.allowLarge),
    },
    context,
    commandOptions.refresh
      ? {
          refreshFirst: async (workspace) =>
            (await import("./refresh.js")).refreshBeforePlan(workspace, options, context, interrupts),
        }
      : {},
  );
  context.terminal.out(renderPlan(plan, options.format, { color: context.terminal.color, quiet: options.quiet }));
  if (plan.summary.errors > 0) {
    if (out) context.terminal.err(`the plan was not saved to ${out}: it has errors\n`);
    return ExitCode.error;
  }
  if (savedTo !== undefined)
    context.terminal.err(`Saved the plan to ${savedTo}. Apply exactly this plan with: campaign apply ${savedTo}\n`);
  if (commandOptions.detailedExitcode && plan.summary.hasChanges) return ExitCode.changes;
  return ExitCode.ok;
}
