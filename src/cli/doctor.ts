import { doctor } from "../app/doctor.js";
import { renderDoctor } from "../views/doctor.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

/** `campaign doctor`: read-only checks against the configured platform; exit 0 when none failed (warnings allowed), 1 otherwise. */
export async function doctorCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const report = await doctor(options, context);
  context.terminal.out(renderDoctor(report, { ...options, color: context.terminal.color }));
  return report.ok ? ExitCode.ok : ExitCode.error;
}
