import { describe, expect, test } from "vitest";
import { partialSkipped } from "../../src/campaigns/partials.js";

describe("partialSkipped", () => {
  test("below a campaigns directory every folder counts; elsewhere the name alone", () => {
    const dirs = ["campaigns", "staging/campaigns"];
    expect(partialSkipped("campaigns/_shared/full.yaml", dirs)?.message).toBe(
      "campaigns/_shared/full.yaml is a partial (it lies in the folder _shared, whose name starts with _): it is read only where a campaign extends it, never as a campaign",
    );
    expect(partialSkipped("campaigns/team/_drafts/deep/x.yaml", dirs)?.code).toBe("partial-not-a-campaign");
    expect(partialSkipped("staging/campaigns/_shared/x.yaml", dirs)?.code).toBe("partial-not-a-campaign");
    expect(partialSkipped("campaigns/_base.yaml", dirs)?.message).toContain("(its name starts with _)");
    expect(partialSkipped("campaigns/team/a.yaml", dirs)).toBeUndefined();
    // The campaigns directory itself, and folders above it, may be named anything.
    expect(partialSkipped("_campaigns/a.yaml", ["_campaigns"])).toBeUndefined();
    expect(partialSkipped("./_campaigns/team/a.yaml", ["_campaigns/"])).toBeUndefined();
    expect(partialSkipped("/srv/_work/campaigns/a.yaml", ["/srv/_work/campaigns"])).toBeUndefined();
    // Outside every campaigns directory only the file's own name marks a partial.
    expect(partialSkipped("other/_old/a.yaml", dirs)).toBeUndefined();
    expect(partialSkipped("other/_a.yaml", dirs)?.code).toBe("partial-not-a-campaign");
    expect(partialSkipped("campaigns\\_shared\\full.yaml", dirs)?.code).toBe("partial-not-a-campaign");
  });
});
