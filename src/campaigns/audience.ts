import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import type { NumberInfo } from "../schema/generated/index.js";
import { sortedUnique } from "./number-set.js";
import type { NumberClass, NumberClassifier } from "./phone-numbers.js";
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
export function examineRecipients(
  recipients: readonly NumberInfo[],
  checks: NumberChecks,
  positionOf: (index: number) => SourcePosition,
  leftOut?: (calleeNumber: string) => boolean,
): { audience: Audience; diagnostics: Diagnostic[]; leftOut: number } {
  const diagnostics: Diagnostic[] = [];
  const countries: Record<string, number> = {};
  const groups = new Map<string | undefined, Map<string | undefined, ZoneGroup>>();
  const numbers = new Float64Array(recipients.length);
  let count = 0;
  let invalid = 0;
  const finding = checks.invalid === "error" ? errorAt : warningAt;
  // Neighbouring recipients mostly share country and zone: counted as runs, so the maps below
  // are touched once per run rather than once per number.
  let runClass: NumberClass | undefined;
  let runZones: string | undefined;
  let runLength = 0;
  let runExample = "";
  const flush = (): void => {
    if (runLength === 0 || !runClass) return;
    const key = runClass.country ?? UNKNOWN_COUNTRY;
    countries[key] = (countries[key] ?? 0) + runLength;
    if (checks.zonesOf) {
      let byZone = groups.get(runClass.country);
      if (!byZone) groups.set(runClass.country, (byZone = new Map()));
      const group = byZone.get(runZones);
      if (group) group.recipients += runLength;
      else
        byZone.set(runZones, {
          country: runClass.country,
          zones: runZones ? runZones.split("&") : [],
          recipients: runLength,
          example: maskPhoneNumber(runExample),
        });
    }
  };
  let left = 0;
  for (let index = 0; index < recipients.length; index++) {
    const digits = recipients[index]!.calleeNumber;
    const numberClass = checks.classify(digits);
    if (!numberClass.valid && ++invalid <= MAX_INVALID_FINDINGS) {
      diagnostics.push(
        finding({
          code: "invalid-number",
          message: `calleeNumber ${maskPhoneNumber(digits)} is not a valid phone number${numberClass.country ? ` for ${numberClass.country}` : " (no known country code)"}`,
          hint: "write the country code, then the number without its national 0; numbers newer than the phone-number metadata can be allowed with guards.invalidNumbers: warning",
          at: positionOf(index),
          field: "calleeNumber",
        }),
      );
    }
    // Checked like any number, but not called (a suppressed number left out): not in the audience.
    if (leftOut?.(digits)) {
      left++;
      continue;
    }
    const zones = checks.zonesOf?.(digits);
    if (numberClass !== runClass || zones !== runZones) {
      flush();
      runClass = numberClass;
      runZones = zones;
      runLength = 0;
      runExample = digits;
    }
    runLength++;
    if (digits.length <= MAX_E164_DIGITS) numbers[count++] = digitsValue(digits);
  }
  flush();
  if (invalid > MAX_INVALID_FINDINGS) {
    diagnostics.push(
      finding({
        code: "invalid-number",
        message: `${invalid - MAX_INVALID_FINDINGS} more invalid callee numbers in this campaign (${invalid} in all)`,
        at: positionOf(0),
      }),
    );
  }
  return {
    audience: {
      countries,
      zoneGroups: [...groups.values()].flatMap((m) => [...m.values()]),
      numbers: sortedUnique(numbers.subarray(0, count)),
    },
    diagnostics,
    leftOut: left,
  };
}

const MAX_E164_DIGITS = 15;

/** The digits as a number (callee numbers are digits only: the schema says so). */
function digitsValue(digits: string): number {
  let value = 0;
  for (let i = 0; i < digits.length; i++) value = value * 10 + (digits.charCodeAt(i) - 48);
  return value;
}
