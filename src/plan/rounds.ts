import { wallTimeToEpochMs } from "../campaigns/platform-time.js";
import type { PlannedRounds } from "../schema/generated/index.js";
import type { DesiredCampaign } from "./desired.js";

import { ASSUMED_DIALS_PER_MINUTE_PER_CALLOUT_RATE } from "../laaffic/assumptions.js";

// The pacing assumption lives with the others (laaffic/assumptions.ts). Everything that needs
// how long a round lasts goes through roundsOf below.
export { ASSUMED_DIALS_PER_MINUTE_PER_CALLOUT_RATE };

/** When one round may ring: from its earliest start to its latest end (epoch ms, end exclusive). */
export interface Round {
  /** 0 = the first round, k = recall round k. */
  index: number;
  start: number;
  end: number;
}

export interface RoundClock {
  /** The zone sendTime is written in (api.timezone). */
  platformTimeZone: string;
  /** The plan's or apply's clock: when an immediate send starts. */
  now: number;
  /** guards.dialsPerMinute */
  dialsPerMinute: number | undefined;
}

export function dialsPerMinuteOf(desired: DesiredCampaign, configured: number | undefined): number {
  return configured ?? ASSUMED_DIALS_PER_MINUTE_PER_CALLOUT_RATE * (desired.body.calloutRate ?? 1);
}

/**
 * Round 0 starts at sendTime (or now) and lasts recipients ÷ dialsPerMinute. Recall round k
 * starts recallInterval minutes after round k−1 ends. Who is recalled is unknown at plan time,
 * so a recall round spans from its earliest start (every round before it recalled nobody) to its
 * latest end (every round recalled everyone): a guard that clears the span clears every case.
 */
export function roundsOf(desired: DesiredCampaign, clock: RoundClock): Round[] {
  const start = firstRingAt(desired, clock.platformTimeZone, clock.now);
  const span = Math.ceil((desired.recipients * 60_000) / dialsPerMinuteOf(desired, clock.dialsPerMinute));
  const rounds: Round[] = [{ index: 0, start, end: start + span }];
  const recall = desired.body.recallFlow;
  if (!recall) return rounds;
  const interval = recall.recallInterval * 60_000;
  for (let k = 1; k <= recall.recallNum; k++)
    rounds.push({ index: k, start: start + span + k * interval, end: start + (k + 1) * span + k * interval });
  return rounds;
}

/** The rounds as the plan's JSON carries them (UTC instants; the text plan shows them in the platform zone). */
export function plannedRounds(desired: DesiredCampaign, clock: RoundClock): PlannedRounds {
  return {
    timeZone: clock.platformTimeZone,
    dialsPerMinute: dialsPerMinuteOf(desired, clock.dialsPerMinute),
    dialsPerMinuteAssumed: clock.dialsPerMinute === undefined,
    times: roundsOf(desired, clock).map((r) => ({
      start: new Date(r.start).toISOString(),
      end: new Date(r.end).toISOString(),
    })),
  };
}

/** When a campaign starts ringing: its sendTime (in the platform's zone), or now for an immediate send. */
export function firstRingAt(desired: DesiredCampaign, platformTimeZone: string, now: number): number {
  return desired.body.sendTime ? wallTimeToEpochMs(desired.body.sendTime, platformTimeZone) : now;
}

/** "the first round" / "recall round 2", as findings name them. */
export const roundName = (index: number): string => (index === 0 ? "the first round" : `recall round ${index}`);
