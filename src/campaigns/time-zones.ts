/**
 * Where a callee number rings: Google libphonenumber's prefix → time-zone map (country code plus,
 * where the numbering plan tells it, area code). A value lists the candidate zones joined by "&".
 */
export type ZoneLookup = (digits: string) => string | undefined;

const UNKNOWN_ZONE = "Etc/Unknown";

/**
 * The prefix → zones map, from the module `npm run generate` writes (≈3,300 prefixes). Imported on
 * first use, so commands without the calling-hours guard never parse it.
 */
export async function loadPhoneTimeZones(): Promise<Record<string, string>> {
  const { PHONE_TIME_ZONES } = await import("./generated/phone-time-zones.js");
  const prefixes: Record<string, string> = {};
  for (const [zones, list] of PHONE_TIME_ZONES) for (const prefix of list.split(" ")) prefixes[prefix] = zones;
  return prefixes;
}

/** Longest-prefix lookup; undefined when the map has nothing for the number (or says unknown). */
export function createZoneLookup(prefixes: Readonly<Record<string, string>>): ZoneLookup {
  const zones = new Map(Object.entries(prefixes));
  // Calling-code entries by number (no string cut per look-up), with how deep the map goes below
  // each: a country with one zone for all its numbers costs one look-up per number.
  const roots = new Map<number, { zones: string; depth: number }>();
  for (const [prefix, value] of zones)
    if (prefix.length <= 3) roots.set(Number(prefix), { zones: value, depth: prefix.length });
  for (const prefix of zones.keys()) {
    for (let length = 1; length <= 3 && length < prefix.length; length++) {
      const root = roots.get(Number(prefix.slice(0, length)));
      if (root) root.depth = Math.max(root.depth, prefix.length);
    }
  }
  return (digits) => {
    let value = 0;
    for (let length = 1; length <= 3 && length <= digits.length; length++) {
      value = value * 10 + digits.charCodeAt(length - 1) - 48;
      const root = roots.get(value);
      if (root === undefined) continue;
      for (let deeper = Math.min(root.depth, digits.length); deeper > length; deeper--) {
        const found = zones.get(digits.slice(0, deeper));
        if (found !== undefined) return known(found);
      }
      return known(root.zones);
    }
    return undefined;
  };
}

const known = (zones: string): string | undefined => (zones === UNKNOWN_ZONE ? undefined : zones);
