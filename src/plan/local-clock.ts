import { epochMsToWallTime } from "../campaigns/platform-time.js";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** When calls are allowed in one callee zone, in its local time. */
export interface CallingRules {
  /** Minutes after local midnight, end exclusive (up to 1440); an end before the start spans midnight, equal allows nothing. */
  start: number;
  end: number;
  /** Allowed weekdays by index, 0 = Sunday. */
  days: readonly boolean[];
  /** Local dates on which nobody is called, as days since 1970-01-01. */
  blackout: ReadonlySet<number>;
}

/** An instant in a zone's local time: the date as days since 1970-01-01, the time as minutes after midnight. */
export interface LocalTime {
  day: number;
  minute: number;
}

export interface Forbidden extends LocalTime {
  /** The first instant (epoch ms) on which no call is allowed. */
  at: number;
  reason: "time" | "day" | "blackout";
}

/**
 * The first instant in [from, to) at which the rules allow no call, or undefined when they
 * allow the whole stretch. Walks allowed stretches (one or two a day), never minute by minute.
 */
export function firstForbidden(zone: string, from: number, to: number, rules: CallingRules): Forbidden | undefined {
  let t = from;
  do {
    const local = localTime(t, zone);
    const reason = rules.blackout.has(local.day) ? "blackout" : !rules.days[weekday(local.day)] ? "day" : undefined;
    const until = reason ? undefined : allowedUntil(local.minute, rules);
    if (until === undefined) return { at: t, reason: reason ?? "time", ...local };
    // Never stand still, whatever a zone's clock does at a change of offset.
    t = Math.max(instantOf({ day: local.day, minute: until }, zone), t + 1000);
  } while (t < to);
  return undefined;
}

/** Where the allowed stretch that holds `minute` ends (≤ 1440: a date change is checked anew), or undefined outside the window. */
function allowedUntil(minute: number, rules: CallingRules): number | undefined {
  if (rules.start <= rules.end) return minute >= rules.start && minute < rules.end ? rules.end : undefined;
  if (minute >= rules.start) return 1440;
  return minute < rules.end ? rules.end : undefined;
}

export const weekday = (day: number): number => (day + 4) % 7; // 1970-01-01 was a Thursday

export function localTime(instant: number, zone: string): LocalTime {
  const local = instant + offsetAt(instant, zone);
  const day = Math.floor(local / DAY);
  return { day, minute: (local - day * DAY) / MINUTE };
}

/** The instant a local time names (a time skipped by a change of offset lands just after it). */
function instantOf(time: LocalTime, zone: string): number {
  const asUtc = time.day * DAY + time.minute * MINUTE;
  return asUtc - offsetAt(asUtc - offsetAt(asUtc, zone), zone);
}

// Offsets change only at instants on a quarter hour (UTC), so one look-up serves a quarter hour:
// Intl is asked once per zone and quarter, not once per check.
const QUARTER = 15 * MINUTE;
const offsets = new Map<string, Map<number, number>>();

function offsetAt(instant: number, zone: string): number {
  let byQuarter = offsets.get(zone);
  if (!byQuarter) offsets.set(zone, (byQuarter = new Map()));
  const quarter = Math.floor(instant / QUARTER);
  let offset = byQuarter.get(quarter);
  if (offset === undefined) {
    const at = quarter * QUARTER;
    const wall = epochMsToWallTime(at, zone);
    offset =
      Date.UTC(
        +wall.slice(0, 4),
        +wall.slice(5, 7) - 1,
        +wall.slice(8, 10),
        +wall.slice(11, 13),
        +wall.slice(14, 16),
        +wall.slice(17, 19),
      ) - at;
    byQuarter.set(quarter, offset);
  }
  return offset;
}

/** `2036-04-01` for a day number. */
export const dateOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
/** `21:30` for minutes after midnight (seconds dropped). */
export const clockOf = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(Math.floor(minute % 60)).padStart(2, "0")}`;
/** The day number of `YYYY-MM-DD`. */
export const dayOf = (date: string): number => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
