import { ASSUMED_MAX_CALL_SECONDS_WHEN_UNSET } from "../laaffic/assumptions.js";
import type {
  CostEstimate,
  EstimateInput,
  ForecastConfig,
  PricingConfig,
  RoundTime,
} from "../schema/generated/index.js";
import type { DesiredCampaign } from "./desired.js";
import { dialsPerMinuteOf, firstRingAt, roundsOf, type RoundClock } from "./rounds.js";

/** What the forecast assumes where neither the series' history nor the config tells: named in the plan. */
export const FORECAST_ASSUMPTIONS = {
  connectRate: 0.5,
  averageCallSeconds: 60,
  billingIncrement: 60,
} as const;

/** Fewer reports than this are no history to forecast from: the config's figures (or the assumptions) are used. */
export const MIN_HISTORY_CALLS = 20;

/** What the report store tells of a series (campaigns sharing a description), from reports attributed to its tasks. */
export interface SeriesHistory {
  /** Every attempt reported (first rounds and recall rounds). */
  calls: number;
  connected: number;
  /** Billed line seconds of the connected calls. */
  billedSeconds: number;
  /** Attempts reported for recall rounds. */
  recallCalls: number;
  /** Recipients × recall rounds of the series' campaigns whose reports are counted: what recallCalls is a share of. */
  recallOpportunities: number;
  /** The one currency its reports were billed in; null when none or several. */
  currency: string | null;
  /** Line and AI-agent cost per billed line minute, by callee country (ISO 3166 alpha-2). */
  pricePerMinute: ReadonlyMap<string, number>;
}

export interface EstimateSettings {
  pricing: PricingConfig | undefined;
  forecast: ForecastConfig;
  /** By series (description). */
  history: ReadonlyMap<string, SeriesHistory>;
  clock: RoundClock;
}

const input = (value: number | null, source: EstimateInput["source"]): EstimateInput => ({ value, source });

/**
 * The expected cost and finish of one create, next to its worst case (every callee, every round,
 * maxCalls seconds each). Pure: the history comes in as data.
 */
