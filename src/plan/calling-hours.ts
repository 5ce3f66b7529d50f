import type { ZoneGroup } from "../campaigns/audience.js";
import { epochMsToWallTime } from "../campaigns/platform-time.js";
import type { CallingHours, Diagnostic } from "../schema/generated/index.js";
import type { DesiredCampaign } from "./desired.js";
import { clockOf, dateOf, dayOf, firstForbidden, weekday, type CallingRules, type Forbidden } from "./local-clock.js";
import { dialsPerMinuteOf, roundName, roundsOf, type Round, type RoundClock } from "./rounds.js";

export { firstRingAt } from "./rounds.js";

export const DEFAULT_CALLING_HOURS = { start: "08:00", end: "21:00" } as const;

export interface CallingHoursInput extends RoundClock {
  toSubmit: readonly DesiredCampaign[];
  /** Recall-flow updates of submitted campaigns: only their recall rounds are checked, timed from the task's real start. */
  toUpdate?: readonly { desired: DesiredCampaign; startedAt: number }[];
  /** guards.callingHours: undefined = the default window, false = off. */
  callingHours: false | CallingHours | undefined;
}

/**
 * Every round of each campaign (the first and each recall round), in every callee zone of its
 * audience: a minute outside the window, on a weekday not allowed or on a blackout date (or a
 * zone that cannot be told, with no campaign `timezone`) is an error. Checked at plan time and
 * again right before apply's first request, when an immediate send starts at that moment.
 * Works on the campaign's handful of zones, never per recipient.
 */
export function callingHoursFindings(input: CallingHoursInput): Diagnostic[] {
  if (input.callingHours === false) return [];
  const rulesOf = countryRules(input.callingHours ?? {});
  const findings: Diagnostic[] = [];
  for (const desired of input.toSubmit) {
    const finding = campaignFinding(desired, rulesOf, input, false);
    if (finding) findings.push(finding);
  }
  // An update changes only what is still to come: the recall rounds (the first round has rung or is ringing).
  for (const { desired, startedAt } of input.toUpdate ?? []) {
    const finding = campaignFinding(desired, rulesOf, { ...input, now: startedAt }, true);
    if (finding) findings.push(finding);
  }
  return findings;
}

function campaignFinding(
  desired: DesiredCampaign,
  rulesOf: (country: string | undefined) => Rules,
  input: CallingHoursInput,
  update: boolean,
): Diagnostic | undefined {
  const at = { file: desired.source.file, line: desired.source.line, column: 1 };
  // Only a finding needs it (Intl is not asked once per campaign for nothing).
  const sent = (): string =>
    desired.body.sendTime
      ? `sendTime ${desired.body.sendTime} (${input.platformTimeZone})`
      : `${update ? "submitted" : "an immediate send (now,"} ${epochMsToWallTime(input.now, input.platformTimeZone)} ${input.platformTimeZone}${update ? "" : ")"}`;
  const when = (): string => (update ? `the updated recall flow, first round from ${sent()}` : sent());
  // Biggest groups first: a finding names the country most of the campaign is in.
  const groups = [...desired.zoneGroups].sort((a, b) => b.recipients - a.recipients);
  const unknown = groups.find((g) => zonesOf(g, desired).length === 0);
  if (unknown) {
    return {
      severity: "error",
      code: "calling-hours-unknown-zone",
      message: `"${desired.taskName}": the local time of ${recipientsText(unknown.recipients)} (${unknown.country ?? "no known country"}, e.g. ${unknown.example}) cannot be told from the number, so the calling-hours guard cannot clear ${when()}`,
      hint: "set timezone: <IANA zone> on the campaign when you know where these callees are, or remove the numbers",
      ...at,
      field: "/sendTime",
    };
  }
  for (const round of roundsOf(desired, input)) {
    if (update && round.index === 0) continue;
    for (const group of groups) {
      const rules = rulesOf(group.country);
      for (const zone of zonesOf(group, desired)) {
        const forbidden = firstForbidden(zone, round.start, round.end, rules.calling);
        if (!forbidden) continue;
        const where = `${group.country ?? "a non-geographic range"} (${zone})`;
        const there = `${recipientsText(group.recipients)} there, e.g. ${group.example}`;
        return {
          severity: "error",
          code: "calling-hours",
          message: `${roundName(round.index)} of "${desired.taskName}" would ring from ${clockOf(forbidden.minute)} in ${where} on ${dayText(forbidden)}, ${whyText(forbidden, rules)} (${there}) — ${when()}${roundText(desired, round, forbidden, input)}`,
          hint: update ? UPDATE_HINT : HINT[forbidden.reason],
          ...at,
          field: round.index === 0 ? "/sendTime" : "/recallFlow/recallInterval",
        };
      }
    }
  }
  return undefined;
}

