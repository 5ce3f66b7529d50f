import { access, copyFile, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function applied() {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": "guards:\n  callingHours: false\n  suppressionLists: [lists/dnc.txt]\n",
    "lists/dnc.txt": "919700000099\n",
    "campaigns/a.yaml": campaignYaml("alpha"),
    "campaigns/sub/b.yaml": campaignYaml("bravo", "", ["919700000002"]),
  });
  const env = simulatorEnv(sim);
  const cli = (cwd: string, ...args: string[]) => runCli(args, cwd, env, daytimeNow());
  expect((await cli(dir, "apply", "--auto-approve")).code).toBe(0);
  return { sim, dir, cli };
}

describe("paths in the config are the project's, wherever the command runs", () => {
  test("from a subdirectory: the same state, campaigns and suppression lists; nothing planned or sent again", async () => {
    const { sim, dir, cli } = await applied();
    for (const sub of ["campaigns", "campaigns/sub", "lists"]) {
      const plan = await cli(join(dir, sub), "plan", "--detailed-exitcode");
      expect(plan.code, sub).toBe(0);
      expect(plan.stdout, sub).toContain("2 unchanged");
      expect((await cli(join(dir, sub), "apply", "--auto-approve")).code, sub).toBe(0);
    }
    expect(sim.stats().tasksCreated).toBe(2);
    expect(await exists(join(dir, "campaigns/.campaign"))).toBe(false);
  });

  test("--state may not name a state's journal, lock, salt or temp file, nor the config file", async () => {
    const { sim, dir, cli } = await applied();
    for (const state of [
      ".campaign/state.json.journal",
      ".campaign/state.json.lock",
      ".campaign/state.json.new-salt",
      "x.tmp",
      "campaign.config.yaml",
    ]) {
      const result = await cli(dir, "apply", "--auto-approve", "--state", state);
      expect(result.code, state).toBe(1);
      expect(result.stderr, state).toContain("cannot be a state file");
    }
    expect(sim.stats().tasksCreated).toBe(2);
    expect((await cli(dir, "plan", "--detailed-exitcode")).code).toBe(0);
  });

  test("the first apply removes the new-state salt: a copy of a state-less plan never verifies again", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  callingHours: false\n",
      "campaigns/a.yaml": campaignYaml("alpha"),
    });
    const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
    expect((await cli("plan", "--out", "p.json")).code).toBe(0);
    await copyFile(join(dir, "p.json"), join(dir, "p2.json"));
    expect((await cli("apply", "p.json")).code).toBe(0);
    expect(await exists(join(dir, ".campaign/state.json.new-salt"))).toBe(false);
    await rm(join(dir, ".campaign/state.json"));
    const replay = await cli("apply", "p2.json");
    expect(replay.code).toBe(3);
    expect(sim.stats().tasksCreated).toBe(1);
    expect(await readFile(join(dir, "p2.json"), "utf8")).toContain('"mac"');
  });
});
