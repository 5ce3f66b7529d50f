import type { Interrupts } from "../app/interrupts.js";
import { refreshCampaigns, refreshWorkspace, requireCompleteRefresh, type RefreshRequest } from "../app/refresh.js";
import type { Workspace } from "../app/workspace.js";
import type { RefreshReport } from "../schema/generated/index.js";
import { REFRESH_INTERRUPTED_NOTE, refreshJson, renderRefreshText } from "../views/refresh.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

/** `campaign refresh` */
export async function refreshCommand(
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  return refreshAndReport("refresh", { command: "campaign refresh" }, options, context, interrupts);
}

/** `campaign state resolve NAME --check` */
export async function resolveCheckCommand(
  name: string,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const request = { command: `campaign state resolve ${name} --check`, names: [name] };
  return refreshAndReport("state resolve --check", request, options, context, interrupts);
}

/** The result on stdout; exit 1 when a campaign failed, else 130 when interrupted. */
async function refreshAndReport(
  command: RefreshReport["command"],
  request: RefreshRequest,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const outcome = await refreshCampaigns(options, { ...request, quiet: options.quiet }, context, { interrupts });
  context.terminal.out(options.format === "json" ? refreshJson(command, outcome) : renderRefreshText(outcome));
  if (outcome.result.interrupted) context.terminal.err(REFRESH_INTERRUPTED_NOTE);
  if (outcome.result.failures.length > 0) return ExitCode.error;
  return outcome.result.interrupted ? ExitCode.interrupted : ExitCode.ok;
}

/** `campaign plan --refresh`'s first step: everything it says goes to stderr, so stdout holds the plan alone. */
export async function refreshBeforePlan(
  workspace: Workspace,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<void> {
  const request = { command: "campaign plan --refresh", quiet: options.quiet };
  const outcome = await refreshWorkspace(workspace, request, context, { interrupts });
  context.terminal.err(renderRefreshText(outcome));
  requireCompleteRefresh(outcome);
}