/** A number that tells no zone, or several, is taken to be in the campaign's timezone if it names one. */
const zonesOf = (group: ZoneGroup, desired: DesiredCampaign): string[] =>
  group.zones.length === 1 || !desired.timezone ? group.zones : [desired.timezone];

const HINT: Record<Forbidden["reason"], string> = {
  time: "move sendTime so that every round falls inside the window for every callee (or fewer recall rounds, a shorter recallInterval, a higher calloutRate, a split by time zone); the window is guards.callingHours in the config",
  day: "move sendTime so that every round falls on a calling day for every callee; the days are guards.callingHours.days (or countries.XX.days) in the config",
  blackout:
    "move sendTime so that no round falls on a blackout date of a callee; the dates are guards.callingHours.blackoutDates (or countries.XX.blackoutDates) in the config",
};

const UPDATE_HINT =
  "change the recall flow so that every recall round falls inside the calling hours and days of every callee (another recallInterval, fewer rounds); the submitted task's sendTime cannot change";

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function dayText(forbidden: Forbidden): string {
  return forbidden.reason === "day"
    ? `${WEEKDAY_NAMES[weekday(forbidden.day)]} ${dateOf(forbidden.day)}`
    : dateOf(forbidden.day);
}

function whyText(forbidden: Forbidden, rules: Rules): string {
  switch (forbidden.reason) {
    case "time":
      return `outside the calling hours ${rules.window}`;
    case "day":
      return `not one of the calling days ${rules.days}`;
    case "blackout":
      return "a blackout date";
  }
}

/** How the round's time came about, when it is not simply the sendTime (or now) itself. */
function roundText(desired: DesiredCampaign, round: Round, forbidden: Forbidden, clock: RoundClock): string {
  if (round.index === 0 && forbidden.at === round.start) return "";
  const zone = clock.platformTimeZone;
  const start = epochMsToWallTime(round.start, zone).slice(0, 16);
  const end = epochMsToWallTime(Math.ceil(round.end / 60_000) * 60_000, zone).slice(0, 16);
  const pace = `${dialsPerMinuteOf(desired, clock.dialsPerMinute)} dials a minute${clock.dialsPerMinute === undefined ? " (assumed: the platform publishes no pacing; set guards.dialsPerMinute)" : ""}`;
  const recall = desired.body.recallFlow ? `, recallInterval ${desired.body.recallFlow.recallInterval} min` : "";
  return `; the round may ring ${start}–${end.startsWith(start.slice(0, 10)) ? end.slice(11) : end} ${zone}: ${recipientsText(desired.recipients)} at ${pace}${recall}`;
}

const recipientsText = (n: number): string => `${n} recipient${n === 1 ? "" : "s"}`;

interface Rules {
  calling: CallingRules;
  /** `08:00–21:00`, for findings. */
  window: string;
  /** `mon, tue, wed`, for findings. */
  days: string;
}

/**
 * The rules of each country, built once per check: a country's start, end and days replace the
 * global ones (each left out is the global one); its blackout dates add to the global ones.
 */
function countryRules(hours: CallingHours): (country: string | undefined) => Rules {
  const built = new Map<string | undefined, Rules>();
  return (country) => {
    let rules = built.get(country);
    if (rules) return rules;
    const own = country === undefined ? undefined : hours.countries?.[country];
    const start = own?.start ?? hours.start ?? DEFAULT_CALLING_HOURS.start;
    const end = own?.end ?? hours.end ?? DEFAULT_CALLING_HOURS.end;
    const days: readonly string[] = own?.days ?? hours.days ?? WEEKDAYS;
    const blackout = new Set([...(hours.blackoutDates ?? []), ...(own?.blackoutDates ?? [])].map(dayOf));
    rules = {
      calling: { start: minutesOf(start), end: minutesOf(end), days: WEEKDAYS.map((d) => days.includes(d)), blackout },
      window: `${start}–${end}`,
      days: [...WEEKDAYS.slice(1), WEEKDAYS[0]].filter((d) => days.includes(d)).join(", "),
    };
    built.set(country, rules);
    return rules;
  };
}

/** `HH:mm` (the schema checks the form; 24:00 = the end of the day) as minutes after midnight. */
const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
