import { ToolError } from "../errors/index.js";
import type { SimulatorStarted } from "../schema/generated/index.js";
import { CREATE_ANSWERS, DEMO_ACCOUNT, REPORT_SHAPES, startSimulator, type ReportShape } from "../simulator/index.js";
import type { AppContext } from "./context.js";
import type { Interrupts } from "./interrupts.js";
import { serveUntilSignal, type Serving } from "./serving.js";

export type { ReportShape, SimulatorStarted };

/** The options as given on the command line (strings); checked here. */
export interface SimulatorInput {
  port: string;
  host: string;
  speed: string;
  seed: string;
  pushUrl?: string;
  timezone: string;
  reportShape: string;
  createAnswer: string;
}

export interface SimulatorServing extends Serving<SimulatorStarted> {
  /** How it pushes status reports (the text view says when it is the docs' sparse shape). */
  reportShape: ReportShape;
}

/** `campaign simulator`: the local platform, listening until SIGINT/SIGTERM. */
export async function serveSimulator(
  input: SimulatorInput,
  context: AppContext,
  interrupts: Interrupts,
): Promise<SimulatorServing> {
  const port = integer(input.port, "--port", 0, 65535);
  const createAnswer = oneOf(
    CREATE_ANSWERS,
    input.createAnswer,
    "--create-answer",
    'int answers the task id itself, jobId {"jobId": id}, null no id at all',
  );
  const reportShape = oneOf(
    REPORT_SHAPES,
    input.reportShape,
    "--report-shape",
    "convenient pushes task ids and callStatus; docs only the fields the platform's docs confirm",
  );
  const speed = Number(input.speed);
  if (!Number.isFinite(speed) || speed <= 0)
    throw new ToolError(
      "usage",
      `--speed must be a positive number, not ${input.speed}`,
      "e.g. --speed 60 runs an hour of calls per minute",
    );
  const pushUrl = input.pushUrl ? { pushUrl: input.pushUrl } : {};
  const serving = await serveUntilSignal(interrupts, context, {
    start: () =>
      startSimulator({
        host: input.host,
        port,
        speed,
        seed: integer(input.seed, "--seed", 0, 2 ** 31),
        timeZone: input.timezone,
        reportShape,
        createAnswer,
        ...pushUrl,
      }).catch((error: NodeJS.ErrnoException) => {
        throw new ToolError(
          "usage",
          `cannot listen on ${input.host}:${port}: ${error.code ?? error.message}`,
          "pick another --port, or 0 for any free port",
        );
      }),
    describe: (simulator): SimulatorStarted => ({
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
      timeZone: input.timezone,
      ...pushUrl,
    }),
    async stop(simulator, signal) {
      await simulator.stop();
      context.events.notice(`simulator stopped (${signal})\n`);
    },
  });
  return { ...serving, reportShape };
}

function integer(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ToolError("usage", `${flag} must be a whole number from ${min} to ${max}, not ${text}`);
  return value;
}

function oneOf<T extends string>(choices: readonly T[], value: string, flag: string, hint: string): T {
  const found = choices.find((choice) => choice === value);
  if (found === undefined) throw new ToolError("usage", `${flag} must be one of ${choices.join(", ")}`, hint);
  return found;
}
