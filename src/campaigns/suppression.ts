import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";
import { errorAt, type Diagnostic } from "../diagnostics/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import { contains, sortedUnique } from "./number-set.js";

export interface SuppressionList {
  path: string;
  /**
   * The E.164 numbers (at most 15 digits, so exact as doubles), sorted and without repeats: a
   * million of them load in a fraction of the time a Set takes, and a lookup is a binary search.
   */
  numbers: Float64Array;
}

/**
 * A suppression list: one number a line, or CSV with the number in the first column (a header
 * row is skipped). Every number becomes E.164 digits; one that cannot is an error (fail closed).
 */
export function parseSuppressionList(
  path: string,
  text: string,
  defaultCountry?: string,
): { list: SuppressionList; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const lines = text.split("\n");
  const found = new Float64Array(lines.length);
  let count = 0;
  const numbers = { add: (n: number) => void (found[count++] = n) };
  lines.forEach((line, index) => {
    // Most lists are plain international numbers: those skip the general parsing below.
    const fast = plainNumber(line);
    if (fast !== undefined) {
      numbers.add(fast);
      return;
    }
    const cell = line
      .replace(/^\ufeff/, "")
      .split(",")[0]!
      .trim()
      .replace(/^"|"$/g, "");
    if (cell === "" || cell.startsWith("#")) return;
    const digits = e164Digits(cell, defaultCountry);
    if (digits && digits.length <= MAX_E164_DIGITS) numbers.add(Number(digits));
    else if (index === 0 && /[a-z]/i.test(cell))
      return; // a header row
    else
      diagnostics.push(
        errorAt({
          code: "suppression-list-number",
          message: `"${maskPhoneNumber(cell)}" is not a phone number that can be compared`,
          hint: defaultCountry
            ? "write it in international form, e.g. +44 7700 900123"
            : "write it in international form (+country code), or set guards.defaultCountry for national numbers",
          at: { file: path, line: index + 1, column: 1 },
        }),
      );
  });
  return { list: { path, numbers: sortedUnique(found.subarray(0, count)) }, diagnostics };
}

const MAX_E164_DIGITS = 15;

/** "+447700900123" or "447700900123" (trailing \r or spaces allowed) → 447700900123; else undefined. */
function plainNumber(line: string): number | undefined {
  let start = 0;
  let end = line.length;
  while (end > start && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 32)) end--;
  if (line.charCodeAt(0) === 43) start = 1;
  const length = end - start;
  if (length < 6 || length > MAX_E164_DIGITS || line.charCodeAt(start) === 48) return undefined;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
  }
  return value;
}

/** E.164 digits without '+': fast for what is already international, libphonenumber-js otherwise. */
export function e164Digits(text: string, defaultCountry?: string): string | undefined {
  if (/^\+?[1-9]\d{5,17}$/.test(text)) return text.replace(/^\+/, "");
  if (/^00[1-9]\d{5,17}$/.test(text)) return text.slice(2);
  const parsed = parsePhoneNumberFromString(text, defaultCountry as CountryCode | undefined);
  return parsed?.isPossible() ? parsed.number.slice(1) : undefined;
}

/** Which list (if any) holds a callee number (already country code + digits). */
export function suppressedBy(lists: readonly SuppressionList[], calleeNumber: string): string | undefined {
  // Longer than E.164 allows: no list can hold it.
  if (calleeNumber.length > MAX_E164_DIGITS) return undefined;
  const key = Number(calleeNumber);
  for (const list of lists) if (contains(list.numbers, key)) return list.path;
  return undefined;
}
