import { describe, expect, test } from "vitest";
import { campaignYaml, runCli, tempDir } from "../helpers.js";

describe("a file in a partial folder named on the command line", () => {
  test("is skipped with a warning, not loaded as a campaign (validate and plan, every environment's campaigns)", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "environments:\n  staging:\n    campaignsDir: staging/campaigns\n  production: {}\n",
      "campaigns/_shared/full.yaml": campaignYaml("shared-full"),
      "staging/campaigns/_shared/full.yaml": campaignYaml("staging-shared-full"),
      "campaigns/a.yaml": campaignYaml("alpha"),
    });
    for (const file of ["campaigns/_shared/full.yaml", "staging/campaigns/_shared/full.yaml"]) {
      const validate = await runCli(["validate", file], dir);
      expect(validate.code, file).toBe(0);
      expect(validate.stdout).toContain(
        `${file}:1:1: warning partial-not-a-campaign: ${file} is a partial (it lies in the folder _shared, whose name starts with _)`,
      );
      expect(validate.stdout).toContain("no campaigns found");
      const plan = await runCli(["plan", "--env", "production", file], dir);
      expect(plan.stdout).not.toMatch(/\+ (staging-)?shared-full/);
    }
  });
});
