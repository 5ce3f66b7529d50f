import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/min";
import { errorAt, type Diagnostic } from "../diagnostics/index.js";
import { maskPhoneNumber } from "../privacy/index.js";

export interface SuppressionList {
  path: string;
  numbers: Set<string>;
}

/**
 * A suppression list: one number a line, or CSV with the number in the first column (a header
 * row is skipped). Every number becomes E.164 digits; one that cannot is an error (fail closed).
 */
export function parseSuppressionList(path: string, text: string, defaultCountry?: string): { list: SuppressionList; diagnostics: Diagnostic[] } {
  const numbers = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const cell = line.replace(/^\ufeff/, "").split(",")[0]!.trim().replace(/^"|"$/g, "");
    if (cell === "" || cell.startsWith("#")) return;
    const digits = e164Digits(cell, defaultCountry);
    if (digits) numbers.add(digits);
    else if (index === 0 && /[a-z]/i.test(cell)) return; // a header row
    else diagnostics.push(errorAt({ code: "suppression-list-number", message: `"${maskPhoneNumber(cell)}" is not a phone number that can be compared`, hint: defaultCountry ? "write it in international form, e.g. +44 7700 900123" : "write it in international form (+country code), or set guards.defaultCountry for national numbers", at: { file: path, line: index + 1, column: 1 } }));
  });
  return { list: { path, numbers }, diagnostics };
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
  for (const list of lists) if (list.numbers.has(calleeNumber)) return list.path;
  return undefined;
}
