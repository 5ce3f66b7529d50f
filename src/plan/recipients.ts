import { contains, difference } from "../campaigns/number-set.js";
import { epochMsToWallTime } from "../campaigns/platform-time.js";
import { maskPhoneNumber } from "../privacy/index.js";
import type { AppliedState, Diagnostic, RecipientDiff } from "../schema/generated/index.js";
import { firstRingAt } from "./calling-hours.js";
import type { DesiredCampaign } from "./desired.js";
import { lastOfSeries } from "./guards.js";

/**
 * Who a campaign calls compared with the previous submitted campaign of its series. The state
 * keeps no numbers (only counts and hashes), so the comparison needs that campaign still declared.
 */
export function recipientDiff(
  desired: DesiredCampaign,
  declared: ReadonlyMap<string, DesiredCampaign>,
  state: AppliedState | undefined,
): RecipientDiff | undefined {
  if (desired.series === undefined) return undefined;
  const previous = lastOfSeries(state, desired.series, desired.taskName);
  if (!previous) return undefined;
  const before = declared.get(previous.name);
  if (!before) return { against: previous.name, available: false };
  const added = difference(desired.numbers, before.numbers);
  const removed = difference(before.numbers, desired.numbers);
  return {
    against: previous.name,
    available: true,
    added: added.onlyCount,
    removed: removed.onlyCount,
    kept: added.common,
    addedSample: added.only.map(masked),
    removedSample: removed.only.map(masked),
  };
}

const masked = (n: number): string => maskPhoneNumber(String(n));

/**
 * The same number in two campaigns of this plan that start on the same day (platform calendar):
 * one warning per pair, with how many numbers and one masked example.
 */
export function crossCampaignDuplicates(
  toSubmit: readonly DesiredCampaign[],
  platformTimeZone: string,
  now: number,
): Diagnostic[] {
  const byDay = new Map<string, DesiredCampaign[]>();
  for (const desired of toSubmit) {
    const day = epochMsToWallTime(firstRingAt(desired, platformTimeZone, now), platformTimeZone).slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), desired]);
  }
  const findings: Diagnostic[] = [];
  for (const [day, campaigns] of byDay) {
    if (campaigns.length < 2) continue;
    for (const pair of sharedNumbers(campaigns)) {
      const [first, second] = [campaigns[pair.first]!, campaigns[pair.second]!];
      findings.push({
        severity: "warning",
        code: "duplicate-across-campaigns",
        message: `"${second.taskName}" and "${first.taskName}" would both call ${pair.count} number${pair.count === 1 ? "" : "s"} on ${day} (e.g. ${masked(pair.example)})`,
        hint: "remove the numbers from one of them unless calling twice that day is intended",
        file: second.source.file,
        line: second.source.line,
        column: 1,
        related: [
          {
            file: first.source.file,
            line: first.source.line,
            column: 1,
            message: `"${first.taskName}" is declared here`,
          },
        ],
      });
    }
  }
  return findings;
}

interface SharedPair {
  first: number;
  second: number;
  count: number;
  example: number;
}

/**
 * Which campaigns share numbers: all their numbers in one typed array, sorted natively, and
 * neighbours compared; only a repeated number is then looked up in each campaign. A day with a
 * thousand campaigns and a million numbers costs one sort, not one comparison per pair.
 */
function sharedNumbers(campaigns: readonly DesiredCampaign[]): SharedPair[] {
  const all = new Float64Array(campaigns.reduce((n, c) => n + c.numbers.length, 0));
  let offset = 0;
  for (const campaign of campaigns) {
    all.set(campaign.numbers, offset);
    offset += campaign.numbers.length;
  }
  all.sort();
  const pairs = new Map<string, SharedPair>();
  for (let i = 1; i < all.length; i++) {
    const value = all[i]!;
    if (value !== all[i - 1] || value === all[i + 1]) continue; // once per repeated number, at its last copy
    const owners = campaigns.flatMap((c, index) => (contains(c.numbers, value) ? [index] : []));
    for (const second of owners.slice(1)) {
      const key = `${owners[0]} ${second}`;
      const pair = pairs.get(key);
      if (pair) pair.count++;
      else pairs.set(key, { first: owners[0]!, second, count: 1, example: value });
    }
  }
  return [...pairs.values()];
}
