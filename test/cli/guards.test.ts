import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator, daytimeNow } from "../helpers.js";

const three = ["919700000001", "919700000002", "919700000003"];

async function workspace(config: string, files: Record<string, string>) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({ "campaign.config.yaml": config, ...files });
  const env = simulatorEnv(sim);
  const cli = (...args: string[]) => runCli(args, dir, env, daytimeNow());
  return { sim, dir, cli };
}

describe("blast-radius guards", () => {
  test("a campaign above guards.maxRecipientsPerCampaign: plan error; --allow-large makes it a recorded warning; apply needs the flag", async () => {
    const { sim, cli } = await workspace("guards:\n  maxRecipientsPerCampaign: 2\n", {
      "campaigns/a.yaml": campaignYaml("big-one", "", three),
    });
    const plan = await cli("plan", "--detailed-exitcode");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'campaigns/a.yaml:1:1: error blast-radius-campaign: "big-one" would call 3 recipients; guards.maxRecipientsPerCampaign is 2',
    );
    const allowed = await cli("--json", "plan", "--allow-large");
    expect(allowed.code).toBe(0);
    const json = JSON.parse(allowed.stdout);
    expect(json.allowLarge).toBe(true);
    expect(json.findings).toContainEqual(
      expect.objectContaining({
        severity: "warning",
        code: "blast-radius-campaign",
        message: expect.stringContaining("allowed by --allow-large"),
      }),
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(sim.stats().tasksCreated).toBe(0);
    expect((await cli("apply", "--auto-approve", "--allow-large")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "big-one": 1 });
  });

  test("guards.maxRecipientsPerApply points at the config", async () => {
    const { cli } = await workspace("guards:\n  maxRecipientsPerApply: 3\n", {
      "campaigns/a.yaml": campaignYaml("half-a", "", three.slice(0, 2)),
      "campaigns/b.yaml": campaignYaml("half-b", "", three.slice(1)),
    });
    const plan = await cli("plan");
    expect(plan.stdout).toContain(
      "campaign.config.yaml:2:26: error blast-radius-apply: this apply would call 4 recipients in 2 campaigns; guards.maxRecipientsPerApply is 3",
    );
  });

  test("growth against the last submitted campaign of the same series", async () => {
    const { dir, cli } = await workspace("guards:\n  maxGrowthPercent: 50\n", {
      "campaigns/a.yaml": campaignYaml("weekly-1", "description: weekly reminders\n", three.slice(0, 2)),
    });
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    await writeFile(
      join(dir, "campaigns/b.yaml"),
      campaignYaml("weekly-2", "description: weekly reminders\n", [...three, "919700000004"]),
    );
    const plan = await cli("plan");
    expect(plan.stdout).toContain(
      'campaigns/b.yaml:1:1: error blast-radius-growth: "weekly-2" would call 4 recipients, 100% more than "weekly-1" (2) of the same series; guards.maxGrowthPercent is 50',
    );
  });

  test("a saved plan: limits are checked again before the first request; --allow-large needs a plan made with it", async () => {
    const { sim, dir, cli } = await workspace("guards:\n  maxRecipientsPerCampaign: 5\n", {
      "campaigns/a.yaml": campaignYaml("saved-big", "", three),
    });
    expect((await cli("plan", "--out", "plain.json")).code).toBe(0);
    await writeFile(join(dir, "campaign.config.yaml"), "guards:\n  maxRecipientsPerCampaign: 2\n");
    const refused = await cli("apply", "plain.json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error plan-has-errors: apply refuses to start: "saved-big" would call 3 recipients; guards.maxRecipientsPerCampaign is 2',
    );
    const flagOnly = await cli("apply", "--allow-large", "plain.json");
    expect(flagOnly.stderr).toContain("the plan was not made with --allow-large");
    expect((await cli("plan", "--allow-large", "--out", "large.json")).code).toBe(0);
    expect((await cli("apply", "large.json")).code).toBe(1);
    expect(sim.stats().tasksCreated).toBe(0);
    expect((await cli("apply", "--allow-large", "large.json")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "saved-big": 1 });
  });
});
