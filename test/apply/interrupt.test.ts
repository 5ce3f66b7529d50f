import { spawn, type ChildProcess } from "node:child_process";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { applyCommand } from "../../src/cli/apply.js";
import type { Interrupts } from "../../src/app/interrupts.js";
import { exitCodeFor } from "../../src/cli/exit-codes.js";
import { cliContext } from "../../src/cli/context.js";
import { isToolError } from "../../src/errors/index.js";
import type { Simulator } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// SIGINT/SIGTERM during `campaign apply` (a real child process: signals cannot be sent in-process).
// The child announces on stderr what it does; the signals go on those announcements.
const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");
const TIMEOUT_MS = 20_000; // long on purpose: an interrupted apply must not wait for it
const BOUND_MS = 5_000; // well inside timeoutMs + 2 s

async function project(
  names: string[],
  sim: Simulator,
): Promise<{ dir: string; statePath: string; env: Record<string, string> }> {
  const files: Record<string, string> = {
    "campaign.config.yaml": `api:\n  timeoutMs: ${TIMEOUT_MS}\nguards:\n  callingHours: false\n`,
  };
  names.forEach((name, i) => (files[`campaigns/${name}.yaml`] = campaignYaml(name, "", [String(919_700_000_100 + i)])));
  const dir = await tempDir(files);
  return { dir, statePath: join(dir, ".campaign", "state.json"), env: simulatorEnv(sim) };
}

