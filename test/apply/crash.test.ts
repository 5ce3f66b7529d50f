import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Fault } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");
const CAMPAIGNS = 8;

/**
 * Where a kill lands, named by an event rather than a moment: the child's own announcements (in
 * CI mode apply prints the plan, then one plain line per event: "submitting NAME" once its
 * write-ahead record is durable, "submitted NAME" once the answer came), or the simulator's
 * (a task stored, before its answer is sent). `nth` counts from 1.
 */
type KillPoint =
  | { on: "plan-printed" }
  | { on: "pending-recorded" | "request-stored" | "answer-received"; nth: number }
  | { on: "never" };

const ANNOUNCEMENTS: Record<string, RegExp> = {
  "plan-printed": /^Campaign plan/gm,
  "pending-recorded": /Z submitting /g,
  "answer-received": /Z submitted /g,
};

/** Runs `campaign apply` in a child process and kills it with SIGKILL on the event `at`. */
function applyAndKill(
  dir: string,
  env: Record<string, string>,
  at: KillPoint,
  stored: { onStored?: (count: number) => void },
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "apply", "--auto-approve", "--parallelism", "2"], {
      cwd: dir,
      env: { ...process.env, ...env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const kill = () => child.kill("SIGKILL");
    const watch = (chunk: Buffer) => {
      output += String(chunk);
      const pattern = ANNOUNCEMENTS[at.on];
      if (!pattern) return;
      const count = output.match(pattern)?.length ?? 0;
      if (count >= ("nth" in at ? at.nth : 1)) kill();
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    if (at.on === "request-stored") stored.onStored = (count) => count >= at.nth && kill();
    child.on("exit", () => resolve(output));
  });
}

const points: KillPoint[] = [
  { on: "plan-printed" },
  ...[1, 2, 5].map((nth) => ({ on: "pending-recorded" as const, nth })),
  ...[1, 3, 8].map((nth) => ({ on: "request-stored" as const, nth })),
  ...[1, 4].map((nth) => ({ on: "answer-received" as const, nth })),
  { on: "never" },
];
const scenarios: { at: KillPoint; fault: Fault }[] = [
  ...points.map((at) => ({ at, fault: { latencyMs: 40 } as Fault })),
  // The platform stores, then never answers (or resets): the kill lands while the answer is awaited.
  ...[1, 2].map((nth) => ({
    at: { on: "request-stored" as const, nth },
    fault: { latencyMs: 20, hangAfterStore: true, times: 3 } as Fault,
  })),
  { at: { on: "pending-recorded", nth: 3 }, fault: { latencyMs: 20, resetAfterStore: true, times: 2 } as Fault },
];

describe("apply killed with SIGKILL at any point", () => {
  test.each(scenarios)(
    "kill on $at with fault $fault: state parses, nothing submitted twice, nothing in flight lost",
    async ({ at, fault }) => {
      const stored: { onStored?: (count: number) => void } = {};
      let storedCount = 0;
      const sim = await testSimulator({ onTaskCreated: () => stored.onStored?.(++storedCount) });
      sim.setFault("create", fault);
      // The apply runs in a child process on the real clock: calling hours would make the test depend
      // on the hour it runs at, and they are not what this test is about (test/cli/calling-hours is).
      const files: Record<string, string> = {
        "campaign.config.yaml": "api:\n  timeoutMs: 400\nguards:\n  callingHours: false\n",
      };
      const names = Array.from({ length: CAMPAIGNS }, (_, i) => `crash-${i}`);
      names.forEach(
        (name, i) => (files[`campaigns/${name}.yaml`] = campaignYaml(name, "", [String(919_700_000_100 + i)])),
      );
      const dir = await tempDir(files);
      const env = simulatorEnv(sim);
      const statePath = join(dir, ".campaign", "state.json");
      const output = await applyAndKill(dir, env, at, stored);

      const state = await readStateFile(statePath); // throws if the file were torn
      // Each kill point landed where it says: before anything was recorded, after the nth
      // write-ahead record, after the nth task reached the platform, or after the whole apply.
      const recorded = Object.keys(state?.campaigns ?? {}).length;
      if (at.on === "plan-printed") expect(state).toBeUndefined();
      if (at.on === "pending-recorded" || at.on === "answer-received") expect(recorded).toBeGreaterThanOrEqual(at.nth);
      if (at.on === "request-stored") expect(sim.stats().tasksCreated).toBeGreaterThanOrEqual(at.nth);
      if (at.on === "never")
        expect(Object.values(state!.campaigns).map((c) => c.status)).toEqual(Array(CAMPAIGNS).fill("submitted"));
      const created = sim.stats().tasksCreatedByName;
      for (const name of names) {
        expect(created[name] ?? 0, `${name} created more than once`).toBeLessThanOrEqual(1);
        if (created[name])
          expect(
            ["pending", "submitted", "unknown"],
            `${name} reached the platform but the state says ${state?.campaigns[name]?.status}\n${output}`,
          ).toContain(state?.campaigns[name]?.status);
      }
      for (const campaign of Object.values(state?.campaigns ?? {}))
        expect(["pending", "submitted", "unknown", "rejected"]).toContain(campaign.status);

      // Recovery: the dead holder's lock is reported as stale and removed by its id; then the
      // next apply either refuses (outcomes to resolve) or submits only what never left.
      sim.setFault("create", null);
      const lockText = await readFile(`${statePath}.lock`, "utf8").catch(() => undefined);
      if (lockText !== undefined) {
        const blocked = await runCli(["apply", "--auto-approve"], dir, env, Date.now());
        expect(blocked.code).toBe(4);
        expect(blocked.stderr).toContain("stale: that process is no longer running on this host");
        expect((await runCli(["force-unlock", (JSON.parse(lockText) as { id: string }).id], dir, env)).code).toBe(0);
      }
      const inFlight = Object.entries(state?.campaigns ?? {}).filter(
        ([, c]) => c.status === "pending" || c.status === "unknown",
      );
      const rerun = await runCli(["apply", "--auto-approve"], dir, env, Date.now());
      if (inFlight.length > 0) {
        expect(rerun.code).toBe(1);
        expect(rerun.stdout).toContain(`${inFlight.length} unknown`);
      } else expect(rerun.code).toBe(0);
      for (const name of names) expect(sim.stats().tasksCreatedByName[name] ?? 0).toBeLessThanOrEqual(1);
    },
  );
});
