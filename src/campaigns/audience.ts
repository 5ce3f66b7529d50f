import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import type { NumberInfo } from "../schema/generated/index.js";
import { sortedUnique } from "./number-set.js";
import type { NumberClassifier } from "./phone-numbers.js";
import type { ZoneLookup } from "./time-zones.js";

/** Recipients that share a country and candidate time zones (what the calling-hours guard needs). */
export interface ZoneGroup {
  /** ISO country, or undefined for non-geographic and unknown codes. */
  country: string | undefined;
  /** Candidate IANA zones; empty when the number does not tell. */
  zones: string[];
  recipients: number;
  /** One of them, masked, for findings. */
  example: string;
}

/** Who a campaign calls, without holding the numbers as text. */
export interface Audience {
  /** Recipients per country ("ZZ" where the country is unknown). */
  countries: Record<string, number>;
  zoneGroups: ZoneGroup[];
  /** The callee numbers as doubles (E.164 has ≤15 digits: exact), sorted, without repeats. */
  numbers: Float64Array;
}

export interface NumberChecks {
  classify: NumberClassifier;
  /** Only planning needs time zones; validation leaves this out. */
  zonesOf?: ZoneLookup;
  /** guards.invalidNumbers */
  invalid: "error" | "warning";
}

const MAX_INVALID_FINDINGS = 20;
export const UNKNOWN_COUNTRY = "ZZ";

/** One pass over a campaign's recipients: validity per number, countries, zones, the number set. */
export function examineRecipients(recipients: readonly NumberInfo[], checks: NumberChecks, positionOf: (index: number) => SourcePosition): { audience: Audience; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const countries: Record<string, number> = {};
  const groups = new Map<string | undefined, Map<string | undefined, ZoneGroup>>();
  const numbers = new Float64Array(recipients.length);
  let count = 0;
  let invalid = 0;
  const finding = checks.invalid === "error" ? errorAt : warningAt;
  for (let index = 0; index < recipients.length; index++) {
    const digits = recipients[index]!.calleeNumber;
    const { country, valid } = checks.classify(digits);
    const key = country ?? UNKNOWN_COUNTRY;
    countries[key] = (countries[key] ?? 0) + 1;
    if (digits.length <= 15) numbers[count++] = Number(digits);
    if (!valid && ++invalid <= MAX_INVALID_FINDINGS) {
      diagnostics.push(
        finding({
          code: "invalid-number",
          message: `calleeNumber ${maskPhoneNumber(digits)} is not a valid phone number${country ? ` for ${country}` : " (no known country code)"}`,
          hint: "write the country code, then the number without its national 0; numbers newer than the phone-number metadata can be allowed with guards.invalidNumbers: warning",
          at: positionOf(index),
          field: "calleeNumber",
        }),
      );
    }
    if (checks.zonesOf) {
      const zones = checks.zonesOf(digits);
      let byZone = groups.get(country);
      if (!byZone) groups.set(country, (byZone = new Map()));
      const group = byZone.get(zones);
      if (group) group.recipients++;
      else byZone.set(zones, { country, zones: zones ? zones.split("&") : [], recipients: 1, example: maskPhoneNumber(digits) });
    }
  }
  if (invalid > MAX_INVALID_FINDINGS) {
    diagnostics.push(finding({ code: "invalid-number", message: `${invalid - MAX_INVALID_FINDINGS} more invalid callee numbers in this campaign (${invalid} in all)`, at: positionOf(0) }));
  }
  return { audience: { countries, zoneGroups: [...groups.values()].flatMap((m) => [...m.values()]), numbers: sortedUnique(numbers.subarray(0, count)) }, diagnostics };
}
