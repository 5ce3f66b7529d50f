import type { SeriesHistory } from "../plan/index.js";
import { openMaxMetadata } from "../campaigns/index.js";
import type { PrefixCost, TaskAggregate } from "../reports/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { readStoreIfAny } from "./report-store.js";
import type { Workspace } from "./workspace.js";

/**
 * What the report store tells of each series the plan submits to (campaigns sharing a
 * `description`), for the cost estimate: the reports of the series' submitted tasks, recall
 * rounds included. No store yet, or no submitted campaign of those series: no history. A store
 * that cannot be read is said (a notice), and the estimate falls back to the config.
 */
export async function seriesHistories(
  workspace: Workspace,
  state: AppliedState | undefined,
  series: ReadonlySet<string>,
  context: AppContext,
): Promise<Map<string, SeriesHistory>> {
  const tasks = seriesTasks(state, series);
  if (tasks.size === 0) return new Map();
  const read = await readStoreIfAny(
    workspace,
    context,
    (why) => `note: the cost estimate uses no history: ${why} (the report store could not be read)`,
    async (store) => ({ rows: await store.aggregate(), costs: await store.prefixCosts() }),
    undefined,
  );
  return read ? historiesOf(read.rows, read.costs, tasks, openMaxMetadata().callingCodes) : new Map();
}

interface SeriesTask {
  series: string;
  /** Recipients × recall rounds: the attempts its recall rounds could have made. */
  recallOpportunities: number;
}

/** The submitted tasks of the given series, by task id. */
function seriesTasks(state: AppliedState | undefined, series: ReadonlySet<string>): Map<number, SeriesTask> {
  const tasks = new Map<number, SeriesTask>();
  for (const campaign of Object.values(state?.campaigns ?? {})) {
    if (campaign.series === undefined || !series.has(campaign.series) || typeof campaign.taskId !== "number") continue;
    const recallNum = (campaign.settings?.["recallFlow"] as { recallNum?: unknown } | undefined)?.recallNum;
    tasks.set(campaign.taskId, {
      series: campaign.series,
      recallOpportunities: campaign.recipients * (typeof recallNum === "number" ? recallNum : 0),
    });
  }
  return tasks;
}

/**
 * Folds the store's aggregates into one history per series (reports of other tasks are left out),
 * with the price it paid per billed line minute by country: a callee's country code (the head of
 * its masked number) prices every country that shares the code.
 */
export function historiesOf(
  rows: readonly TaskAggregate[],
  costs: readonly PrefixCost[],
  tasks: ReadonlyMap<number, SeriesTask>,
  callingCodes: ReadonlyMap<string, readonly string[]>,
): Map<string, SeriesHistory> {
  const sums = new Map<string, SeriesHistory & { currencies: Set<string>; reported: Set<number> }>();
  for (const row of rows) {
    // A recall round's report names its parent task as sourceTaskId.
    const taskId = row.sourceTaskId ?? row.taskId;
    if (taskId === null) continue;
    const task = tasks.get(taskId);
    if (task === undefined) continue;
    let sum = sums.get(task.series);
    if (!sum) {
      sum = {
        calls: 0,
        connected: 0,
        billedSeconds: 0,
        recallCalls: 0,
        recallOpportunities: 0,
        currency: null,
        pricePerMinute: new Map(),
        currencies: new Set(),
        reported: new Set(),
      };
      sums.set(task.series, sum);
    }
    if (!sum.reported.has(taskId)) {
      sum.reported.add(taskId);
      sum.recallOpportunities += task.recallOpportunities;
    }
    sum.calls += row.calls;
    if (row.outcome === "connected") {
      sum.connected += row.calls;
      sum.billedSeconds += row.billedLineSeconds;
    }
    const recall = row.sourceTaskId !== null || (row.recallRound ?? 0) > 0;
    if (recall) sum.recallCalls += row.calls;
    if (row.currency !== null) sum.currencies.add(row.currency);
  }
  const byCode = new Map<string, Map<string, { cost: number; seconds: number }>>();
  for (const cost of costs) {
    const task = tasks.get(cost.taskId);
    const code = codeOf(cost.prefix, callingCodes);
    if (task === undefined || code === undefined) continue;
    const series = byCode.get(task.series) ?? new Map<string, { cost: number; seconds: number }>();
    byCode.set(task.series, series);
    const sum = series.get(code) ?? { cost: 0, seconds: 0 };
    sum.cost += cost.cost;
    sum.seconds += cost.billedLineSeconds;
    series.set(code, sum);
  }
  const histories = new Map<string, SeriesHistory>();
  for (const [series, { currencies, reported: _reported, ...history }] of sums) {
    // Prices only from reports billed in one currency: a sum across currencies means nothing.
    const currency = currencies.size === 1 ? [...currencies][0]! : null;
    const pricePerMinute = new Map<string, number>();
    if (currency !== null)
      for (const [code, sum] of byCode.get(series) ?? [])
        if (sum.seconds > 0)
          for (const country of callingCodes.get(code) ?? [])
            pricePerMinute.set(country, sum.cost / (sum.seconds / 60));
    histories.set(series, { ...history, currency, pricePerMinute });
  }
  return histories;
}

/** The country calling code a number's leading digits start with (codes are prefix-free: at most one fits). */
function codeOf(prefix: string, callingCodes: ReadonlyMap<string, readonly string[]>): string | undefined {
  for (let length = 1; length <= Math.min(3, prefix.length); length++)
    if (callingCodes.has(prefix.slice(0, length))) return prefix.slice(0, length);
  return undefined;
}
