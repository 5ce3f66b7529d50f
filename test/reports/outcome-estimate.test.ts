import { describe, expect, test } from "vitest";
import { campaignOutcomes, type TaskAggregate } from "../../src/reports/index.js";
import type { AppliedState, CampaignState } from "../../src/schema/generated/index.js";
import { estimateAgainstActual } from "../../src/views/estimate.js";

const campaign = (taskId: number, estimate?: CampaignState["estimate"]): CampaignState => ({
  status: "submitted",
  definitionHash: "h",
  recipientsHash: "r",
  recipients: 4,
  taskId,
  updatedAt: "2026-11-25T12:00:00.000Z",
  ...(estimate ? { estimate } : {}),
});
const state = (campaigns: Record<string, CampaignState>): AppliedState => ({
  formatVersion: 1,
  lineage: "l",
  serial: 1,
  salt: "s",
  campaigns,
  history: [],
});
const row = (taskId: number, currency: string, cost: number): TaskAggregate => ({
  taskId,
  sourceTaskId: null,
  calleeHash: null,
  recallRound: 0,
  outcome: "connected",
  intent: null,
  calls: 2,
  billedLineSeconds: 120,
  aiAgentBilledSeconds: 120,
  cost,
  aiAgentFee: cost,
  currency,
  lastHangupTime: null,
  unreadableTimes: 0,
});

describe("outcomes against the reviewed estimate", () => {
  test("same currency: actual and its ratio; another currency: not comparable; no pricing when planned: nothing shown", () => {
    const usd = { currency: "USD", expected: 0.5, worst: 1.2 };
    const report = campaignOutcomes(
      [row(1, "USD", 0.2), row(2, "EUR", 0.2)],
      state({
        a: campaign(1, usd),
        b: campaign(2, usd),
        c: campaign(3, { currency: null, expected: null, worst: null }),
        d: campaign(4, usd),
      }),
    );
    const byName = Object.fromEntries(report.campaigns.map((c) => [c.taskName, c.estimate]));
    expect(byName["a"]).toEqual({ ...usd, actual: 0.4, ratio: 0.8 });
    expect(byName["b"]).toEqual({ ...usd, actual: null, ratio: null });
    expect(byName["c"]).toBeUndefined();
    // No report yet: nothing spent so far.
    expect(byName["d"]).toEqual({ ...usd, actual: 0, ratio: 0 });
    expect(estimateAgainstActual(byName["a"]!)).toBe(
      "estimated 0.50 USD (worst 1.20) · actual so far 0.40 USD (0.80× the estimate)",
    );
    expect(estimateAgainstActual(byName["b"]!)).toContain("not comparable");
    // Reports of one campaign billed in two currencies: no sum to compare.
    const mixed = campaignOutcomes([row(1, "USD", 0.2), row(1, "EUR", 0.2)], state({ a: campaign(1, usd) }));
    expect(mixed.campaigns[0]!.estimate).toEqual({ ...usd, actual: null, ratio: null });
  });
});