function startApply(
  dir: string,
  env: Record<string, string>,
  parallelism: number,
): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; at: number }> } {
  const child = spawn(process.execPath, [BIN, "apply", "--auto-approve", "--parallelism", String(parallelism)], {
    cwd: dir,
    env: { ...process.env, ...env, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on("exit", (code) => resolve({ code, at: performance.now() })),
  );
  return { child, output: () => output, exited };
}

/** Resolves once `ready()` holds, checked on every line the child prints and every 10 ms (simulator side). */
async function until(ready: () => boolean, what: string, output: () => string): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`the child never reached: ${what}\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function planActions(dir: string, env: Record<string, string>): Promise<Record<string, string>> {
  const plan = await runCli(["plan", "--format", "json"], dir, env, Date.now());
  const entries = (JSON.parse(plan.stdout) as { entries: { taskName: string; action: string }[] }).entries;
  return Object.fromEntries(entries.map((e) => [e.taskName, e.action]));
}

const signalSequences = (
  [["SIGTERM"], ["SIGINT"], ["SIGTERM", "SIGTERM"], ["SIGINT", "SIGINT"], ["SIGINT", "SIGTERM"]] as NodeJS.Signals[][]
).map((signals) => ({ signals, name: signals.join(" then ") }));

describe("an interrupted apply", () => {
  test.each(signalSequences)(
    "$name with two creates in flight: aborted at once, recorded unknown, lock released, exit 5",
    async ({ signals }) => {
      const sim = await testSimulator();
      sim.setFault("create", { hangAfterStore: true }); // stored on the platform, the answer never comes
      const names = ["held-0", "held-1", "held-2"];
      const { dir, statePath, env } = await project(names, sim);
      const run = startApply(dir, env, 2);
      await until(
        () => (run.output().match(/ submitting /g) ?? []).length === 2 && sim.stats().tasksCreated === 2,
        "two submissions stored by the platform",
        run.output,
      );
      const sentAt = performance.now();
      for (const signal of signals) run.child.kill(signal);
      const { code, at } = await run.exited;

      expect(code, run.output()).toBe(5);
      expect(at - sentAt).toBeLessThan(BOUND_MS);
      expect(await exists(`${statePath}.lock`)).toBe(false);
      const state = await readStateFile(statePath);
      expect(state?.campaigns["held-0"]?.status).toBe("unknown");
      expect(state?.campaigns["held-1"]?.status).toBe("unknown");
      expect(state?.campaigns["held-0"]?.lastError?.message).toBe("interrupted after the request was sent");
      expect(state?.campaigns["held-2"]).toBeUndefined(); // never started
      expect(run.output()).toMatch(new RegExp(`(${signals.join("|")}): stopping`)); // two signals may arrive in either order

      sim.setFault("create", null);
      expect(await planActions(dir, env)).toEqual({ "held-0": "unknown", "held-1": "unknown", "held-2": "create" });
      expect(sim.stats().tasksCreatedByName).toEqual({ "held-0": 1, "held-1": 1 });
    },
  );

  test.each(signalSequences)(
    "$name while nothing is in flight (waiting for Retry-After): stops at once, exit 130, lock released",
    async ({ signals }) => {
      const sim = await testSimulator();
      sim.setFault("create", { httpStatus: 503, retryAfterSeconds: 30 }); // refused, not stored: come back in 30 s
      const { dir, statePath, env } = await project(["refused-0", "refused-1"], sim);
      const run = startApply(dir, env, 1);
      await until(
        () => /waiting\s+30 s before trying again/.test(run.output()),
        "the announced wait for Retry-After",
        run.output,
      );
      const sentAt = performance.now();
      for (const signal of signals) run.child.kill(signal);
      const { code, at } = await run.exited;

      expect(code, run.output()).toBe(130);
      expect(at - sentAt).toBeLessThan(BOUND_MS);
      expect(await exists(`${statePath}.lock`)).toBe(false);
      const state = await readStateFile(statePath);
      expect(state?.campaigns["refused-0"]).toMatchObject({ status: "rejected", lastError: { code: "http-503" } });
      expect(state?.campaigns["refused-1"]).toBeUndefined();
      expect(sim.stats().requests["create"]).toBe(1);

      sim.setFault("create", null);
      expect(await planActions(dir, env)).toEqual({ "refused-0": "retry", "refused-1": "create" });
    },
  );
});

describe("interrupted before the first request (in-process: the interrupt port fires on an announcement)", () => {
  // Where the signal lands: before the lock is taken, or once the plan is printed (lock held).
  test.each([
    { when: "before the lock", firesOn: (_text: string) => true },
    { when: "after the plan is printed", firesOn: (text: string) => text.includes("Plan: 2 to create") },
  ])("$when: interrupted (exit 130), the lock released, nothing sent, no state written", async ({ firesOn }) => {
    const sim = await testSimulator();
    const { dir, statePath, env } = await project(["early-0", "early-1"], sim);
    let onInterrupt: ((signal: string) => void) | undefined;
    let fired = false;
    const fire = (signal: string) => {
      if (fired) return;
      fired = true;
      onInterrupt?.(signal);
    };
    const interrupts: Interrupts = {
      listen(handler) {
        onInterrupt = handler;
        if (firesOn("")) fire("SIGTERM");
        return () => (onInterrupt = undefined);
      },
    };
    let output = "";
    const write = (text: string) => {
      output += text;
      if (firesOn(text)) fire("SIGINT");
    };
    const context = cliContext(
      { cwd: dir, env, now: Date.now },
      { out: write, err: write, color: false, isTTY: false },
    );
    const error = await applyCommand(
      [],
      { autoApprove: true },
      { format: "text", color: false, quiet: false },
      context,
      interrupts,
    ).then(
      (code) => new Error(`expected an interruption, got exit ${code}\n${output}`),
      (e: unknown) => e,
    );
    expect(isToolError(error) && error.code, String(error)).toBe("interrupted");
    if (isToolError(error)) expect(exitCodeFor(error.code)).toBe(130);
    expect(onInterrupt).toBeUndefined(); // stopped listening
    expect(await exists(`${statePath}.lock`)).toBe(false);
    expect(await readStateFile(statePath)).toBeUndefined();
    expect(sim.stats().requests["create"] ?? 0).toBe(0);
  });
});
