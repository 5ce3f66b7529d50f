import { importReports } from "../app/reports-import.js";
import { receive, type ReceiveInput } from "../app/receive.js";
import type { Interrupts } from "../app/interrupts.js";
import type { StoreOption } from "../app/report-store.js";
import { renderReportsImport } from "../views/reports-import.js";
import { renderReceiverStarted } from "../views/started.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export type { StoreOption };
export { outcomesCommand, type OutcomesOptions } from "./outcomes.js";
export type ReceiveOptions = ReceiveInput;

/** `campaign receive`: the HTTP endpoint the platform pushes status reports to, until a signal. */
export async function receiveCommand(
  receiveOptions: ReceiveOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const serving = await receive(receiveOptions, options, context, interrupts);
  context.terminal.out(renderReceiverStarted(serving.started, options.format));
  await serving.untilStopped();
  return ExitCode.ok;
}

/** `campaign reports import FILE`: exit 1 when any record was rejected (the rest is stored). */
export async function reportsImportCommand(
  file: string,
  importOptions: StoreOption,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const report = await importReports(file, importOptions, options, context);
  context.terminal.out(renderReportsImport(report, options.format));
  return report.rejected.length > 0 ? ExitCode.error : ExitCode.ok;
}
