import { Metadata } from "libphonenumber-js/max";

/**
 * The one place that reads libphonenumber-js past its public API: the fast number classifier
 * (phone-numbers.ts) needs each numbering plan's patterns, and the number reader (number-reader.ts)
 * its prefixes, which the library only uses inside parsePhoneNumber. These methods of its Metadata class are undocumented (its typings show fewer)
 * and may change in any release; test/campaigns/libphonenumber-internals.test.ts fails when they do.
 */

/** A number type's national-number pattern and the lengths it allows. */
export interface NumberTypeRule {
  pattern: string;
  possibleLengths: readonly number[] | undefined;
}

/** What decides a national number's validity within one country (or non-geographic code). */
export interface NumberingPlanRules {
  /** Set for a country that shares its calling code: the national numbers that are its own. */
  leadingDigits: string | undefined;
  nationalNumberPattern: string;
  /** The plan's number types; undefined when it lists none (the general pattern alone decides). */
  types: readonly NumberTypeRule[] | undefined;
  /** What the library strips (or rewrites) at the start of a national number: the trunk prefix and more. */
  nationalPrefixForParsing: string | undefined;
  /** The international dialling prefix dialled from this country (00, 011, 810…). */
  IDDPrefix: string | undefined;
}

export interface PhoneMetadata {
  /** Calling code → the countries sharing it, main country first; [] for a non-geographic code (+800…). */
  callingCodes: ReadonlyMap<string, readonly string[]>;
  numberingPlan(countryOrCallingCode: string): NumberingPlanRules;
}

// The parts of the Metadata class read here.
interface RawType {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface RawNumberingPlan {
  leadingDigits(): string | 0 | undefined;
  hasTypes(): boolean;
  type(name: string): RawType | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | 0 | undefined;
  IDDPrefix(): string | 0 | undefined;
}
interface RawMetadata {
  numberingPlan: RawNumberingPlan;
  selectNumberingPlan(countryOrCallingCode: string): void;
  countryCallingCodes(): Record<string, string[]>;
  nonGeographic(): Record<string, unknown> | undefined;
}

// Any type makes a number valid, so the order only matters for speed: most callees are mobiles.
const TYPES = [
  "MOBILE",
  "FIXED_LINE",
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
];

/** libphonenumber's full ("max") metadata, read through the methods above. */
export function openMaxMetadata(): PhoneMetadata {
  const metadata = new Metadata() as unknown as RawMetadata;
  const callingCodes = new Map<string, readonly string[]>();
  for (const [code, countries] of Object.entries(metadata.countryCallingCodes())) {
    // Older metadata lists a non-geographic code under a three-character pseudo-country ("001").
    const nonGeographic = countries.length === 1 && countries[0]!.length === 3;
    callingCodes.set(code, nonGeographic ? [] : countries);
  }
  for (const code of Object.keys(metadata.nonGeographic() ?? {})) callingCodes.set(code, []);
  return {
    callingCodes,
    numberingPlan(countryOrCallingCode) {
      metadata.selectNumberingPlan(countryOrCallingCode);
      const plan = metadata.numberingPlan;
      return {
        // Compressed metadata writes 0 for "none".
        leadingDigits: plan.leadingDigits() || undefined,
        nationalNumberPattern: plan.nationalNumberPattern(),
        types: plan.hasTypes()
          ? TYPES.map((name) => plan.type(name))
              // An empty pattern is one dropped as a duplicate of fixed line's (US mobiles): skipped, as the library does.
              .filter((type): type is RawType => type !== undefined && type.pattern() !== "")
              .map((type) => ({ pattern: type.pattern(), possibleLengths: type.possibleLengths() }))
          : undefined,
        nationalPrefixForParsing: plan.nationalPrefixForParsing() || undefined,
        IDDPrefix: plan.IDDPrefix() || undefined,
      };
    },
  };
}
