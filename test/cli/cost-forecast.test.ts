import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, daytimeNow, reportRecord, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const FOUR = ["919777654321", "919777654322", "919777654323", "919777654324"];
const RECALL = `maxCalls: 120
recallFlow:
  recallType: 1
  recallInterval: 30
  recallNum: 2
  nodeList: [{agentId: "110"}, {agentId: "110"}]
`;
const PRICING = "pricing:\n  currency: USD\n  perMinute: { IN: 0.05 }\n";
// 4 callees × 3 attempts × 2 minutes (maxCalls 120 s) × 0.05 USD
const WORST = 1.2;

async function workspace(config: string) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": config,
    "campaigns/dues.yaml": campaignYaml("dues-dec", RECALL, FOUR),
  });
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
  return { sim, dir, cli };
}

describe("cost forecast (issue 20)", () => {
  test("with pricing.perMinute.IN the plan carries an estimate above zero and at most the worst case, in text and JSON, with a finish time", async () => {
    const { cli } = await workspace(PRICING);
    const json = await cli("--json", "plan");
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    const estimate = plan.entries[0].estimate;
    expect(estimate.currency).toBe("USD");
    expect(estimate.cost.worst).toBeCloseTo(WORST, 10);
    expect(estimate.cost.expected).toBeGreaterThan(0);
    expect(estimate.cost.expected).toBeLessThanOrEqual(WORST);
    expect(estimate.attempts.worst).toBe(12);
    expect(Date.parse(estimate.lastCallBy.expected)).toBeGreaterThan(daytimeNow());
    expect(plan.summary.estimate).toMatchObject({ currency: "USD", campaigns: 1, worst: estimate.cost.worst });

    const text = await cli("plan", "--no-color");
    expect(text.stdout).toMatch(
      /estimate += est\. \d+\.\d\d USD \(worst 1\.20\) · 7 attempts \(worst 12\), 3\.5 billed min \(worst 24\) · last call by \d{4}-\d\d-\d\d \d\d:\d\d /,
    );
    expect(text.stdout).toContain("connect rate 0.5 assumed");
    expect(text.stdout).toContain("IN 0.05/min config");
    expect(text.stdout).toMatch(/Estimated: \d+\.\d\d USD \(worst 1\.20\) for 1 campaign; last call by /);
    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.stdout).toMatch(/Estimated: \d+\.\d\d USD \(worst 1\.20\) for 1 campaign/);
    expect(markdown.stdout).toContain("est. ");
  });

  test("without pricing: durations and finish times, cost unknown", async () => {
    const { cli } = await workspace("");
    const text = await cli("plan", "--no-color");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("est. cost unknown (no pricing) · 7 attempts (worst 12)");
    const plan = JSON.parse((await cli("--json", "plan")).stdout);
    expect(plan.entries[0].estimate.cost).toEqual({ expected: null, worst: null });
    expect(plan.summary.estimate.expected).toBeNull();
  });

  test("guards.maxCostPerApply below the worst case: plan exits 1 and apply sends nothing; with --allow-large both go through", async () => {
    const { sim, dir, cli } = await workspace(`${PRICING}guards:\n  maxCostPerApply: 1\n`);
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      "campaign.config.yaml:5:20: error blast-radius-cost-apply: this apply could cost up to 1.20 USD in 1 campaign (worst case); guards.maxCostPerApply is 1.00 USD",
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(sim.stats().tasksCreated).toBe(0);

    const allowed = await cli("--json", "plan", "--allow-large", "--out", "plan.json");
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({
      allowLarge: true,
      findings: [expect.objectContaining({ severity: "warning", code: "blast-radius-cost-apply" })],
    });
    const applied = await cli("apply", "--allow-large", "plan.json");
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain("Applying the saved plan plan.json (1 to create");
    expect(sim.stats().tasksCreatedByName).toEqual({ "dues-dec": 1 });
    // The reviewed estimate is kept with the campaign, for outcomes to set against the cost reported.
    const state = JSON.parse(await readFile(join(dir, ".campaign/state.json"), "utf8"));
    expect(state.campaigns["dues-dec"].estimate).toEqual({
      currency: "USD",
      expected: expect.any(Number),
      worst: WORST,
    });
  });

  test("a saved plan made before a budget was set is judged again by apply, before the first request", async () => {
    const { sim, dir, cli } = await workspace(PRICING);
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    await writeFile(join(dir, "campaign.config.yaml"), `${PRICING}guards:\n  maxCostPerCampaign: 0.5\n`);
    const refused = await cli("apply", "plan.json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('apply refuses to start: "dues-dec" could cost up to 1.20 USD');
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("an updated recall flow is estimated and budgeted by its rounds as updated; once applied, the old estimate is dropped", async () => {
    const later = 'sendTime: "2035-01-01 14:00:00"\n';
    const { sim, dir, cli } = await workspace(`${PRICING}guards:\n  maxCostPerCampaign: 1.5\n`);
    await writeFile(join(dir, "campaigns/dues.yaml"), campaignYaml("dues-dec", later + RECALL, FOUR));
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    // Ten rounds that recall everyone: 4 × 10 × 2 minutes × 0.05 = 4.00 USD at worst.
    const tenRounds = RECALL.replace("recallType: 1", "recallType: 0")
      .replace("recallNum: 2", "recallNum: 10")
      .replace(
        'nodeList: [{agentId: "110"}, {agentId: "110"}]',
        `nodeList: [${Array(10).fill('{agentId: "110"}').join(", ")}]`,
      );
    await writeFile(join(dir, "campaigns/dues.yaml"), campaignYaml("dues-dec", later + tenRounds, FOUR));
    const plan = await cli("plan", "--refresh", "--no-color");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("~ dues-dec (update recall flow)");
    expect(plan.stdout).toMatch(/recall rounds = est\. 1\.00 USD \(worst 4\.00\) · 40 attempts \(worst 40\)/);
    expect(plan.stdout).toContain(
      'error blast-radius-cost-campaign: the updated recall flow of "dues-dec" could cost up to 4.00 USD (40 attempts × 120 s, every round); guards.maxCostPerCampaign is 1.50 USD',
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect([...sim.world.flows.values()][0]).toMatchObject({ recallNum: 2 });
    expect((await cli("apply", "--auto-approve", "--allow-large")).code).toBe(0);
    expect([...sim.world.flows.values()][0]).toMatchObject({ recallNum: 10 });
    const state = JSON.parse(await readFile(join(dir, ".campaign/state.json"), "utf8"));
    expect(state.campaigns["dues-dec"].estimate).toBeUndefined();
  });

  test("a budget without pricing is an error that --allow-large does not waive", async () => {
    const { sim, cli } = await workspace("guards:\n  maxCostPerApply: 1\n");
    const plan = await cli("plan", "--allow-large");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      "error budget-without-pricing: guards.maxCostPerApply is set but there is no pricing",
    );
    expect((await cli("apply", "--auto-approve", "--allow-large")).code).toBe(1);
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("a budget with a country that has no price is an error naming it", async () => {
    const { cli } = await workspace(
      "pricing:\n  currency: USD\n  perMinute: { US: 0.01 }\nguards:\n  maxCostPerCampaign: 100\n",
    );
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'campaigns/dues.yaml:1:1: error blast-radius-cost-unpriced: "dues-dec": its worst case cannot be priced (no price for IN in pricing.perMinute), so guards.maxCostPerCampaign cannot be checked',
    );
  });

  test("the series' history in the report store comes first, and the plan says so", async () => {
    const { dir, cli } = await workspace(PRICING);
    await writeFile(
      join(dir, "campaigns/dues.yaml"),
      campaignYaml("dues-nov", `description: monthly dues\n${RECALL}`, FOUR),
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    const taskId = JSON.parse(await readFile(join(dir, ".campaign/state.json"), "utf8")).campaigns["dues-nov"].taskId;
    // 30 reports of November's campaign: 24 connected (150 billed seconds each), 6 not; 4 in recall rounds.
    const records = Array.from({ length: 30 }, (_, i) =>
      reportRecord(`h-${i}`, {
        taskId,
        callee: FOUR[i % 4],
        ...(i < 24 ? { chargedDuration: 150 } : { callStatus: 20, terminationCode: "1", chargedDuration: 0 }),
        ...(i >= 26 ? { sourceTaskId: taskId, taskId: taskId + 1000 } : {}),
      }),
    );
    await writeFile(join(dir, "push.json"), JSON.stringify({ array: records }));
    expect((await cli("reports", "import", "push.json")).code).toBe(0);
    // The reviewed estimate against the cost reported: 30 reports × (0.01 + 0.02 AI) USD.
    const outcomes = JSON.parse((await cli("--json", "outcomes", "dues-nov")).stdout);
    const recorded = JSON.parse(await readFile(join(dir, ".campaign/state.json"), "utf8")).campaigns["dues-nov"]
      .estimate;
    expect(outcomes.campaigns[0].estimate).toEqual({
      ...recorded,
      actual: 0.9,
      ratio: Math.round((0.9 / recorded.expected) * 10_000) / 10_000,
    });
    const outcomesText = await cli("outcomes", "dues-nov");
    expect(outcomesText.stdout).toContain(
      `estimated ${recorded.expected.toFixed(2)} USD (worst 1.20) · actual so far 0.90 USD (`,
    );
    expect((await cli("outcomes", "--format", "markdown")).stdout).toContain("| dues-nov | estimated ");
    await writeFile(
      join(dir, "campaigns/dues.yaml"),
      campaignYaml("dues-nov", `description: monthly dues\n${RECALL}`, FOUR),
    );
    await writeFile(
      join(dir, "campaigns/dec.yaml"),
      campaignYaml("dues-dec", `description: monthly dues\n${RECALL}`, FOUR),
    );
    const plan = JSON.parse((await cli("--json", "plan")).stdout);
    const entry = plan.entries.find((e: { taskName: string }) => e.taskName === "dues-dec");
    expect(entry.estimate.basis).toMatchObject({
      connectRate: { value: 0.8, source: "history" },
      // 4 recall attempts of 4 recipients × 2 rounds
      recallFraction: { value: 0.5, source: "history" },
      averageCallSeconds: { value: 150, source: "history" },
      billingIncrement: { value: 60, source: "assumed" },
      historyCalls: 30,
      // 0.90 USD for 60 billed minutes (24 connected × 150 s): the series' own price for India.
      prices: [{ country: "IN", perMinute: 0.015, source: "history", worstPerMinute: 0.05 }],
    });
    // The worst case (and a budget) keeps the configured price, which is higher.
    expect(entry.estimate.cost.worst).toBeCloseTo(24 * 0.05, 10);
    const text = await cli("plan", "--no-color");
    expect(text.stdout).toContain("connect rate 0.8 history, recall share 0.5 history, avg call 150 s history");
    expect(text.stdout).toContain("(history: 30 reports)");
  });

  test("bad pricing in the config is an error at its line", async () => {
    const { cli } = await workspace("pricing:\n  currency: usd\n  perMinute: { IN: -1 }\n");
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/campaign\.config\.yaml:2:\d+: error .*currency/);
    expect(plan.stderr).toMatch(/campaign\.config\.yaml:3:\d+: error .*perMinute/);
  });
});
