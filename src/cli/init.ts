import { init } from "../app/init.js";
import { renderInit } from "../views/init.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

/** `campaign init [dir]`: scaffolds a campaigns repository; never overwrites without --force. */
export async function initCommand(
  target: string | undefined,
  options: { force?: boolean },
  globals: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  context.terminal.out(renderInit(await init(target, options, context), globals.format));
  return ExitCode.ok;
}
