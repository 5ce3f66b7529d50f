import { describe, expect, test } from "vitest";
import { validateCampaigns } from "../../src/app/validate.js";
import { campaignYaml, FIXED_NOW, tempDir } from "../helpers.js";
import { appContext } from "./context-fixture.js";

describe("validateCampaigns", () => {
  test("a valid campaign: a valid report, counted; nothing said along the way", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha", "", ["919700000001", "919700000002"]) });
    const context = appContext(dir, {}, () => FIXED_NOW);
    const report = await validateCampaigns({ paths: [] }, context);
    expect(report).toMatchObject({ valid: true, summary: { campaigns: 1, valid: 1, recipients: 2, errors: 0 } });
    expect(report.campaigns).toEqual([
      { taskName: "alpha", file: "campaigns/a.yaml", line: 1, valid: true, recipients: 2 },
    ]);
    expect(context.events.diagnosticsSeen).toEqual([]);
    expect(context.events.notices).toEqual([]);
  });

  test("config errors are in the report (not thrown), and no campaign is read then", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  invalidNumbers: sometimes\n",
      "campaigns/a.yaml": campaignYaml("alpha"),
    });
    const report = await validateCampaigns(
      { paths: [] },
      appContext(dir, {}, () => FIXED_NOW),
    );
    expect(report.valid).toBe(false);
    expect(report.summary.campaigns).toBe(0);
    expect(report.diagnostics[0]).toMatchObject({ severity: "error", file: "campaign.config.yaml" });
  });

  test("only the paths given; none found there is a warning naming where it looked, and still valid", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha"), "elsewhere/.keep": "" });
    const report = await validateCampaigns(
      { paths: ["elsewhere"] },
      appContext(dir, {}, () => FIXED_NOW),
    );
    expect(report.valid).toBe(true);
    expect(report.diagnostics.map((d) => [d.severity, d.code])).toEqual([["warning", "no-campaigns"]]);
    expect(report.diagnostics[0]!.message).toContain("elsewhere");
  });
});
