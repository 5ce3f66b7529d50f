import { describe, expect, test } from "vitest";
import {
  describeDesired,
  estimateOf,
  guardFindings,
  MIN_HISTORY_CALLS,
  plan,
  type DesiredCampaign,
  type SeriesHistory,
} from "../../src/plan/index.js";
import type { GuardsConfig, PricingConfig } from "../../src/schema/generated/index.js";
import { validators } from "../../src/schema/validators.js";
import { hmacHasher } from "../../src/state/index.js";
import { FIXED_NOW, loadDir, tempDir } from "../helpers.js";

const hash = hmacHasher("0123456789abcdef0123456789abcdef");
const clock = { platformTimeZone: "Asia/Shanghai", now: FIXED_NOW, dialsPerMinute: 30 };
const PRICING: PricingConfig = { currency: "USD", perMinute: { IN: 0.05 } };
const NO_HISTORY = new Map<string, SeriesHistory>();

/** Four Indian callees, maxCalls 120 s, two recall rounds of "recall failed" unless told otherwise. */
async function fourCallees(
  extra = "",
  recall = "recallType: 1\n  recallInterval: 60\n  recallNum: 2\n  nodeList: [{agentId: '110'}, {agentId: '110'}]\n",
): Promise<DesiredCampaign> {
  const numbers = ["919777654321", "919777654322", "919777654323", "919777654324"];
  const list = numbers.map((n) => `  - calleeNumber: "${n}"\n`).join("");
  const recallFlow = recall ? `recallFlow:\n  ${recall}` : "";
  const loaded = await loadDir(
    await tempDir({
      "a.yaml": `taskName: dues\nappId: Jgd8oFei\nagentId: 110\nmaxCalls: 120\nsendTime: "2036-04-01 13:00:00"\n${extra}numberInfoList:\n${list}${recallFlow}`,
    }),
  );
  expect(loaded.diagnostics).toEqual([]);
  return describeDesired(loaded.campaigns[0]!, hash);
}

const history = (over: Partial<SeriesHistory> = {}): SeriesHistory => ({
  calls: 100,
  connected: 80,
  billedSeconds: 80 * 90,
  recallCalls: 10,
  recallOpportunities: 200,
  currency: "USD",
  pricePerMinute: new Map(),
  ...over,
});

