import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { ASSUMED_PLATFORM_TIME_ZONE } from "../laaffic/assumptions.js";
import { openSqliteStore, startReceiver } from "../reports/index.js";
import { DEMO_ACCOUNT, startSimulator } from "../simulator/index.js";
import { outcomesCommand } from "./reports.js";
import { applyCommand } from "./apply.js";
import type { Interrupts } from "../app/interrupts.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ToolError } from "../errors/index.js";
import { ExitCode } from "./exit-codes.js";
import { planCommand } from "./plan.js";
import { palette } from "../views/style.js";
import { validateCommand } from "./validate.js";

const EXAMPLES = fileURLToPath(new URL("../../campaigns", import.meta.url));

/**
 * `campaign demo`: the loop a user runs for real — validate, plan, apply — against the built-in
 * simulator on a loopback port, in a temporary copy of the example campaigns. No credentials,
 * no network; nothing is left running or written outside the temporary directory.
 */
export async function demoCommand(
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  if (options.format === "json") {
    throw new ToolError(
      "usage",
      "campaign demo is a walkthrough for people; it has no JSON output",
      "run it without --format json; to script the loop, run campaign simulator and the commands the demo shows (validate, plan, apply, outcomes), each with --format json",
    );
  }
  const paint = palette(context.terminal.color);
  const dir = await mkdtemp(join(tmpdir(), "campaign-demo-"));
  const store = openSqliteStore(join(dir, ".campaign", "reports.db"), { storeNumbers: false });
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
    await writeFile(
      join(dir, "campaign.config.yaml"),
      `# written by campaign demo\ncampaignsDir: campaigns\napi:\n  timezone: ${ASSUMED_PLATFORM_TIME_ZONE}\nguards:\n  # the demo rings simulated phones, so at any hour; real configs keep the default 08:00-21:00\n  callingHours: { start: "00:00", end: "24:00" }\n`,
    );
    const env: Record<string, string | undefined> = {
      PATH: context.env["PATH"],
      LAAFFIC_BASE_URL: simulator.url,
      LAAFFIC_API_KEY: DEMO_ACCOUNT.apiKey,
      LAAFFIC_API_SECRET: DEMO_ACCOUNT.apiSecret,
      ...(context.env["CI"] ? { CI: context.env["CI"] } : {}),
    };
    const demo: CliContext = { ...context, cwd: dir, env };
    const text: GlobalOptions = { ...options, format: "text", config: undefined, state: undefined };
    const step = (title: string, command: string) =>
      context.terminal.out(`\n${paint.bold(`── ${title}`)}  ${paint.dim(`$ ${command}`)}\n\n`);

    context.terminal.out(
      `${paint.bold("campaign demo")}: the whole loop against the built-in LAAFFIC simulator (${simulator.url}), in ${dir}\n`,
    );
    context.terminal.out(`  status reports are pushed to a receiver at ${receiver.url}/reports/…\n`);
    step("1. validate the campaign files", "campaign validate");
    if ((await validateCommand([], text, demo)) !== ExitCode.ok) return ExitCode.error;
    step("2. plan: what would be submitted (saved for review)", "campaign plan --out demo.plan.json");
    const planned = await planCommand([], { out: "demo.plan.json" }, text, demo, interrupts);
    if (planned !== ExitCode.ok) return planned;
    step("3. apply exactly the reviewed plan", "campaign apply demo.plan.json");
    const applied = await applyCommand(["demo.plan.json"], {}, text, demo, interrupts);
    step("4. plan again: nothing left to do", "campaign plan --detailed-exitcode");
    await planCommand([], { detailedExitcode: true }, { ...text, quiet: true }, demo, interrupts);
    step(
      "5. the calls happen; their status reports arrive",
      "campaign receive   (simulated time fast-forwarded past every sendTime)",
    );
    simulator.fastForward();
    await simulator.drainPushes();
    const pushed = simulator.stats().pushes;
    context.terminal.out(
      `simulated clock now ${new Date(simulator.simNow()).toISOString()}; ${pushed.reportsSent} reports pushed in ${pushed.batchesSent} batches, ${await store.count()} stored\n`,
    );
    step("6. outcomes per campaign", "campaign outcomes");
    await outcomesCommand(undefined, { store: join(dir, ".campaign", "reports.db") }, text, demo);
    context.terminal.out(
      [
        "",
        paint.bold("Next: point it at the real platform"),
        "  export LAAFFIC_API_KEY=…  LAAFFIC_API_SECRET=…   # from the LAAFFIC console; environment only",
        "  campaign doctor    # read-only: credentials, connection, signature, clock, answer shape, state; nothing is sent",
        "  campaign validate && campaign plan --out plan.json && campaign apply plan.json",
        "  campaign receive   # then set its printed URL as the status push address in the console; campaign outcomes",
        "  (base URL: api.baseUrl in campaign.config.yaml or LAAFFIC_BASE_URL; default https://api.laaffic.com)",
        "",
      ].join("\n"),
    );
    return applied;
  } finally {
    await simulator.stop();
    await receiver.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
