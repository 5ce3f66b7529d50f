import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { e164Digits, parseSuppressionList } from "../../src/campaigns/suppression.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator, daytimeNow } from "../helpers.js";

const CONFIG = "guards:\n  suppressionLists: [lists/opt-out.txt]\n";

async function workspace(files: Record<string, string>) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": CONFIG,
    "lists/opt-out.txt": "# internal opt-outs\n+91 97000 00002\n",
    ...files,
  });
  const env = simulatorEnv(sim);
  const cli = (...args: string[]) => runCli(args, dir, env, daytimeNow());
  return { sim, dir, cli };
}

describe("suppression lists", () => {
  test("a suppressed recipient is an error naming campaign, masked number and list; apply sends nothing", async () => {
    const { sim, cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("opted-out", "", ["919700000001", "919700000002"]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'campaigns/a.yaml:1:1: error suppressed-number: "opted-out" would call 9197•••••002, which is on the suppression list lists/opt-out.txt',
    );
    expect(plan.stdout).not.toContain("919700000002");
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("suppressed: skip leaves them out of what is sent and counts them", async () => {
    const { sim, cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("skipping", "suppressed: skip\n", [
        "919700000001",
        "919700000002",
        "919700000003",
      ]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(
      /recipients += 2 \(9197•••••001, 9197•••••003; text1 set; 1 suppressed number left out\)/,
    );
    expect(plan.stdout).toMatch(/countries += IN 2\n/); // who is counted is who is called
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    const task = [...sim.world.tasks.values()][0]!;
    expect(task.task.numbers.map((n) => n.calleeNumber)).toEqual(["919700000001", "919700000003"]);
  });

  test("suppressed: skip: a left-out number listed twice is no duplicate (it is not called at all); a called one is", async () => {
    const { cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("skip-twice", "suppressed: skip\n", [
        "919700000001",
        "919700000002",
        "919700000002",
      ]),
      "campaigns/b.yaml": campaignYaml("skip-and-repeat", "suppressed: skip\n", [
        "919700000003",
        "919700000003",
        "919700000002",
        "919700000002",
      ]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toContain("9197•••••002 is listed again");
    expect(plan.stdout).toContain("calleeNumber 9197•••••003 is listed again");
  });

  test("a list edited between plan and apply: apply refuses before any request (exit 3)", async () => {
    const { sim, dir, cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("late-opt-out", "", ["919700000001"]),
    });
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    expect(
      JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(join(dir, "plan.json"), "utf8")))
        .suppressionLists,
    ).toEqual([{ path: "lists/opt-out.txt", sha256: expect.stringMatching(/^[0-9a-f]{64}$/), numbers: 1 }]);
    await writeFile(join(dir, "lists/opt-out.txt"), "+91 97000 00002\n+919700000001\n");
    const apply = await cli("apply", "plan.json");
    expect(apply.code).toBe(3);
    expect(apply.stderr).toMatch(
      /error plan-stale: .*(suppression list lists\/opt-out\.txt changed since the plan was made|changed since the plan plan\.json was made)/,
    );
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("an unreadable list stops everything (fail closed)", async () => {
    const { dir, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("no-list") });
    await writeFile(join(dir, "campaign.config.yaml"), "guards:\n  suppressionLists: [lists/missing.txt]\n");
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("error invalid-input: the suppression list lists/missing.txt cannot be read");
  });

  test("list formats: international, 00 prefix, national with a default country, CSV header; bad lines are errors", () => {
    expect(e164Digits("+44 7700 900123")).toBe("447700900123");
    expect(e164Digits("00919700000001")).toBe("919700000001");
    expect(e164Digits("07700 900123", "GB")).toBe("447700900123");
    expect(e164Digits("07700 900123")).toBeUndefined();
    const parsed = parseSuppressionList("dnc.csv", "number,reason\n+14155550123,asked\nnot a number,x\n", "US");
    expect([...parsed.list.numbers]).toEqual([14155550123]);
    expect(parsed.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      "dnc.csv:3 suppression-list-number",
    ]);
  });
});
