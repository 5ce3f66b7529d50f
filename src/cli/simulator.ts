import type { Interrupts } from "../app/interrupts.js";
import { serveSimulator, type SimulatorInput } from "../app/simulator.js";
import { renderSimulatorStarted } from "../views/started.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export type SimulatorCommandOptions = SimulatorInput;

/** `campaign simulator`: runs the local platform until SIGINT/SIGTERM. */
export async function simulatorCommand(
  options: SimulatorCommandOptions,
  globals: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const serving = await serveSimulator(options, context, interrupts);
  context.terminal.out(renderSimulatorStarted(serving.started, globals.format, serving.reportShape === "docs"));
  await serving.untilStopped();
  return ExitCode.ok;
}
