import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const n = (last: number) => String(919_700_000_000 + last);
const SERIES = "description: weekly reminders\n";

async function workspace(files: Record<string, string>) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir(files);
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
  return { sim, dir, cli };
}

describe("what a reviewer sees about who is called", () => {
  test("recipients added and removed against the previous campaign of the series, masked", async () => {
    const { dir, cli } = await workspace({ "campaigns/w1.yaml": campaignYaml("weekly-1", SERIES, [n(1), n(2), n(3)]) });
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    await writeFile(join(dir, "campaigns/w2.yaml"), campaignYaml("weekly-2", SERIES, [n(2), n(3), n(4), n(5)]));
    const text = await cli("plan");
    expect(text.stdout).toContain(
      'vs series  = "weekly-1": +2 added, -1 removed, 2 kept; added 9197•••••004, 9197•••••005; removed 9197•••••001',
    );
    expect(text.stdout).toContain("countries  = IN 4");
    const json = JSON.parse((await cli("--json", "plan")).stdout);
    const entry = json.entries.find((e: { taskName: string }) => e.taskName === "weekly-2");
    expect(entry.recipientDiff).toEqual({
      against: "weekly-1",
      available: true,
      added: 2,
      removed: 1,
      kept: 2,
      addedSample: ["9197•••••004", "9197•••••005"],
      removedSample: ["9197•••••001"],
    });
    expect(entry.countries).toEqual({ IN: 4 });
    const markdown = (await cli("plan", "--format", "markdown")).stdout;
    expect(markdown).toContain('IN 4; vs "weekly-1": +2 added, -1 removed, 2 kept');
    for (const output of [text.stdout, JSON.stringify(json), markdown])
      for (const i of [1, 2, 3, 4, 5]) expect(output).not.toContain(n(i));
    // The state keeps no numbers: with the old file gone there is nothing to compare, and the plan says so.
    await rm(join(dir, "campaigns/w1.yaml"));
    expect((await cli("plan")).stdout).toContain(
      '"weekly-1" (previous of the series) is no longer declared: no recipient diff (the state keeps no numbers)',
    );
  });

  test("the same number in two campaigns starting the same day is a warning naming both; other days are not", async () => {
    const { cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("morning", 'sendTime: "2030-03-02 13:00:00"\n', [n(1), n(2), n(3)]),
      "campaigns/b.yaml": campaignYaml("evening", 'sendTime: "2030-03-02 20:00:00"\n', [n(3), n(2), n(9)]),
      "campaigns/c.yaml": campaignYaml("next-day", 'sendTime: "2030-03-03 13:00:00"\n', [n(1)]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      'campaigns/b.yaml:1:1: warning duplicate-across-campaigns: "evening" and "morning" would both call 2 numbers on 2030-03-02 (e.g. 9197•••••002)',
    );
    expect(plan.stdout.match(/duplicate-across-campaigns/g)).toHaveLength(1);
  });

  test("every callee number is checked against its country prefix; countries are counted", async () => {
    const numbers = ["919700000001", "910012345678", "12125550123", "8613800138000"];
    const { sim, dir, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("mixed", "", numbers) });
    const invalid = await cli("validate");
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain(
      "campaigns/a.yaml:7:19: error invalid-number: calleeNumber 9100•••••678 is not a valid phone number for IN",
    );
    expect(invalid.stdout).not.toContain("910012345678");
    const refused = await cli("apply", "--auto-approve");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error invalid-number");
    expect(sim.stats().tasksCreated).toBe(0);
    await writeFile(
      join(dir, "campaign.config.yaml"),
      'guards:\n  invalidNumbers: warning\n  callingHours: { start: "00:00", end: "24:00" }\n',
    );
    const plan = await cli("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("warning invalid-number");
    expect(plan.stdout).toContain("countries  = IN 2 · CN 1 · US 1");
  });
});
