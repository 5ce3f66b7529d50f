import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import type { Interrupts } from "../app/interrupts.js";
import { toolFiles } from "../app/outputs.js";
import { appendStepSummary, makePlan, renderPlan, savePlan } from "./planning.js";
import { openWorkspace, withStateBackend } from "../app/workspace.js";

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
  const workspace = await openWorkspace(options, context);
  if (commandOptions.refresh) {
    const { refreshBeforePlan } = await import("./refresh.js");
    await refreshBeforePlan(workspace, options, context, interrupts);
  }
  const made = await withStateBackend(workspace, async (backend) =>
    makePlan(workspace, await backend.read(), backend.location, paths, context, {
      allowLarge: Boolean(commandOptions.allowLarge),
    }),
  );
  const { plan } = made;
  const out = plan.summary.errors === 0 ? commandOptions.out : undefined;
  // The tool's own files are looked up only when something is to be written.
  const writes = out !== undefined || Boolean(context.env["GITHUB_STEP_SUMMARY"]);
  const protect = writes ? await toolFiles(workspace, context, { inputFiles: made.inputFiles }) : [];
  // Saved before anything is printed: a refused or failed write leaves stdout to the error alone.
  if (out !== undefined) await savePlan(plan, out, protect, context);
  context.terminal.out(renderPlan(plan, options, context));
  await appendStepSummary(plan, protect, context);
  if (plan.summary.errors > 0) {
    if (commandOptions.out) context.terminal.err(`the plan was not saved to ${commandOptions.out}: it has errors\n`);
    return ExitCode.error;
  }
  if (out !== undefined)
    context.terminal.err(`Saved the plan to ${out}. Apply exactly this plan with: campaign apply ${out}\n`);
  if (commandOptions.detailedExitcode && plan.summary.hasChanges) return ExitCode.changes;
  return ExitCode.ok;
}