describe("cost estimate", () => {
  test("four callees, two recall rounds: above zero and at most the worst case (4 × 3 attempts × maxCalls minutes × the price)", async () => {
    const estimate = estimateOf(await fourCallees(), {
      pricing: PRICING,
      forecast: {},
      history: NO_HISTORY,
      clock,
    });
    const worst = 4 * 3 * (120 / 60) * 0.05;
    expect(estimate.cost.worst).toBeCloseTo(worst, 10);
    expect(estimate.cost.expected).toBeGreaterThan(0);
    expect(estimate.cost.expected!).toBeLessThanOrEqual(estimate.cost.worst!);
    // Recall failed at the assumed 50 % connect rate: 4, then 2, then 1 attempts.
    expect(estimate.rounds.map((r) => r.attempts)).toEqual([4, 2, 1]);
    expect(estimate.attempts).toEqual({ expected: 7, worst: 12 });
    // 7 attempts × 0.5 connected × 60 s (one billed minute each).
    expect(estimate.billedMinutes).toEqual({ expected: 3.5, worst: 24 });
    expect(estimate.basis.connectRate).toEqual({ value: 0.5, source: "assumed" });
    expect(estimate.basis.prices).toEqual([{ country: "IN", perMinute: 0.05, source: "config" }]);
    expect(estimate.unpriced).toEqual([]);
    // Shown in the platform's zone unless every callee is in one zone.
    expect(estimate.timeZone).toBe("Asia/Shanghai");
    const desired = await fourCallees();
    const zoned = (zones: string[][]) =>
      estimateOf(
        { ...desired, zoneGroups: zones.map((z) => ({ country: "IN", zones: z, recipients: 2, example: "" })) },
        { pricing: PRICING, forecast: {}, history: NO_HISTORY, clock },
      ).timeZone;
    expect(zoned([["Asia/Calcutta"], ["Asia/Calcutta"]])).toBe("Asia/Calcutta");
    expect(zoned([["Asia/Calcutta"], ["Asia/Dubai"]])).toBe("Asia/Shanghai");
    expect(zoned([["Asia/Calcutta"], []])).toBe("Asia/Shanghai");
    // The last round ends after the first two and their intervals.
    expect(Date.parse(estimate.lastCallBy.expected)).toBeGreaterThan(Date.parse("2036-04-01T07:00:00Z"));
    expect(Date.parse(estimate.lastCallBy.expected)).toBeLessThanOrEqual(Date.parse(estimate.lastCallBy.worst));
  });

  test("configured forecast, billing increment and AI-agent price are used and named as config", async () => {
    const estimate = estimateOf(await fourCallees(), {
      pricing: { ...PRICING, aiAgentPerMinute: 0.02, billingIncrement: 6 },
      forecast: { connectRate: 1, averageCallSeconds: 45 },
      history: NO_HISTORY,
      clock,
    });
    // Everyone connects in the first round: recall failed calls no one again.
    expect(estimate.attempts.expected).toBe(4);
    expect(estimate.billedMinutes.expected).toBeCloseTo((4 * 48) / 60, 10);
    expect(estimate.cost.expected).toBeCloseTo(((4 * 48) / 60) * 0.07, 4);
    expect(estimate.basis.billingIncrement).toEqual({ value: 6, source: "config" });
    expect(estimate.basis.averageCallSeconds).toEqual({ value: 45, source: "config" });
  });

  test("recall all calls everyone every round; no recall flow: one round", async () => {
    const all = estimateOf(
      await fourCallees(
        "",
        "recallType: 0\n  recallInterval: 30\n  recallNum: 2\n  nodeList: [{agentId: '1'}, {agentId: '1'}]\n",
      ),
      { pricing: PRICING, forecast: {}, history: NO_HISTORY, clock },
    );
    expect(all.attempts).toEqual({ expected: 12, worst: 12 });
    expect(all.basis.recallFraction).toEqual({ value: 1, source: "config" });
    const none = estimateOf(await fourCallees("", ""), { pricing: PRICING, forecast: {}, history: NO_HISTORY, clock });
    expect(none.rounds).toHaveLength(1);
    expect(none.attempts).toEqual({ expected: 4, worst: 4 });
    expect(none.basis.recallFraction.value).toBeNull();
  });

  test("without prices: durations and finish times only, cost unknown", async () => {
    const estimate = estimateOf(await fourCallees(), { pricing: undefined, forecast: {}, history: NO_HISTORY, clock });
    expect(estimate.currency).toBeNull();
    expect(estimate.cost).toEqual({ expected: null, worst: null });
    expect(estimate.billedMinutes.worst).toBe(24);
    expect(estimate.lastCallBy.worst).toMatch(/^2036-04-01T/);
  });

  test("a country without a price leaves the cost unknown and names it", async () => {
    const estimate = estimateOf(await fourCallees(), {
      pricing: { currency: "USD", perMinute: { US: 0.01 } },
      forecast: {},
      history: NO_HISTORY,
      clock,
    });
    expect(estimate.cost).toEqual({ expected: null, worst: null });
    expect(estimate.unpriced).toEqual(["IN"]);
    expect(estimate.basis.prices).toEqual([{ country: "IN", perMinute: null, source: "none" }]);
  });

  test("the series' history comes first: its connect rate, recall share, average billed time and prices", async () => {
    const desired = await fourCallees("description: monthly dues\n");
    const estimate = estimateOf(desired, {
      pricing: PRICING,
      forecast: { connectRate: 0.1 },
      history: new Map([["monthly dues", history({ pricePerMinute: new Map([["IN", 0.04]]) })]]),
      clock,
    });
    expect(estimate.basis.connectRate).toEqual({ value: 0.8, source: "history" });
    expect(estimate.basis.recallFraction).toEqual({ value: 0.05, source: "history" });
    expect(estimate.basis.averageCallSeconds).toEqual({ value: 90, source: "history" });
    // The worst case keeps the configured price where the history paid less.
    expect(estimate.basis.prices).toEqual([
      { country: "IN", perMinute: 0.04, source: "history", worstPerMinute: 0.05 },
    ]);
    expect(estimate.basis.historyCalls).toBe(100);
    // 4 + 0.2 + 0.2 attempts, 80 % connected, 90 s → two billed minutes each.
    expect(estimate.attempts.expected).toBeCloseTo(4.4, 10);
    expect(estimate.billedMinutes.expected).toBeCloseTo(4.4 * 0.8 * 2, 4);
    expect(estimate.cost.expected).toBeCloseTo(4.4 * 0.8 * 2 * 0.04, 4);
    expect(estimate.cost.worst).toBeCloseTo(24 * 0.05, 10);
  });

  test("too little history, another series, or another currency's prices are not used", async () => {
    const desired = await fourCallees("description: monthly dues\n");
    const thin = estimateOf(desired, {
      pricing: PRICING,
      forecast: {},
      history: new Map([["monthly dues", history({ calls: MIN_HISTORY_CALLS - 1, connected: 1 })]]),
      clock,
    });
    expect(thin.basis.connectRate.source).toBe("assumed");
    const other = estimateOf(desired, {
      pricing: PRICING,
      forecast: {},
      history: new Map([["weekly", history()]]),
      clock,
    });
    expect(other.basis.historyCalls).toBeUndefined();
    const inEuro = estimateOf(desired, {
      pricing: PRICING,
      forecast: {},
      history: new Map([["monthly dues", history({ currency: "EUR", pricePerMinute: new Map([["IN", 9]]) })]]),
      clock,
    });
    expect(inEuro.basis.prices[0]).toEqual({ country: "IN", perMinute: 0.05, source: "config" });
  });

  test("the plan carries an estimate per create and a total, valid against plan.schema.json", async () => {
    const a = await fourCallees();
    const b = { ...a, taskName: "dues-2", body: { ...a.body, taskName: "dues-2" } };
    const made = plan({
      desired: [a, b],
      loadFindings: [],
      state: undefined,
      statePath: ".campaign/state.json",
      now: FIXED_NOW,
      planId: "p",
      toolVersion: "0",
      paths: ["."],
      guards: {
        guards: {},
        guardsAt: () => ({ file: "campaign.config.yaml", line: 1, column: 1 }),
        allowLarge: false,
        platformTimeZone: "Asia/Shanghai",
        costs: { pricing: PRICING, forecast: {}, history: NO_HISTORY },
      },
    });
    expect(made.entries.every((e) => e.estimate !== undefined)).toBe(true);
    expect(made.summary.estimate).toEqual({
      currency: "USD",
      campaigns: 2,
      expected: made.entries[0]!.estimate!.cost.expected! * 2,
      worst: 2.4,
      lastCallBy: made.entries[0]!.estimate!.lastCallBy.expected,
    });
    const valid = validators().plan(JSON.parse(JSON.stringify(made)));
    expect(validators().plan.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe("budget guards", () => {
  const at = { file: "campaign.config.yaml", line: 3, column: 20 };
  const findings = async (guards: GuardsConfig, pricing: PricingConfig | undefined, allowLarge = false) =>
    guardFindings({
      toSubmit: [await fourCallees()],
      state: undefined,
      guards,
      guardsAt: () => at,
      allowLarge,
      platformTimeZone: "Asia/Shanghai",
      now: FIXED_NOW,
      costs: { pricing, forecast: {}, history: NO_HISTORY },
    }).filter((f) => f.code.startsWith("blast-radius-cost"));

  test("maxCostPerCampaign and maxCostPerApply judge the worst case: errors, or warnings with --allow-large", async () => {
    expect(await findings({ maxCostPerCampaign: 1.2, maxCostPerApply: 1.2 }, PRICING)).toEqual([]);
    const over = await findings({ maxCostPerCampaign: 1, maxCostPerApply: 1.19 }, PRICING);
    expect(over.map((f) => [f.severity, f.code])).toEqual([
      ["error", "blast-radius-cost-campaign"],
      ["error", "blast-radius-cost-apply"],
    ]);
    expect(over[0]!.message).toBe(
      '"dues" could cost up to 1.20 USD (12 attempts × 120 s, every round); guards.maxCostPerCampaign is 1.00 USD',
    );
    expect(over[1]).toMatchObject({ ...at, message: expect.stringContaining("guards.maxCostPerApply is 1.19 USD") });
    const allowed = await findings({ maxCostPerApply: 1 }, PRICING, true);
    expect(allowed).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("allowed by --allow-large") }),
    ]);
  });

  test("a worst case that cannot be priced cannot pass a budget", async () => {
    const unpriced = await findings(
      { maxCostPerCampaign: 100, maxCostPerApply: 100 },
      { currency: "USD", perMinute: {} },
    );
    expect(unpriced.map((f) => f.code)).toEqual(["blast-radius-cost-unpriced", "blast-radius-cost-unpriced"]);
    expect(unpriced[0]!.message).toContain("no price for IN in pricing.perMinute");
    // A budget without pricing is a config mistake: an error even with --allow-large.
    const noPricing = await findings({ maxCostPerApply: 100 }, undefined, true);
    expect(noPricing).toEqual([]);
    const all = guardFindings({
      toSubmit: [await fourCallees()],
      state: undefined,
      guards: { maxCostPerApply: 100 },
      guardsAt: () => at,
      allowLarge: true,
      platformTimeZone: "Asia/Shanghai",
      now: FIXED_NOW,
      costs: { pricing: undefined, forecast: {}, history: NO_HISTORY },
    });
    expect(all).toContainEqual(expect.objectContaining({ severity: "error", code: "budget-without-pricing", ...at }));
  });
});

describe("budgets on history and on recall-flow updates", () => {
  const at = { file: "campaign.config.yaml", line: 3, column: 20 };
  const guard = (input: Partial<Parameters<typeof guardFindings>[0]>) =>
    guardFindings({
      toSubmit: [],
      state: undefined,
      guards: {},
      guardsAt: () => at,
      allowLarge: false,
      platformTimeZone: "Asia/Shanghai",
      now: FIXED_NOW,
      ...input,
    }).filter((f) => f.code.startsWith("blast-radius-cost"));

  test("a cheap history does not lower the budget's worst case, and a country priced only by history cannot pass a budget", async () => {
    const desired = await fourCallees("description: monthly dues\n");
    const cheap = new Map([["monthly dues", history({ pricePerMinute: new Map([["IN", 0.0001]]) })]]);
    expect(
      guard({
        toSubmit: [desired],
        guards: { maxCostPerApply: 1 },
        costs: { pricing: PRICING, forecast: {}, history: cheap },
      }).map((f) => f.code),
    ).toEqual(["blast-radius-cost-apply"]);
    expect(
      guard({
        toSubmit: [desired],
        guards: { maxCostPerApply: 100 },
        costs: { pricing: { currency: "USD", perMinute: {} }, forecast: {}, history: cheap },
      }).map((f) => f.code),
    ).toEqual(["blast-radius-cost-unpriced"]);
  });

  test("an updated recall flow is priced by its recall rounds", async () => {
    const desired = await fourCallees();
    const findings = guard({
      toUpdate: [desired],
      guards: { maxCostPerCampaign: 0.5 },
      costs: { pricing: PRICING, forecast: {}, history: NO_HISTORY },
    });
    // 4 callees × 2 recall rounds × 2 minutes × 0.05
    expect(findings).toEqual([
      expect.objectContaining({
        code: "blast-radius-cost-campaign",
        message: expect.stringContaining('the updated recall flow of "dues" could cost up to 0.80 USD (8 attempts'),
      }),
    ]);
    const estimate = estimateOf(
      desired,
      { pricing: PRICING, forecast: {}, history: NO_HISTORY, clock },
      { recallRoundsOnly: true },
    );
    expect(estimate.attempts).toEqual({ expected: 3, worst: 8 });
    expect(estimate.rounds.map((r) => r.attempts)).toEqual([4, 2, 1]);
  });
});
