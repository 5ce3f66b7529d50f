import type { AppliedState, OutcomesReport } from "../schema/generated/index.js";
import { campaignOf } from "./outcomes.js";
import type { TaskAggregate, TimelineRow } from "./store.js";

/** One round of a campaign: 0 the first, 1… its recall rounds; null where the reports did not say which. */
export interface RoundCalls {
  round: number | null;
  calls: number;
  connected: number;
}

/** Calls that hung up in one hour (epoch ms of its start, UTC). */
export interface HourCalls {
  hour: number;
  calls: number;
  connected: number;
}

export interface CampaignDetails {
  rounds: RoundCalls[];
  timeline: HourCalls[];
}

/** What the HTML report shows: the outcomes, and per campaign (by taskName) its rounds and calls over time. */
export interface DetailedOutcomes {
  report: OutcomesReport;
  details: ReadonlyMap<string, CampaignDetails>;
  /** When the report was made, ISO 8601. */
  generatedAt: string;
}

/**
 * What the HTML report draws besides the totals: calls per round and per hour, per campaign, with
 * reports given to campaigns exactly as `campaignOutcomes` gives them.
 */
export function campaignDetails(
  aggregates: readonly TaskAggregate[],
  timeline: readonly TimelineRow[],
  state: AppliedState | undefined,
  byCallee: ReadonlyMap<string, string> = new Map(),
): Map<string, CampaignDetails> {
  const nameOf = campaignOf(state, byCallee);
  const rounds = new Map<string, Map<number | null, RoundCalls>>();
  const hours = new Map<string, Map<number, HourCalls>>();
  for (const row of aggregates) {
    const name = nameOf(row);
    if (name === undefined) continue;
    // A report of a recall task that does not say its round is a recall round all the same.
    const round = row.recallRound ?? (row.sourceTaskId === null ? 0 : null);
    const entry = slot(rounds, name, round, () => ({ round, calls: 0, connected: 0 }));
    entry.calls += row.calls;
    if (row.outcome === "connected") entry.connected += row.calls;
  }
  for (const row of timeline) {
    const name = nameOf(row);
    if (name === undefined) continue;
    const entry = slot(hours, name, row.hour, () => ({ hour: row.hour, calls: 0, connected: 0 }));
    entry.calls += row.calls;
    if (row.outcome === "connected") entry.connected += row.calls;
  }
  const details = new Map<string, CampaignDetails>();
  for (const name of new Set([...rounds.keys(), ...hours.keys()])) {
    details.set(name, {
      rounds: [...(rounds.get(name)?.values() ?? [])].sort((a, b) => (a.round ?? Infinity) - (b.round ?? Infinity)),
      timeline: [...(hours.get(name)?.values() ?? [])].sort((a, b) => a.hour - b.hour),
    });
  }
  return details;
}

function slot<K, V>(outer: Map<string, Map<K, V>>, name: string, key: K, make: () => V): V {
  let inner = outer.get(name);
  if (!inner) outer.set(name, (inner = new Map()));
  let value = inner.get(key);
  if (value === undefined) inner.set(key, (value = make()));
  return value;
}
