import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Fault } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");
const CAMPAIGNS = 8;

/** Runs `campaign apply` in a child process and kills it with SIGKILL after `killAfterMs`. */
function applyAndKill(dir: string, env: Record<string, string>, killAfterMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "apply", "--auto-approve", "--parallelism", "2"], {
      cwd: dir,
      env: { ...process.env, ...env, CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(output);
    });
  });
}

const scenarios: { killAfterMs: number; fault: Fault }[] = [
  ...[0, 250, 450, 600, 750, 900, 1100, 1400, 4000].map((killAfterMs) => ({ killAfterMs, fault: { latencyMs: 120 } })),
  ...[500, 800, 1200].map((killAfterMs) => ({
    killAfterMs,
    fault: { latencyMs: 80, hangAfterStore: true, times: 3 } as Fault,
  })),
  ...[600, 1000].map((killAfterMs) => ({
    killAfterMs,
    fault: { latencyMs: 60, resetAfterStore: true, times: 2 } as Fault,
  })),
];

const seen: string[][] = [];

describe("apply killed with SIGKILL at any point", () => {
  test.each(scenarios)(
    "kill after $killAfterMs ms with fault $fault: state parses, nothing submitted twice, nothing in flight lost",
    async ({ killAfterMs, fault }) => {
      const sim = await testSimulator();
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
      const output = await applyAndKill(dir, env, killAfterMs);

      const state = await readStateFile(statePath); // throws if the file were torn
      seen.push(state ? Object.values(state.campaigns).map((c) => c.status) : ["no-state"]);
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

  test("the kill points landed before, during and after requests", () => {
    const all = seen.flat();
    expect(all).toContain("no-state");
    expect(all).toContain("pending");
    expect(all).toContain("submitted");
    expect(seen.some((statuses) => statuses.length === CAMPAIGNS && statuses.every((s) => s === "submitted"))).toBe(
      true,
    );
  });
});
