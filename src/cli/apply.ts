import { applyCampaigns, plainProgress, terminalProgress } from "../app/apply.js";
import type { Interrupts } from "../app/interrupts.js";
import { approvalQuestion, renderApplyResult } from "../views/apply-report.js";
import { renderPlan } from "../views/plan.js";
import { palette } from "../views/style.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export interface ApplyCommandOptions {
  autoApprove?: boolean;
  parallelism?: string;
  allowLarge?: boolean;
}

/** `campaign apply [PLANFILE | paths…]`: submits what the plan says, each campaign exactly once. */
export async function applyCommand(
  args: string[],
  commandOptions: ApplyCommandOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const { terminal } = context;
  const { ask } = terminal;
  const result = await applyCampaigns(
    {
      args,
      config: options.config,
      environment: options.environment,
      state: options.state,
      autoApprove: Boolean(commandOptions.autoApprove),
      parallelism: commandOptions.parallelism,
      allowLarge: Boolean(commandOptions.allowLarge),
    },
    context,
    {
      interrupts,
      // With --format json stdout holds the apply report alone.
      showPlan: (plan) => {
        if (options.format !== "json")
          terminal.out(renderPlan(plan, options.format, { color: terminal.color, quiet: options.quiet }));
      },
      ...(ask ? { confirm: async (plan, signal) => (await ask(approvalQuestion(plan), signal)).trim() === "yes" } : {}),
      // A live list on a terminal; plain timestamped lines in CI and pipes.
      progress: async (names) =>
        terminal.isTTY && !context.env["CI"] ? await terminalProgress(names) : plainProgress(terminal.err, context.now),
    },
  );
  terminal.out(renderApplyResult(result, options.format, palette(terminal.color)));
  if (!result.changed) return ExitCode.ok;
  const { summary } = result.report;
  if (summary.unknown > 0) return ExitCode.outcomeUnknown;
  if (result.interrupted) return ExitCode.interrupted;
  return summary.rejected + summary.notStarted > 0 ? ExitCode.error : ExitCode.ok;
}
