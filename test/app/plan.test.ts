import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planCampaigns } from "../../src/app/plan.js";
import type { Workspace } from "../../src/app/workspace.js";
import { isToolError } from "../../src/errors/index.js";
import { campaignYaml, FIXED_NOW, tempDir } from "../helpers.js";
import { appContext } from "./context-fixture.js";

const TWO = ["919700000001", "919700000002"];

describe("planCampaigns", () => {
  test("a plan without errors is saved to --out, byte for byte what it returns; the step summary gets its markdown", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": 'guards:\n  callingHours: { start: "00:00", end: "24:00" }\n',
      "campaigns/a.yaml": campaignYaml("alpha", "", TWO),
    });
    const summary = join(dir, "summary.md");
    const context = appContext(dir, { GITHUB_STEP_SUMMARY: summary }, () => FIXED_NOW);
    const { plan, savedTo } = await planCampaigns({ paths: [], out: "plan.json", allowLarge: false }, context);
    expect(plan.summary).toMatchObject({ create: 1, recipientsToSubmit: 2, errors: 0, hasChanges: true });
    expect(savedTo).toBe("plan.json");
    expect(await readFile(join(dir, "plan.json"), "utf8")).toBe(JSON.stringify(plan, null, 2) + "\n");
    expect(await readFile(summary, "utf8")).toContain("alpha");
    expect(context.events.notices).toEqual([]);
  });

  test("a plan with errors is returned (to be shown) but not saved", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  maxRecipientsPerCampaign: 1\n",
      "campaigns/a.yaml": campaignYaml("alpha", "", TWO),
    });
    const result = await planCampaigns(
      { paths: [], out: "plan.json", allowLarge: false },
      appContext(dir, {}, () => FIXED_NOW),
    );
    expect(result.savedTo).toBeUndefined();
    expect(result.plan.findings.map((f) => [f.severity, f.code])).toContainEqual(["error", "blast-radius-campaign"]);
    await expect(readFile(join(dir, "plan.json"))).rejects.toThrow(/ENOENT/);
    // --allow-large: the same limit is a warning, recorded in the plan.
    const large = await planCampaigns(
      { paths: [], allowLarge: true },
      appContext(dir, {}, () => FIXED_NOW),
    );
    expect(large.plan).toMatchObject({ allowLarge: true, summary: { errors: 0, warnings: 1 } });
  });

  test("the refresh port runs first, on the workspace the plan then uses", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha") });
    const seen: Workspace[] = [];
    const { plan } = await planCampaigns(
      { paths: [], allowLarge: false },
      appContext(dir, {}, () => FIXED_NOW),
      {
        refreshFirst: async (workspace) => void seen.push(workspace),
      },
    );
    expect(seen.map((w) => w.statePath)).toEqual([join(".campaign", "state.json")]);
    expect(plan.entries.map((e) => [e.taskName, e.action])).toEqual([["alpha", "create"]]);
  });

  test("invalid campaigns: their diagnostics are events, and nothing is planned", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha", "maxRingingTime: 5\n") });
    const context = appContext(dir, {}, () => FIXED_NOW);
    const error = await planCampaigns({ paths: [], allowLarge: false }, context).catch((e: unknown) => e);
    expect(isToolError(error) && error.code).toBe("invalid-input");
    expect(context.events.diagnosticsSeen.map((d) => [d.severity, d.file])).toEqual([["error", "campaigns/a.yaml"]]);
  });
});
