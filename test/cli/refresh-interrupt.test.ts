import { spawn } from "node:child_process";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { EndpointName, Simulator } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// SIGINT/SIGTERM while refresh, plan --refresh or state resolve --check hold the state lock and
// wait for the platform (a real child process: signals cannot be sent in-process). The signal goes
// when the child has announced the campaign it asks about and the simulator holds that query.
const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");
const TIMEOUT_MS = 20_000; // long on purpose: an interrupted refresh must not wait for it
const SLOW = { latencyMs: 10_000 };
const BOUND_MS = 2_500;
const RECALL =
  'sendTime: "2035-01-01 14:00:00"\nrecallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** a-plain (no recall flow) and b-recall, applied in that order; with `unknown`, a-plain's outcome is unknown. */
async function project(sim: Simulator, options: { unknown?: boolean } = {}) {
  const dir = await tempDir({
    "campaign.config.yaml": `api:\n  timeoutMs: ${TIMEOUT_MS}\nguards:\n  callingHours: false\n`,
    "campaigns/a.yaml": campaignYaml("a-plain", "", ["919700000101"]),
    "campaigns/b.yaml": campaignYaml("b-recall", RECALL, ["919700000102"]),
  });
  const env = simulatorEnv(sim);
  if (options.unknown) sim.setFault("create", { resetAfterStore: true, times: 1 });
  expect((await runCli(["apply", "--auto-approve", "--parallelism", "1"], dir, env, Date.now())).code).toBe(
    options.unknown ? 5 : 0,
  );
  const state = await readStateFile(join(dir, ".campaign", "state.json"));
  expect(Object.entries(state!.campaigns).map(([name, c]) => `${name} ${c.status}`)).toEqual([
    `a-plain ${options.unknown ? "unknown" : "submitted"}`,
    "b-recall submitted",
  ]);
  return { dir, env, statePath: join(dir, ".campaign", "state.json") };
}

function start(dir: string, env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: performance.now() })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(ready: () => boolean, what: string, output: () => string): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`the child never reached: ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Case {
  name: string;
  args: string[];
  signals: NodeJS.Signals[];
  /** The query the simulator holds, and the campaign the child announces before it. */
  slow: EndpointName;
  asking: string;
  unknown?: boolean;
  /** What is recorded: campaigns answered before the signal. */
  recorded: string[];
}

const CASES: Case[] = [
  {
    name: "refresh, SIGTERM in b-recall's recall-flow query: a-plain recorded, b-recall's half answer not",
    args: ["refresh"],
    signals: ["SIGTERM"],
    slow: "recallQueryPage",
    asking: "b-recall",
    recorded: ["a-plain"],
  },
  {
    name: "refresh --json, SIGINT in the first task query: nothing recorded",
    args: ["--json", "refresh"],
    signals: ["SIGINT"],
    slow: "query",
    asking: "a-plain",
    recorded: [],
  },
  {
    name: "plan --refresh, SIGINT then SIGTERM: no plan, a-plain recorded",
    args: ["plan", "--refresh"],
    signals: ["SIGINT", "SIGTERM"],
    slow: "recallQueryPage",
    asking: "b-recall",
    recorded: ["a-plain"],
  },
  {
    name: "state resolve --check, SIGTERM twice: still unknown",
    args: ["state", "resolve", "a-plain", "--check"],
    signals: ["SIGTERM", "SIGTERM"],
    slow: "query",
    asking: "a-plain",
    unknown: true,
    recorded: [],
  },
];

describe("a signal during refresh never leaves the lock behind", () => {
  test.each(CASES)("$name", async (c) => {
    const sim = await testSimulator();
    const { dir, env, statePath } = await project(sim, { unknown: c.unknown });
    const before = (await readStateFile(statePath))!;
    sim.setFault(c.slow, SLOW);
    const run = start(dir, env, c.args);
    await until(
      () => run.stderr().includes(`asking the platform about ${c.asking}…`) && (sim.stats().requests[c.slow] ?? 0) > 0,
      `the ${c.slow} query for ${c.asking}`,
      () => run.stdout() + run.stderr(),
    );
    const sentAt = performance.now();
    for (const signal of c.signals) run.child.kill(signal);
    const { code, at } = await run.exited;
    const output = `stdout: ${run.stdout()}\nstderr: ${run.stderr()}`;

    expect(code, output).toBe(130);
    expect(at - sentAt, output).toBeLessThan(BOUND_MS);
    expect(await exists(`${statePath}.lock`), output).toBe(false);
    expect(run.stderr()).toMatch(new RegExp(`(${c.signals.join("|")}): stopping. Queries in flight are aborted`));
    // The state file is whole and valid; exactly the answered campaigns have a new record.
    JSON.parse(await readFile(statePath, "utf8"));
    const after = (await readStateFile(statePath))!;
    const refreshedNow = Object.keys(after.campaigns).filter(
      (name) => after.campaigns[name]!.platform?.refreshedAt !== before.campaigns[name]!.platform?.refreshedAt,
    );
    expect(refreshedNow, output).toEqual(c.recorded);
    for (const name of ["a-plain", "b-recall"])
      expect(after.campaigns[name]!.status).toBe(before.campaigns[name]!.status);
    expect(after.campaigns["b-recall"]!.recall).toBeUndefined();
    const newHistory = after.history.slice(before.history.length);
    expect(
      newHistory.map((h) => h.taskName),
      output,
    ).toEqual(c.recorded);
    if (c.args[0] === "--json")
      expect(JSON.parse(run.stdout()), output).toMatchObject({
        formatVersion: 1,
        command: "refresh",
        interrupted: true,
        campaigns: [],
      });
    if (c.args[0] === "plan") expect(run.stdout(), output).toBe("");

    // Nothing is left over: the next command takes the lock and finishes.
    sim.setFault(c.slow, null);
    expect((await runCli(["refresh"], dir, env, Date.now())).code).toBe(0);
  });
});
