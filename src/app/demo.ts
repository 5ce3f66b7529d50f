import { ToolError } from "../errors/index.js";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ASSUMED_PLATFORM_TIME_ZONE } from "../laaffic/assumptions.js";
import { openSqliteStore, startReceiver } from "../reports/index.js";
import { DEMO_ACCOUNT, startSimulator } from "../simulator/index.js";
import type { AppContext } from "./context.js";

const EXAMPLES = fileURLToPath(new URL("../../campaigns", import.meta.url));

const DEMO_CONFIG = `# written by campaign demo
campaignsDir: campaigns
api:
  timezone: ${ASSUMED_PLATFORM_TIME_ZONE}
guards:
  # the demo rings simulated phones, so at any hour; real configs keep the default 08:00-21:00
  callingHours: { start: "00:00", end: "24:00" }
`;

/** Where `campaign demo` runs: a temporary project, the simulator and a receiver, all on loopback. */
export interface DemoWorld {
  /** The temporary project: a copy of the example campaigns and a config for the simulator. */
  dir: string;
  /** The environment the demo's commands run with: the simulator's address and its demo account. */
  env: Record<string, string | undefined>;
  simulatorUrl: string;
  receiverUrl: string;
  /** The SQLite store the receiver fills (absolute). */
  storePath: string;
  /** Runs simulated time past every sendTime and round, and waits until every status report is pushed. */
  deliverReports(): Promise<DemoDelivery>;
}

export interface DemoDelivery {
  simulatedNow: number;
  reportsSent: number;
  batchesSent: number;
  stored: number;
}

/**
 * Sets up the demo's world, runs `work` in it, and takes it down again whatever happens: nothing
 * is left running or written outside the temporary directory, which is removed.
 */
/** The demo is a walkthrough for people: it has no JSON output (a script runs the commands it shows). */
export function refuseDemoJson(format: string): void {
  if (format !== "json") return;
  throw new ToolError(
    "usage",
    "campaign demo is a walkthrough for people; it has no JSON output",
    "run it without --format json; to script the loop, run campaign simulator and the commands the demo shows (validate, plan, apply, outcomes), each with --format json",
  );
}

export async function withDemoWorld<T>(context: AppContext, work: (world: DemoWorld) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "campaign-demo-"));
  const storePath = join(dir, ".campaign", "reports.db");
  const store = openSqliteStore(storePath, { storeNumbers: false });
  // The receiver judges report times against the simulated clock, which the demo runs years ahead.
  let clock: () => number = Date.now;
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    token: randomBytes(18).toString("base64url"),
    maxBodyBytes: 16 * 1024 * 1024,
    store,
    log: () => undefined,
    timeZone: ASSUMED_PLATFORM_TIME_ZONE,
    now: () => clock(),
  });
  const simulator = await startSimulator({ speed: 60, pushUrl: receiver.reportUrl, pushRetryDelayMs: 50 });
  clock = () => simulator.simNow();
  try {
    await cp(EXAMPLES, join(dir, "campaigns"), { recursive: true });
    await writeFile(join(dir, "campaign.config.yaml"), DEMO_CONFIG);
    return await work({
      dir,
      env: {
        PATH: context.env["PATH"],
        LAAFFIC_BASE_URL: simulator.url,
        LAAFFIC_API_KEY: DEMO_ACCOUNT.apiKey,
        LAAFFIC_API_SECRET: DEMO_ACCOUNT.apiSecret,
        ...(context.env["CI"] ? { CI: context.env["CI"] } : {}),
      },
      simulatorUrl: simulator.url,
      receiverUrl: receiver.url,
      storePath,
      async deliverReports() {
        simulator.fastForward();
        await simulator.drainPushes();
        const pushed = simulator.stats().pushes;
        return {
          simulatedNow: simulator.simNow(),
          reportsSent: pushed.reportsSent,
          batchesSent: pushed.batchesSent,
          stored: await store.count(),
        };
      },
    });
  } finally {
    await simulator.stop();
    await receiver.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
