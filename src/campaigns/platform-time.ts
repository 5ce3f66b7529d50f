/**
 * sendTime is a wall-clock time on the platform's clock (config api.timezone, default
 * Asia/Shanghai — an assumption, see laaffic-api.md). This turns it into an instant.
 */
const instants = new Map<string, number>();
// Report times go through here too, in a receiver that runs for weeks: the cache stays bounded.
const MAX_CACHED_INSTANTS = 10_000;

export function wallTimeToEpochMs(wallTime: string, timeZone: string): number {
  // Many campaigns share a sendTime: each distinct one is worked out once.
  const key = `${timeZone} ${wallTime}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const instant = computeInstant(wallTime, timeZone);
  if (instants.size >= MAX_CACHED_INSTANTS) instants.clear();
  instants.set(key, instant);
  return instant;
}

function computeInstant(wallTime: string, timeZone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(wallTime);
  if (!match) throw new RangeError(`not a wall time: ${wallTime}`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  // The zone's offset at the guess, corrected once more in case the guess crossed a DST change.
  let instant = asUtc - offsetMs(asUtc, timeZone);
  instant = asUtc - offsetMs(instant, timeZone);
  return instant;
}

/** The instant as a wall-clock `YYYY-MM-DD HH:mm:ss` in the zone. */
export function epochMsToWallTime(epochMs: number, timeZone: string): string {
  const p = parts(epochMs, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

// Every campaign and plan line asks about the same few zones; building a formatter to find out
// costs ≈0.1 ms each time. Bounded: zone names come from user input.
const zoneValidity = new Map<string, boolean>();
const MAX_CACHED_ZONES = 1_000;

export function isValidTimeZone(timeZone: string): boolean {
  const known = zoneValidity.get(timeZone);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneValidity.size >= MAX_CACHED_ZONES) zoneValidity.clear();
  zoneValidity.set(timeZone, valid);
  return valid;
}

function offsetMs(epochMs: number, timeZone: string): number {
  const p = parts(epochMs, timeZone);
  const wallAsUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(
  epochMs: number,
  timeZone: string,
): Record<"year" | "month" | "day" | "hour" | "minute" | "second", string> {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  const out = { year: "", month: "", day: "", hour: "", minute: "", second: "" };
  for (const part of format.formatToParts(epochMs)) {
    if (part.type in out) out[part.type as keyof typeof out] = part.value;
  }
  return out;
}
