import { epochMsToWallTime, isValidTimeZone } from "../campaigns/platform-time.js";

/**
 * `2036-04-01 15:10`: a UTC instant of a plan as a wall time in `zone`, to the minute (an end
 * rounded up, so a round never shows as over before it is). A plan file read back is shown as it
 * stands where it names no zone or time we know: undefined then.
 */
export function wallMinute(iso: string, zone: string, roundUp: boolean): string | undefined {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || !isValidTimeZone(zone)) return undefined;
  return epochMsToWallTime(roundUp ? Math.ceil(ms / 60_000) * 60_000 : ms, zone).slice(0, 16);
}
