/**
 * Where a callee number rings: Google libphonenumber's prefix → time-zone map (country code plus,
 * where the numbering plan tells it, area code). A value lists the candidate zones joined by "&".
 */
export type ZoneLookup = (digits: string) => string | undefined;

const UNKNOWN_ZONE = "Etc/Unknown";

/** Longest-prefix lookup; undefined when the map has nothing for the number (or says unknown). */
export function createZoneLookup(prefixes: Readonly<Record<string, string>>): ZoneLookup {
  const zones = new Map(Object.entries(prefixes));
  // For each calling-code entry: how deep the map goes below it (1 when it has nothing longer),
  // so a country with one zone costs one look-up per number.
  const depth = new Map<string, number>();
  for (const prefix of zones.keys()) {
    for (let length = 1; length <= 3 && length < prefix.length; length++) {
      const root = prefix.slice(0, length);
      if (zones.has(root)) depth.set(root, Math.max(depth.get(root) ?? root.length, prefix.length));
    }
  }
  return (digits) => {
    for (let length = 1; length <= 3 && length <= digits.length; length++) {
      const root = digits.slice(0, length);
      const rootZones = zones.get(root);
      if (rootZones === undefined) continue;
      for (let deeper = Math.min(depth.get(root) ?? length, digits.length); deeper > length; deeper--) {
        const found = zones.get(digits.slice(0, deeper));
        if (found !== undefined) return known(found);
      }
      return known(rootZones);
    }
    return undefined;
  };
}

const known = (zones: string): string | undefined => (zones === UNKNOWN_ZONE ? undefined : zones);
