import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { sign } from "../../src/laaffic/index.js";
import { DEMO_ACCOUNT } from "../../src/simulator/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator, daytimeNow } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");
const NUMBERS = ["919700000101", "919700000102", "8613800138000", "14155550123"];

describe("no phone number, secret or signature in any output or state", () => {
  test("a full run in text, markdown and JSON, the plan file and the state file", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({
      "campaigns/a.yaml": campaignYaml("leak-a", 'displayNum: "8613800138000"\n', NUMBERS.slice(0, 2)),
      "campaigns/b.yaml": "taskName: leak-b\nappId: Jgd8oFei\nagentId: 110\nrecipientsFile: b.csv\n",
      "campaigns/b.csv": `calleeNumber,text1\n${NUMBERS[3]},Grace Hopper\n${NUMBERS[0]},Ada Lovelace\n`,
      "campaigns/c.yaml": campaignYaml("leak-c", "", ["919700000103"]),
      // The US number is called at noon UTC (night in California): its window is opened here.
      "campaign.config.yaml": 'guards:\n  callingHours:\n    countries:\n      US: { start: "00:00", end: "24:00" }\n',
    });
    const env = { ...simulatorEnv(sim), GITHUB_STEP_SUMMARY: join(dir, "summary.md") };
    const started = Math.floor(daytimeNow() / 1000);
    const outputs: string[] = [];
    const run = async (...args: string[]) => {
      const result = await runCli(args, dir, env, daytimeNow());
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    await run("validate");
    await run("validate", "--json");
    await run("plan");
    await run("plan", "--format", "markdown");
    await run("plan", "--json", "--out", "plan.json");
    sim.setFault("create", { resetAfterStore: true, times: 1 });
    expect((await run("apply", "plan.json")).code).toBe(5);
    await run("--json", "apply", "--auto-approve");
    await run("state", "list");
    await run("state", "show", "leak-a");
    await run("--json", "state", "show", "leak-b");
    await run("plan", "--format", "markdown");
    const ended = Math.floor(daytimeNow() / 1000);
    const files = await Promise.all(
      [".campaign/state.json", "plan.json", "summary.md"].map((f) => readFile(join(dir, f), "utf8")),
    );
    const everything = [...outputs, ...files].join("\n");

    expect(everything).toContain("leak-a"); // the run did produce output
    for (const number of [...NUMBERS, "919700000103"]) expect(everything).not.toContain(number);
    for (const name of ["Grace Hopper", "Ada Lovelace", "Person0"]) expect(files.join("\n")).not.toContain(name);
    expect(everything).not.toContain(DEMO_ACCOUNT.apiSecret);
    for (let t = started - 5; t <= ended + 5; t++)
      expect(everything).not.toContain(sign(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret, t));
  });
});

describe("campaign demo", () => {
  test("runs the whole loop on the simulator, prints a plan and task ids, exits 0 and leaves nothing running", () => {
    const started = daytimeNow();
    const result = spawnSync(join(REPO, "bin", "campaign"), ["demo"], {
      encoding: "utf8",
      env: { PATH: process.env["PATH"], CI: "true" },
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Plan: 3 to create, 0 unchanged.");
    expect(result.stdout).toMatch(/✓ docs-example: task \d+/);
    expect(result.stdout).toContain("Apply complete: 3 submitted, 0 rejected, 0 unknown, 0 unchanged.");
    expect(result.stdout).toContain("Next: point it at the real platform");
    expect(result.stdout).toMatch(
      /── 6\. outcomes per campaign[\s\S]*docs-example {2}task \d+ · 2 recipients · \d+ calls placed/,
    );
    expect(result.stdout).toMatch(/ {2}connected {2}[█·]+ +\d+/);
    expect(result.stdout + result.stderr).not.toMatch(/9197000000\d\d/);
    expect(daytimeNow() - started).toBeLessThan(30_000);
  });
});
