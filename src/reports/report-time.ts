import { wallTimeToEpochMs } from "../campaigns/platform-time.js";
import { ASSUMED_REPORT_TIME_WINDOW } from "../laaffic/assumptions.js";

export interface ReportTimeContext {
  /** The platform's zone (api.timezone): `yyyyMMddHHmmss` times are wall times on its clock. */
  timeZone: string;
  /** Now, epoch ms: a time more than a year ahead of it makes no sense. */
  now: number;
}

/** Absent (undefined, null, "", 0: an unanswered call's answerTime), an instant, or unreadable. */
export type ReportTime = { absent: true } | { absent: false; epochMs: number | null };

const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;
const SPACED = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** A report time in any of the assumed formats (laaffic/assumptions.ts), checked against the sanity window. */
export function readReportTime(value: unknown, context: ReportTimeContext): ReportTime {
  if (value === undefined || value === null || value === "" || value === 0 || value === "0") return { absent: true };
  const text =
    typeof value === "number"
      ? Number.isSafeInteger(value)
        ? String(value)
        : ""
      : typeof value === "string"
        ? value.trim()
        : "";
  const wall = COMPACT.exec(text) ?? SPACED.exec(text);
  let epochMs: number | null = null;
  // 14 digits are a wall time, never epoch ms (that would be the year 2600 and more).
  if (wall) epochMs = wallTime(wall, context.timeZone);
  else if (/^\d{1,15}$/.test(text)) epochMs = Number(text);
  const sane =
    epochMs !== null &&
    epochMs >= ASSUMED_REPORT_TIME_WINDOW.earliest &&
    epochMs <= context.now + ASSUMED_REPORT_TIME_WINDOW.latestAheadMs;
  return { absent: false, epochMs: sane ? epochMs : null };
}

function wallTime(match: RegExpExecArray, timeZone: string): number | null {
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  // A calendar check first: 20261345… is no date, and Date.UTC would roll it over into one.
  const asUtc = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (
    asUtc.getUTCFullYear() !== y ||
    asUtc.getUTCMonth() !== mo - 1 ||
    asUtc.getUTCDate() !== d ||
    asUtc.getUTCHours() !== h ||
    asUtc.getUTCMinutes() !== mi ||
    asUtc.getUTCSeconds() !== s
  )
    return null;
  const pad = (n: number) => String(n).padStart(2, "0");
  return wallTimeToEpochMs(`${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`, timeZone);
}
