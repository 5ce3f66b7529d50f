import { epochMsToWallTime, wallTimeToEpochMs } from "../campaigns/platform-time.js";
import type { CallingHours, CallingWindow, Diagnostic } from "../schema/generated/index.js";
import type { DesiredCampaign } from "./desired.js";

export const DEFAULT_CALLING_HOURS: CallingWindow = { start: "08:00", end: "21:00" };

export interface CallingHoursInput {
  toSubmit: readonly DesiredCampaign[];
  /** guards.callingHours: undefined = the default window, false = off. */
  callingHours: false | CallingHours | undefined;
  /** The zone sendTime is written in (api.timezone). */
  platformTimeZone: string;
  /** The plan's or apply's clock: when an immediate send would start. */
  now: number;
}

/**
 * The first ring of each campaign, in every callee's local time: outside the window (or in an
 * unknown zone with no campaign `timezone`) is an error. Checked at plan time and again right
 * before apply's first request, when an immediate send is checked against that moment.
 */
export function callingHoursFindings(input: CallingHoursInput): Diagnostic[] {
  if (input.callingHours === false) return [];
  const hours = input.callingHours ?? {};
  const findings: Diagnostic[] = [];
  for (const desired of input.toSubmit) {
    const sendTime = desired.body.sendTime;
    const start = firstRingAt(desired, input.platformTimeZone, input.now);
    const when = sendTime ? `sendTime ${sendTime} (${input.platformTimeZone})` : `an immediate send (now, ${epochMsToWallTime(input.now, input.platformTimeZone)} ${input.platformTimeZone})`;
    const at = { file: desired.source.file, line: desired.source.line, column: 1, field: "/sendTime" };
    const problem = firstProblem(desired, hours, start);
    if (!problem) continue;
    if (problem.kind === "unknown-zone") {
      findings.push({
        severity: "error",
        code: "calling-hours-unknown-zone",
        message: `"${desired.taskName}": the local time of ${problem.recipients} recipient${problem.recipients === 1 ? "" : "s"} (${problem.country ?? "no known country"}, e.g. ${problem.example}) cannot be told from the number, so the calling-hours guard cannot clear ${when}`,
        hint: "set timezone: <IANA zone> on the campaign when you know where these callees are, or remove the numbers",
        ...at,
      });
      continue;
    }
    findings.push({
      severity: "error",
      code: "calling-hours",
      message: `"${desired.taskName}" would start ringing at ${problem.localTime} local time in ${problem.country ?? "a non-geographic range"} (${problem.zone}, ${problem.recipients} recipient${problem.recipients === 1 ? "" : "s"}, e.g. ${problem.example}), outside the calling hours ${problem.window.start}–${problem.window.end} — ${when}`,
      hint: "move sendTime into the window for every callee (or split the campaign by time zone); the window is guards.callingHours in the config",
      ...at,
    });
  }
  return findings;
}

/** When a campaign starts ringing: its sendTime (in the platform's zone), or now for an immediate send. */
export function firstRingAt(desired: DesiredCampaign, platformTimeZone: string, now: number): number {
  return desired.body.sendTime ? wallTimeToEpochMs(desired.body.sendTime, platformTimeZone) : now;
}

type Problem =
  | { kind: "unknown-zone"; country: string | undefined; recipients: number; example: string }
  | { kind: "outside"; country: string | undefined; zone: string; localTime: string; window: CallingWindow; recipients: number; example: string };

function firstProblem(desired: DesiredCampaign, hours: CallingHours, start: number): Problem | undefined {
  // Biggest groups first: the finding names the country most of the campaign is in.
  const groups = [...desired.zoneGroups].sort((a, b) => b.recipients - a.recipients);
  for (const group of groups) {
    // A number that tells no zone, or several, is taken to be in the campaign's timezone if it names one.
    const zones = group.zones.length === 1 || !desired.timezone ? group.zones : [desired.timezone];
    if (zones.length === 0) return { kind: "unknown-zone", country: group.country, recipients: group.recipients, example: group.example };
    const window = (group.country && hours.countries?.[group.country]) || { start: hours.start ?? DEFAULT_CALLING_HOURS.start, end: hours.end ?? DEFAULT_CALLING_HOURS.end };
    for (const zone of zones) {
      const localTime = epochMsToWallTime(start, zone).slice(11, 16);
      if (!inside(localTime, window)) return { kind: "outside", country: group.country, zone, localTime, window, recipients: group.recipients, example: group.example };
    }
  }
  return undefined;
}

/** HH:mm strings compare as times; an end before the start spans midnight. */
function inside(time: string, window: CallingWindow): boolean {
  return window.start <= window.end ? time >= window.start && time < window.end : time >= window.start || time < window.end;
}
