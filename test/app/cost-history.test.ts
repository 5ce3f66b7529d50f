import { describe, expect, test } from "vitest";
import { historiesOf } from "../../src/app/cost-history.js";
import type { TaskAggregate } from "../../src/reports/index.js";

const row = (taskId: number, over: Partial<TaskAggregate> = {}): TaskAggregate => ({
  taskId,
  sourceTaskId: null,
  calleeHash: null,
  recallRound: 0,
  outcome: "connected",
  intent: null,
  calls: 10,
  billedLineSeconds: 600,
  aiAgentBilledSeconds: 0,
  cost: 1,
  aiAgentFee: 0,
  currency: "USD",
  lastHangupTime: null,
  unreadableTimes: 0,
  ...over,
});
const CODES = new Map<string, readonly string[]>([
  ["1", ["US", "CA"]],
  ["91", ["IN"]],
  ["800", []],
]);
const tasks = new Map([
  [1, { series: "dues", recallOpportunities: 20 }],
  [2, { series: "dues", recallOpportunities: 20 }],
]);

describe("series history for the cost forecast", () => {
  test("rates from the series' tasks (recall rounds under their parent), prices per calling code for every country sharing it", () => {
    const histories = historiesOf(
      [
        row(1),
        row(1, { outcome: "noAnswer", calls: 10, billedLineSeconds: 0 }),
        row(2, { sourceTaskId: 2, taskId: 9, recallRound: 1, calls: 5, billedLineSeconds: 300 }),
        row(3, { calls: 1000 }),
      ],
      [
        { taskId: 1, prefix: "9197", currency: "USD", cost: 2, billedLineSeconds: 1200 },
        { taskId: 2, prefix: "1212", currency: "USD", cost: 3, billedLineSeconds: 600 },
        { taskId: 3, prefix: "4477", currency: "USD", cost: 100, billedLineSeconds: 60 },
        { taskId: 1, prefix: "8001", currency: "USD", cost: 9, billedLineSeconds: 60 },
      ],
      tasks,
      CODES,
    );
    const dues = histories.get("dues")!;
    expect(dues).toMatchObject({
      calls: 25,
      connected: 15,
      billedSeconds: 900,
      recallCalls: 5,
      recallOpportunities: 40,
    });
    expect(dues.currency).toBe("USD");
    expect(Object.fromEntries(dues.pricePerMinute)).toEqual({ IN: 0.1, US: 0.3, CA: 0.3 });
  });

  test("reports billed in two currencies give no prices", () => {
    const histories = historiesOf(
      [row(1), row(2, { currency: "EUR" })],
      [{ taskId: 1, prefix: "9197", currency: "USD", cost: 2, billedLineSeconds: 1200 }],
      tasks,
      CODES,
    );
    expect(histories.get("dues")!.currency).toBeNull();
    expect(histories.get("dues")!.pricePerMinute.size).toBe(0);
  });
});
