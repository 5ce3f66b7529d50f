import type { AppliedState, Diagnostic, GuardsConfig } from "../schema/generated/index.js";
import { callingHoursFindings } from "./calling-hours.js";
import type { DesiredCampaign } from "./desired.js";
import { ownEntry } from "./by-name.js";
import { estimateOf, type EstimateSettings } from "./estimate.js";
import { ASSUMED_MAX_CALL_SECONDS_WHEN_UNSET } from "../laaffic/assumptions.js";

/**
 * Every guard on what is about to be submitted: at plan time, and again right before apply's
 * first request with apply's clock (a plan approved at 17:00 may be applied at 21:30).
 */
export function guardFindings(input: GuardInput & { now: number }): Diagnostic[] {
  return [...blastRadiusFindings(input), ...budgetFindings(input), ...callingHoursOf(input, input.toSubmit)];
}

/**
 * Only the guards whose answer depends on the clock, for a check with the config the plan was
 * made with: the calling hours of immediate sends (their rounds start now) and of recall-flow
 * updates. Sizes and scheduled sends cannot have changed.
 */
export function clockGuardFindings(input: GuardInput & { now: number }): Diagnostic[] {
  return callingHoursOf(
    input,
    input.toSubmit.filter((d) => !d.body.sendTime),
  );
}

function callingHoursOf(input: GuardInput & { now: number }, toSubmit: readonly DesiredCampaign[]): Diagnostic[] {
  const toUpdate = (input.toUpdate ?? []).map((desired) => ({
    desired,
    startedAt: submittedAtOf(input.state, desired.taskName, input.now),
  }));
  return callingHoursFindings({
    toSubmit,
    toUpdate,
    callingHours: input.guards.callingHours,
    platformTimeZone: input.platformTimeZone,
    now: input.now,
    dialsPerMinute: input.guards.dialsPerMinute,
  });
}

/** When a submitted campaign's first round began: its submission (an immediate send), as the state recorded it. */
export function submittedAtOf(state: AppliedState | undefined, taskName: string, now: number): number {
  const at = Date.parse(ownEntry(state?.campaigns, taskName)?.submittedAt ?? "");
  return Number.isFinite(at) ? at : now;
}

export interface GuardInput {
  /** The campaigns this plan or apply would submit. */
  toSubmit: readonly DesiredCampaign[];
  /** Submitted campaigns whose pending recall flow this plan or apply would update: their recall rounds ring as updated. */
  toUpdate?: readonly DesiredCampaign[];
  state: AppliedState | undefined;
  guards: GuardsConfig;
  /** Where the guards are configured, for findings that belong to no campaign. */
  guardsAt(key: keyof GuardsConfig): { file: string; line: number; column: number };
  /** --allow-large: limits are reported as warnings instead of errors. */
  allowLarge: boolean;
  /** The zone sendTime is written in (api.timezone), for the calling-hours guard. */
  platformTimeZone: string;
  /** Prices, forecast and the series' history, for the budget guards (and the plan's estimates). */
  costs?: CostSettings;
}

export type CostSettings = Omit<EstimateSettings, "clock">;

/** No prices, no forecast, no history: durations and finish times only. */
export const NO_COSTS: CostSettings = { pricing: undefined, forecast: {}, history: new Map() };

/** Blast-radius guards: how many people one campaign, one apply, or one series step may call. */
export function blastRadiusFindings(input: GuardInput): Diagnostic[] {
  const { guards } = input;
  const findings: Diagnostic[] = [];
  const report = sizeLimitReporter(input, findings);
  for (const desired of input.toSubmit) {
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    if (guards.maxRecipientsPerCampaign !== undefined && desired.recipients > guards.maxRecipientsPerCampaign) {
      report(
        "blast-radius-campaign",
        `"${desired.taskName}" would call ${desired.recipients} recipients; guards.maxRecipientsPerCampaign is ${guards.maxRecipientsPerCampaign}`,
        at,
      );
    }
    const previous =
      desired.series === undefined ? undefined : lastOfSeries(input.state, desired.series, desired.taskName);
    if (guards.maxGrowthPercent !== undefined && previous && previous.recipients > 0) {
      const growth = ((desired.recipients - previous.recipients) / previous.recipients) * 100;
      if (growth > guards.maxGrowthPercent) {
        report(
          "blast-radius-growth",
          `"${desired.taskName}" would call ${desired.recipients} recipients, ${Math.round(growth)}% more than "${previous.name}" (${previous.recipients}) of the same series; guards.maxGrowthPercent is ${guards.maxGrowthPercent}`,
          at,
        );
      }
    }
  }
  const total = input.toSubmit.reduce((n, d) => n + d.recipients, 0);
  if (guards.maxRecipientsPerApply !== undefined && total > guards.maxRecipientsPerApply) {
    report(
      "blast-radius-apply",
      `this apply would call ${total} recipients in ${input.toSubmit.length} campaigns; guards.maxRecipientsPerApply is ${guards.maxRecipientsPerApply}`,
      input.guardsAt("maxRecipientsPerApply"),
    );
  }
  return findings;
}

export function lastOfSeries(
  state: AppliedState | undefined,
  series: string,
  except: string,
): { name: string; recipients: number } | undefined {
  let best: { name: string; recipients: number; at: string } | undefined;
  for (const [name, c] of Object.entries(state?.campaigns ?? {})) {
    if (name === except || c.series !== series || c.status !== "submitted" || !c.submittedAt) continue;
    if (!best || c.submittedAt > best.at) best = { name, recipients: c.recipients, at: c.submittedAt };
  }
  return best;
}

