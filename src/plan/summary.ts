import type { CostEstimateTotal, Diagnostic, PlanEntry, PlanSummary } from "../schema/generated/index.js";
import { round } from "./estimate.js";

// The order entries are listed in: what will be sent first, then what blocks, then the rest.
const ORDER: Record<PlanEntry["action"], number> = {
  create: 0,
  retry: 1,
  move: 2,
  cancel: 3,
  "update-recall": 4,
  blocked: 5,
  unknown: 6,
  orphaned: 7,
  unchanged: 8,
};
export const order = (entry: PlanEntry): number => ORDER[entry.action];

export function summarize(entries: readonly PlanEntry[], findings: readonly Diagnostic[]): PlanSummary {
  const count = (action: PlanEntry["action"]) => entries.filter((e) => e.action === action).length;
  const toSubmit = entries.filter((e) => e.action === "create" || e.action === "retry");
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    create: count("create"),
    retry: count("retry"),
    cancel: count("cancel"),
    updateRecall: count("update-recall"),
    move: count("move"),
    unchanged: count("unchanged"),
    blocked: count("blocked"),
    orphaned: count("orphaned"),
    unknown: count("unknown"),
    campaigns: entries.filter((e) => e.action !== "orphaned").length,
    recipientsToSubmit: toSubmit.reduce((n, e) => n + e.recipients, 0),
    hasChanges: toSubmit.length + count("cancel") + count("update-recall") + count("move") > 0,
    errors,
    warnings: findings.length - errors,
    ...(entries.some((e) => e.estimate) ? { estimate: estimateTotal(entries) } : {}),
  };
}

/** The estimates of creates and recall-flow updates together: a sum only where every one is known and in one currency. */
function estimateTotal(entries: readonly PlanEntry[]): CostEstimateTotal {
  const estimates = entries.flatMap((e) => (e.estimate ? [e.estimate] : []));
  const currencies = new Set(estimates.map((e) => e.currency));
  const currency = currencies.size === 1 ? [...currencies][0]! : null;
  const sum = (pick: (e: (typeof estimates)[number]) => number | null): number | null =>
    currency === null || estimates.some((e) => pick(e) === null)
      ? null
      : round(estimates.reduce((n, e) => n + pick(e)!, 0));
  const ends = estimates.map((e) => e.lastCallBy.expected).sort();
  return {
    currency,
    campaigns: estimates.length,
    expected: sum((e) => e.cost.expected),
    worst: sum((e) => e.cost.worst),
    lastCallBy: ends[ends.length - 1] ?? null,
  };
}
