import type { AppliedState, Diagnostic, GuardsConfig } from "../schema/generated/index.js";
import { callingHoursFindings } from "./calling-hours.js";
import type { DesiredCampaign } from "./desired.js";
import { ownEntry } from "./by-name.js";

/**
 * Every guard on what is about to be submitted: at plan time, and again right before apply's
 * first request with apply's clock (a plan approved at 17:00 may be applied at 21:30).
 */
export function guardFindings(input: GuardInput & { now: number }): Diagnostic[] {
  return [...blastRadiusFindings(input), ...callingHoursOf(input, input.toSubmit)];
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
}

/** Blast-radius guards: how many people one campaign, one apply, or one series step may call. */
export function blastRadiusFindings(input: GuardInput): Diagnostic[] {
  const { guards } = input;
  const findings: Diagnostic[] = [];
  const report = (code: string, message: string, at: { file: string; line: number; column: number }): void => {
    findings.push({
      severity: input.allowLarge ? "warning" : "error",
      code,
      message: input.allowLarge ? `${message} — allowed by --allow-large` : message,
      hint: input.allowLarge
        ? "the plan records that it was made with --allow-large; apply must be run with it too"
        : "split the campaign, or, when this size is intended, plan and apply with --allow-large",
      ...at,
    });
  };
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