type At = { file: string; line: number; column: number };

/** A size limit passed: an error, or with --allow-large a warning that says so. */
function sizeLimitReporter(
  input: GuardInput,
  findings: Diagnostic[],
): (code: string, message: string, at: At, hint?: string) => void {
  return (code, message, at, hint) =>
    findings.push({
      severity: input.allowLarge ? "warning" : "error",
      code,
      message: input.allowLarge ? `${message} — allowed by --allow-large` : message,
      hint: input.allowLarge
        ? "the plan records that it was made with --allow-large; apply must be run with it too"
        : (hint ?? "split the campaign, or, when this size is intended, plan and apply with --allow-large"),
      ...at,
    });
}

/**
 * Budget guards, on the worst case (every callee, every round, maxCalls seconds each) in
 * pricing.currency. A worst case that cannot be priced cannot be shown to be within the budget:
 * it is reported like one that is not.
 */
export function budgetFindings(input: GuardInput & { now: number }): Diagnostic[] {
  const { guards } = input;
  if (guards.maxCostPerCampaign === undefined && guards.maxCostPerApply === undefined) return [];
  const findings: Diagnostic[] = [];
  const report = sizeLimitReporter(input, findings);
  const costs = input.costs ?? NO_COSTS;
  const clock = { platformTimeZone: input.platformTimeZone, now: input.now, dialsPerMinute: guards.dialsPerMinute };
  const pricing = costs.pricing;
  // A budget without prices is a config mistake, not a size to allow: never waived by --allow-large.
  if (pricing === undefined)
    return [
      {
        severity: "error",
        code: "budget-without-pricing",
        message: `guards.${guards.maxCostPerApply !== undefined ? "maxCostPerApply" : "maxCostPerCampaign"} is set but there is no pricing (currency and perMinute), so no budget can be checked`,
        hint: "add pricing: { currency, perMinute: { <country>: <price of a billed minute> } } to the config",
        ...input.guardsAt(guards.maxCostPerApply !== undefined ? "maxCostPerApply" : "maxCostPerCampaign"),
      },
    ];
  const currency = pricing.currency;
  const money = (n: number): string => `${n.toFixed(2)} ${currency}`;
  const unpricedHint = "set pricing.currency and a price in pricing.perMinute for every callee country";
  const judged = [
    ...input.toSubmit.map((desired) => ({ desired, recallRoundsOnly: false, startedAt: input.now })),
    // An updated recall flow rings again: its rounds as updated are priced like a create's.
    ...(input.toUpdate ?? []).map((desired) => ({
      desired,
      recallRoundsOnly: true,
      startedAt: submittedAtOf(input.state, desired.taskName, input.now),
    })),
  ];
  const worst = judged.map(({ desired, recallRoundsOnly, startedAt }) => {
    const estimate = estimateOf(desired, { ...costs, clock: { ...clock, now: startedAt } }, { recallRoundsOnly });
    // Every country needs its configured price: the history alone (what one series happened to pay,
    // read again or not at apply) is no ground for a budget.
    const unconfigured = Object.keys(desired.countries).filter((c) => !Object.hasOwn(pricing.perMinute, c));
    const cost = estimate.currency === currency && unconfigured.length === 0 ? estimate.cost.worst : null;
    const what = recallRoundsOnly ? `the updated recall flow of "${desired.taskName}"` : `"${desired.taskName}"`;
    return { desired, what, estimate, unconfigured, cost };
  });
  for (const { desired, what, estimate, unconfigured, cost } of worst) {
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    if (guards.maxCostPerCampaign === undefined) continue;
    if (cost === null)
      report(
        "blast-radius-cost-unpriced",
        `${what}: its worst case cannot be priced (${whyUnpriced(unconfigured, currency)}), so guards.maxCostPerCampaign cannot be checked`,
        at,
        unpricedHint,
      );
    else if (cost > guards.maxCostPerCampaign)
      report(
        "blast-radius-cost-campaign",
        `${what} could cost up to ${money(cost)} (${estimate.attempts.worst} attempts × ${desired.body.maxCalls ?? ASSUMED_MAX_CALL_SECONDS_WHEN_UNSET} s, every round); guards.maxCostPerCampaign is ${money(guards.maxCostPerCampaign)}`,
        at,
      );
  }
  if (guards.maxCostPerApply !== undefined && worst.length > 0) {
    const unpriced = worst.filter((w) => w.cost === null);
    const total = worst.reduce((sum, w) => sum + (w.cost ?? 0), 0);
    if (unpriced.length > 0)
      report(
        "blast-radius-cost-unpriced",
        `this apply's worst case cannot be priced (${unpriced.length} campaign(s), e.g. "${unpriced[0]!.desired.taskName}": ${whyUnpriced(unpriced[0]!.unconfigured, currency)}), so guards.maxCostPerApply cannot be checked`,
        input.guardsAt("maxCostPerApply"),
        unpricedHint,
      );
    else if (total > guards.maxCostPerApply)
      report(
        "blast-radius-cost-apply",
        `this apply could cost up to ${money(total)} in ${worst.length} campaign${worst.length === 1 ? "" : "s"} (worst case); guards.maxCostPerApply is ${money(guards.maxCostPerApply)}`,
        input.guardsAt("maxCostPerApply"),
      );
  }
  return findings;
}

function whyUnpriced(countries: readonly string[], currency: string): string {
  return countries.length > 0
    ? `no price for ${countries.join(", ")} in pricing.perMinute`
    : `not in ${currency}: its history is billed in another currency`;
}
