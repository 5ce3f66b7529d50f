import type { AddressInfo } from "node:net";
import { ASSUMED_SIGNATURE_SKEW_SECONDS } from "../laaffic/assumptions.js";
import { DEMO_ACCOUNT, type SimAccount } from "./accounts.js";
import { DEFAULT_OUTCOMES, docsShapedReport, type OutcomeWeights, type ReportShape } from "./calls.js";
import { createFaultTable, type EndpointName, type Fault } from "./faults.js";
import { createPusher, type Pusher } from "./push.js";
import { createSimulatorServer, type SimStats } from "./server.js";
import { createWorld, TaskStatus, type SimTask, type World } from "./world.js";
import type { CreateAnswerForm } from "./endpoints.js";

export { DEMO_ACCOUNT, type SimAccount } from "./accounts.js";
export { DEFAULT_OUTCOMES, REPORT_SHAPES, type OutcomeWeights, type ReportShape } from "./calls.js";
export { ENDPOINT_NAMES, type EndpointName, type Fault } from "./faults.js";
export { CREATE_ANSWERS, type CreateAnswerForm } from "./endpoints.js";
export type { SimStats } from "./server.js";
export { TaskStatus, FlowStatus, NodeStatus } from "./world.js";

export interface SimulatorOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  accounts?: SimAccount[];
  /** The platform's time zone, in which sendTime and query windows are read. */
  timeZone?: string;
  /** Allowed signature timestamp skew, seconds [assumed 300]. */
  skewSeconds?: number;
  /** Simulated time runs this many times faster than real time (60 = an hour a minute). */
  speed?: number;
  seed?: number;
  outcomes?: OutcomeWeights;
  /** Where status reports are pushed as {"array": [...]}; none = reports are only counted. */
  pushUrl?: string;
  pushRetryDelayMs?: number;
  /** "docs": pushes only the fields the docs confirm (no task ids, no callStatus, times as yyyyMMddHHmmss); default "convenient". */
  reportShape?: ReportShape;
  /** Real clock in ms (injected by tests). */
  now?: () => number;
  /** How often the lifecycle advances, real ms; 0 = only when tick() is called. */
  tickMs?: number;
  /** The create's `data`: the task id (`int`, default), `{jobId}`, or `null` (no id at all). */
  createAnswer?: CreateAnswerForm;
  /** Called when a task is stored, before it is answered: tests act at that moment (a kill "after the request reached the platform"). */
  onTaskCreated?: (task: SimTask) => void;
}

export interface Simulator {
  url: string;
  port: number;
  world: World;
  stats(): SimStats;
  setFault(endpoint: EndpointName, fault: Fault | null): void;
  /** Moves simulated time forward and runs the lifecycle. */
  advance(ms: number): void;
  /** Runs the lifecycle once and sends due report pushes. */
  tick(): Promise<void>;
  simNow(): number;
  /**
   * Runs simulated time forward until every task has finished (jumping over quiet stretches to
   * the next sendTime or recall round), for demos and end-to-end tests.
   */
  fastForward(maxSteps?: number): void;
  /** Sends every queued status report push (retries included); resolves when none is left. */
  drainPushes(maxRounds?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const speed = options.speed ?? 1;
  const startedAt = now();
  let advancedMs = 0;
  const simNow = (): number => startedAt + (now() - startedAt) * speed + advancedMs;
  const pusher: Pusher | undefined = options.pushUrl
    ? createPusher({ url: options.pushUrl, retryDelayMs: options.pushRetryDelayMs ?? 1_000 })
    : undefined;
  let reportsGenerated = 0;
  const timeZone = options.timeZone ?? "Asia/Shanghai";
  const shaped =
    options.reportShape === "docs"
      ? (report: Record<string, unknown>) => docsShapedReport(report, timeZone)
      : (report: Record<string, unknown>) => report;
  const world = createWorld({
    timeZone,
    seed: options.seed ?? 1,
    outcomes: options.outcomes ?? DEFAULT_OUTCOMES,
    emitReport: (report) => {
      reportsGenerated++;
      pusher?.enqueue(shaped(report));
    },
  });
  const stats: SimStats = {
    requests: {},
    tasksCreated: 0,
    tasksCreatedByName: Object.create(null) as Record<string, number>,
    pushes: { reportsQueued: 0, reportsSent: 0, batchesSent: 0, batchesFailed: 0, reportsDropped: 0 },
  };
  const faults = createFaultTable();
  const currentStats = (): SimStats => {
    stats.pushes = pusher?.stats() ?? { ...stats.pushes, reportsQueued: reportsGenerated };
    return stats;
  };
  const advance = (ms: number): void => {
    advancedMs += ms;
    world.advance(simNow());
  };
  const { server, sockets } = createSimulatorServer({
    world,
    accounts: options.accounts ?? [DEMO_ACCOUNT],
    faults,
    now,
    simNow,
    skewSeconds: options.skewSeconds ?? ASSUMED_SIGNATURE_SKEW_SECONDS,
    stats: currentStats,
    onCreated: (task) => {
      stats.tasksCreated++;
      stats.tasksCreatedByName[task.taskName] = (stats.tasksCreatedByName[task.taskName] ?? 0) + 1;
      options.onTaskCreated?.(task);
    },
    advance,
    createAnswer: options.createAnswer ?? "int",
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const tick = async (): Promise<void> => {
    world.advance(simNow());
    await pusher?.flush();
  };
  const tickMs = options.tickMs ?? 200;
  const timer = tickMs > 0 ? setInterval(() => void tick(), tickMs) : undefined;
  timer?.unref();

  const fastForward = (maxSteps = 100_000): void => {
    for (let step = 0; step < maxSteps; step++) {
      const tasks = [...world.tasks.values()];
      const active = tasks.some((t) => t.status === TaskStatus.calling || t.status === TaskStatus.submitting);
      if (active) {
        advance(60_000);
        continue;
      }
      const upcoming = [
        ...tasks.filter((t) => t.status === TaskStatus.waiting).map((t) => t.sendAt),
        ...[...world.flows.values()].flatMap((f) => (f.nextAt === null ? [] : [f.nextAt])),
      ];
      if (upcoming.length === 0) return;
      advance(Math.max(1_000, Math.min(...upcoming) - simNow()));
    }
  };
  const drainPushes = async (maxRounds = 10_000): Promise<void> => {
    for (let round = 0; pusher && pusher.pending() > 0 && round < maxRounds; round++) {
      const before = pusher.stats().batchesSent + pusher.stats().batchesFailed;
      await pusher.flush();
      // Only retries that are not yet due are left: wait for them instead of spinning.
      if (pusher.stats().batchesSent + pusher.stats().batchesFailed === before)
        await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    url: `http://${host}:${port}`,
    port,
    world,
    stats: () => structuredClone(currentStats()),
    setFault: (endpoint, fault) => faults.set(endpoint, fault),
    advance,
    tick,
    simNow,
    fastForward,
    drainPushes,
    async stop() {
      if (timer) clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging and keep-alive connections would hold close() open: end them.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
