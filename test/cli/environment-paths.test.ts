import { describe, expect, test } from "vitest";
import { campaignYaml, daytimeNow, runCli, tempDir } from "../helpers.js";

const CONFIG = `environments:
  staging:
    campaignsDir: staging/campaigns
  production: {}
`;
const LATER = 'sendTime: "2035-01-01 14:00:00"\n';

describe("a path outside the environment's campaigns directory", () => {
  test("is planned in that environment all the same, with a warning naming both", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": CONFIG,
      "campaigns/customers.yaml": campaignYaml("customers", LATER),
      "staging/campaigns/testers.yaml": campaignYaml("testers", LATER),
    });
    const outside = await runCli(["--env", "staging", "plan", "campaigns/customers.yaml"], dir, {}, daytimeNow());
    expect(outside.code).toBe(0);
    expect(outside.stderr).toContain(
      "warning: campaigns/customers.yaml is outside staging/campaigns, the campaigns directory of environment staging",
    );
    for (const args of [["plan"], ["plan", "staging/campaigns/testers.yaml"]]) {
      const inside = await runCli(["--env", "staging", ...args], dir, {}, daytimeNow());
      expect(inside.code).toBe(0);
      expect(inside.stderr).not.toContain("is outside");
    }
    const production = await runCli(["--env", "production", "plan", "campaigns/customers.yaml"], dir, {}, daytimeNow());
    expect(production.stderr).not.toContain("is outside");
  });
});