export function estimateOf(
  desired: DesiredCampaign,
  settings: EstimateSettings,
  options: { recallRoundsOnly?: boolean } = {},
): CostEstimate {
  const { pricing, forecast, clock } = settings;
  const found = desired.series !== undefined ? settings.history.get(desired.series) : undefined;
  const history = found && found.calls >= MIN_HISTORY_CALLS ? found : undefined;
  const recall = desired.body.recallFlow;
  const recipients = desired.recipients;

  const connectRate = history
    ? input(history.connected / history.calls, "history")
    : forecast.connectRate !== undefined
      ? input(forecast.connectRate, "config")
      : input(FORECAST_ASSUMPTIONS.connectRate, "assumed");
  const c = connectRate.value!;
  // The share of the audience each recall round calls again.
  const recallFraction = !recall
    ? input(null, "config")
    : history && history.recallOpportunities > 0
      ? input(Math.min(1, history.recallCalls / history.recallOpportunities), "history")
      : recall.recallType === 0
        ? input(1, "config")
        : input(1 - c, connectRate.source);
  const shareOfRound = (k: number): number =>
    !recall || k === 0
      ? 1
      : recallFraction.source === "history" || recall.recallType === 0
        ? recallFraction.value!
        : (1 - c) ** k;
  const roundCount = 1 + (recall?.recallNum ?? 0);
  // Attempts each round dials (for its times); an updated recall flow costs only its recall rounds.
  const dialled = Array.from({ length: roundCount }, (_, k) => recipients * shareOfRound(k));
  const attempts = options.recallRoundsOnly ? [0, ...dialled.slice(1)] : dialled;

  const maxCallSeconds = desired.body.maxCalls ?? ASSUMED_MAX_CALL_SECONDS_WHEN_UNSET;
  const averageCallSeconds =
    history && history.connected > 0
      ? input(history.billedSeconds / history.connected, "history")
      : forecast.averageCallSeconds !== undefined
        ? input(forecast.averageCallSeconds, "config")
        : input(FORECAST_ASSUMPTIONS.averageCallSeconds, "assumed");
  const billingIncrement =
    pricing?.billingIncrement !== undefined
      ? input(pricing.billingIncrement, "config")
      : input(FORECAST_ASSUMPTIONS.billingIncrement, "assumed");
  const increment = billingIncrement.value!;
  const billed = (seconds: number): number => Math.ceil(seconds / increment) * increment;

  const expectedAttempts = attempts.reduce((a, b) => a + b, 0);
  const worstAttempts = recipients * (options.recallRoundsOnly ? roundCount - 1 : roundCount);
  const expectedMinutes = (expectedAttempts * c * billed(Math.min(averageCallSeconds.value!, maxCallSeconds))) / 60;
  const worstMinutes = (worstAttempts * billed(maxCallSeconds)) / 60;

  const currency = pricing?.currency ?? history?.currency ?? null;
  const historyPrices = history && history.currency === currency ? history.pricePerMinute : undefined;
  const prices = Object.keys(desired.countries)
    .sort()
    .map((country) => {
      const fromHistory = historyPrices?.get(country);
      const configured =
        pricing && Object.hasOwn(pricing.perMinute, country)
          ? pricing.perMinute[country]! + (pricing.aiAgentPerMinute ?? 0)
          : undefined;
      // The worst case never takes a history cheaper than the configured price (reports may carry no
      // cost at all): a budget guard must not pass on what one series happened to pay.
      if (fromHistory !== undefined)
        return {
          country,
          perMinute: round(fromHistory),
          source: "history" as const,
          ...(configured !== undefined && configured > fromHistory ? { worstPerMinute: round(configured) } : {}),
        };
      return configured !== undefined
        ? { country, perMinute: round(configured), source: "config" as const }
        : { country, perMinute: null, source: "none" as const };
    });
  const unpriced = prices.filter((p) => p.perMinute === null).map((p) => p.country);
  // Minutes fall on each country as its callees do.
  const costOf = (minutes: number, price: (p: (typeof prices)[number]) => number): number | null =>
    currency === null || unpriced.length > 0 || recipients === 0
      ? null
      : round(prices.reduce((sum, p) => sum + (minutes * desired.countries[p.country]! * price(p)) / recipients, 0));
  const expectedPrice = (p: (typeof prices)[number]): number => p.perMinute!;
  const worstPrice = (p: (typeof prices)[number]): number =>
    "worstPerMinute" in p && p.worstPerMinute !== undefined ? p.worstPerMinute : p.perMinute!;

  const rounds = expectedRounds(desired, clock, dialled);
  const worstRounds = roundsOf(desired, clock);
  return {
    currency,
    attempts: { expected: round(expectedAttempts), worst: worstAttempts },
    billedMinutes: { expected: round(expectedMinutes), worst: round(worstMinutes) },
    cost: { expected: costOf(expectedMinutes, expectedPrice), worst: costOf(worstMinutes, worstPrice) },
    lastCallBy: {
      expected: rounds[rounds.length - 1]!.end,
      worst: new Date(worstRounds[worstRounds.length - 1]!.end).toISOString(),
    },
    timeZone: calleeZone(desired) ?? clock.platformTimeZone,
    rounds: rounds.map((r, k) => ({ attempts: round(dialled[k]!), ...r })),
    basis: {
      connectRate: roundInput(connectRate),
      recallFraction: roundInput(recallFraction),
      averageCallSeconds: roundInput(averageCallSeconds),
      billingIncrement,
      prices,
      ...(history ? { historyCalls: history.calls } : {}),
    },
    unpriced,
  };
}

/** Round k dials its expected attempts at the campaign's pace, recallInterval after round k−1 ends. */
function expectedRounds(desired: DesiredCampaign, clock: RoundClock, attempts: readonly number[]): RoundTime[] {
  const pace = dialsPerMinuteOf(desired, clock.dialsPerMinute);
  const interval = (desired.body.recallFlow?.recallInterval ?? 0) * 60_000;
  let start = firstRingAt(desired, clock.platformTimeZone, clock.now);
  return attempts.map((n, k) => {
    if (k > 0) start += interval;
    const end = start + Math.ceil((n * 60_000) / pace);
    const times = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
    start = end;
    return times;
  });
}

/** The one zone every callee is in (a number that does not tell: the campaign's timezone), when they share one. */
function calleeZone(desired: DesiredCampaign): string | undefined {
  const zones = new Set(desired.zoneGroups.map((g) => (g.zones.length === 1 ? g.zones[0] : desired.timezone)));
  return zones.size === 1 ? [...zones][0] : undefined;
}

/** Amounts and rates to 4 decimals, as the plan carries them. */
export const round = (n: number): number => Math.round(n * 10_000) / 10_000;
const roundInput = (i: EstimateInput): EstimateInput => (i.value === null ? i : { ...i, value: round(i.value) });
