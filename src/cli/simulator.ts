import { CREATE_ANSWERS, DEMO_ACCOUNT, REPORT_SHAPES, startSimulator } from "../simulator/index.js";
import { ToolError } from "../errors/index.js";
import type { SimulatorStarted } from "../schema/generated/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { untilSignal, type Interrupts } from "../app/interrupts.js";

export interface SimulatorCommandOptions {
  port: string;
  host: string;
  speed: string;
  seed: string;
  pushUrl?: string;
  timezone: string;
  reportShape: string;
  createAnswer: string;
}

/** `campaign simulator`: runs the local platform until SIGINT/SIGTERM. */
export async function simulatorCommand(
  options: SimulatorCommandOptions,
  globals: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const port = integer(options.port, "--port", 0, 65535);
  const createAnswer = CREATE_ANSWERS.find((form) => form === options.createAnswer);
  if (!createAnswer)
    throw new ToolError(
      "usage",
      `--create-answer must be one of ${CREATE_ANSWERS.join(", ")}`,
      'int answers the task id itself, jobId {"jobId": id}, null no id at all',
    );
  const reportShape = REPORT_SHAPES.find((shape) => shape === options.reportShape);
  if (!reportShape)
    throw new ToolError(
      "usage",
      `--report-shape must be one of ${REPORT_SHAPES.join(", ")}`,
      "convenient pushes task ids and callStatus; docs only the fields the platform's docs confirm",
    );
  const speed = Number(options.speed);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new ToolError(
      "usage",
      `--speed must be a positive number, not ${options.speed}`,
      "e.g. --speed 60 runs an hour of calls per minute",
    );
  // Listening before the address is printed: a signal sent on seeing it still stops the simulator cleanly.
  const until = untilSignal(interrupts, context);
  try {
    const simulator = await startSimulator({
      host: options.host,
      port,
      speed,
      seed: integer(options.seed, "--seed", 0, 2 ** 31),
      timeZone: options.timezone,
      reportShape,
      createAnswer,
      ...(options.pushUrl ? { pushUrl: options.pushUrl } : {}),
    }).catch((error: NodeJS.ErrnoException) => {
      throw new ToolError(
        "usage",
        `cannot listen on ${options.host}:${port}: ${error.code ?? error.message}`,
        "pick another --port, or 0 for any free port",
      );
    });
    const t = context.terminal;
    if (globals.format === "json") {
      // One line, printed once it listens: a script reads it with a line reader while the simulator runs.
      const started: SimulatorStarted = {
        formatVersion: 1,
        command: "simulator",
        url: simulator.url,
        statsUrl: `${simulator.url}/__sim/stats`,
        account: {
          apiKey: DEMO_ACCOUNT.apiKey,
          apiSecret: DEMO_ACCOUNT.apiSecret,
          appIds: [...DEMO_ACCOUNT.appIds],
          agentIds: Object.keys(DEMO_ACCOUNT.agents),
        },
        speed,
        timeZone: options.timezone,
        ...(options.pushUrl ? { pushUrl: options.pushUrl } : {}),
      };
      t.out(JSON.stringify(started) + "\n");
    } else {
      t.out(`LAAFFIC simulator listening on ${simulator.url}\n`);
      t.out(`  demo account: LAAFFIC_API_KEY=${DEMO_ACCOUNT.apiKey} LAAFFIC_API_SECRET=${DEMO_ACCOUNT.apiSecret}\n`);
      t.out(`  appIds: ${DEMO_ACCOUNT.appIds.join(", ")}  agents: ${Object.keys(DEMO_ACCOUNT.agents).join(", ")}\n`);
      t.out(
        `  use it: LAAFFIC_BASE_URL=${simulator.url}  (time ×${speed}, zone ${options.timezone}${options.pushUrl ? `, pushing reports to ${options.pushUrl}${reportShape === "docs" ? " in the docs' sparse shape" : ""}` : ""})\n`,
      );
      t.out(`  stats: GET ${simulator.url}/__sim/stats · stop with Ctrl-C\n`);
    }
    const signal = await until.stopped;
    await simulator.stop();
    t.err(`simulator stopped (${signal})\n`);
    return ExitCode.ok;
  } finally {
    until.unlisten();
  }
}

function integer(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ToolError("usage", `${flag} must be a whole number from ${min} to ${max}, not ${text}`);
  return value;
}
