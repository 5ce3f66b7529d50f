import {
  ParseError,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberWithError,
  type CountryCode,
} from "libphonenumber-js/max";
import { maskPhoneNumber } from "../privacy/index.js";
import { openMaxMetadata, type PhoneMetadata } from "./libphonenumber-internals.js";
import type { NumberClassifier } from "./phone-numbers.js";

/** Why a written number cannot be read; `problem` follows the (masked) number in a message. */
export interface UnreadableNumber {
  problem: string;
  hint: string;
}

/** The digits to dial (country code + national number, no +), or why the text cannot be read as one number. */
export type NumberReader = (written: string) => string | UnreadableNumber;

// What a number as people write it may hold: digits, one leading +, spaces (also no-break and
// thin ones), brackets, dots, slashes and dashes. Anything else is a letter, an extension, a
// second number or noise: refused, never guessed around.
const PLAIN = /^[\s\u00a0\u2007\u202f]*\(?\+?[0-9 ().\-/\u00a0\u2007\u202f\u2010-\u2014\u2212]*$/;
const LEADING_PLUS = /^[\s\u00a0\u2007\u202f]*\(?\+/;
const NOT_DIGIT = /[^0-9]/g;
const MAX_DIGITS = 20;

/**
 * A reader for numbers written as a CRM exports them. `international`: the country code first,
 * after `+` or an international prefix (`+91 97776-54321`, `(0044) 7400 123456`; `011 44 …` only
 * with a North American `country`);
 * a number with neither is read as digits are without numberFormat (as it stands: nothing says
 * its first digits are a country code), and with `country` one that is also a valid national
 * number there is refused as ambiguous. `national` (with `country`): numbers of that country as
 * dialled there (`097776 54321`), and international ones as above. The reading is
 * libphonenumber's (it drops a national prefix written after the country code, `+44 (0)7400…`),
 * and the result must be a valid number.
 */
export function createNumberReader(classify: NumberClassifier, format: "international", country?: string): NumberReader;
export function createNumberReader(classify: NumberClassifier, format: "national", country: string): NumberReader;
export function createNumberReader(
  classify: NumberClassifier,
  format: "international" | "national",
  country?: string,
): NumberReader {
  const prefixes = sharedPrefixes();
  const international = (digits: string): string | UnreadableNumber => {
    const code = prefixes.callingCodeOf(digits);
    if (code === undefined) return unreadable("has no known country code", FORMAT_HINT);
    // The library changes the national part only where its national prefix pattern matches:
    // elsewhere its reading is the digits as written, which the fast classifier checks alone.
    if (!prefixes.nationalPrefix(code).test(digits, code.length)) return valid(classify, digits, `+${code}`);
    return slowly(classify, `+${digits}`, undefined, digits);
  };
  if (format === "international") {
    const homeCode = country === undefined ? undefined : getCountryCallingCode(country as CountryCode);
    return (written) => {
      const scanned = scan(written);
      if ("problem" in scanned) return scanned;
      const { plus, digits } = scanned;
      if (plus) return international(digits);
      // 00 (most of the world): no country code starts with 0. 011 only for a North American
      // file: elsewhere it starts national numbers (UK 0114 …) that would read as foreign ones.
      if (digits.startsWith("00")) return international(digits.slice(2));
      if (homeCode === "1" && digits.startsWith("011")) return international(digits.slice(3));
      if (digits.startsWith("0"))
        return unreadable(
          "starts with 0: it is written without its country code",
          "write the country code first (+CC …), or read the file's national numbers with numberFormat: national and country",
        );
      // A national number that lost its country code must not become a valid foreign one: its
      // national reading (the library's, trunk prefixes such as Russia's 8 included) is checked.
      if (country !== undefined && readsNationallyAsOther(classify, digits, country))
        return unreadable(
          `is ambiguous: national or with country code? Without + or 00 it is read as digits, country code first, but it is also a valid national number of ${country!}`,
          `write it with + and the country code (+${homeCode} … if it is a national number of ${country!})`,
        );
      if (digits !== written)
        return unreadable(
          "has no + or 00 before its country code, so it is read as digits, and it holds other characters",
          "write it with + and the country code first (+91 97776 54321), or as digits only",
        );
      return written;
    };
  }
  const home = country as CountryCode;
  const code = getCountryCallingCode(home);
  return (written) => {
    const scanned = scan(written);
    if ("problem" in scanned) return scanned;
    const { plus, digits } = scanned;
    if (plus) return international(digits);
    // An international prefix, the country code without +, or a trunk prefix: the library decides.
    if (
      prefixes.dialledAbroad(home).test(digits, 0) ||
      digits.startsWith(code) ||
      prefixes.nationalPrefix(home).test(digits, 0)
    )
      return slowly(classify, digits, home, code + digits);
    return valid(classify, code + digits, home);
  };
}

/** Whether `digits`, read as a national number of `country`, is a valid number other than the digits as written. */
function readsNationallyAsOther(classify: NumberClassifier, digits: string, country: string): boolean {
  try {
    const phone = parsePhoneNumberWithError(digits, { extract: false, defaultCountry: country as CountryCode });
    const national = phone.countryCallingCode + phone.nationalNumber;
    return national !== digits && classify(national).valid;
  } catch (error) {
    if (error instanceof ParseError) return false;
    throw error;
  }
}

/** Whether `country` is an ISO 3166 alpha-2 code with a numbering plan in the metadata. */
export function knownCountry(country: string): boolean {
  return isSupportedCountry(country);
}

const FORMAT_HINT = "write it with + and the country code first, then the number";

function unreadable(problem: string, hint: string): UnreadableNumber {
  return { problem, hint };
}

/** The digits when they are a valid number; `where` names the plan when the number does not tell its country. */
function valid(classify: NumberClassifier, digits: string, where?: string): string | UnreadableNumber {
  const numberClass = classify(digits);
  if (numberClass.valid) return digits;
  const place = numberClass.country ?? where;
  return unreadable(
    `is not a valid phone number${place ? ` for ${place}` : ""} (read as ${digits.length} digits, country code included)`,
    "check the number; one the phone-number metadata does not know yet can only be given as plain digits, in a file without numberFormat",
  );
}

/** libphonenumber's own reading, and refused when the digits as written are another valid number. */
function slowly(
  classify: NumberClassifier,
  input: string,
  home: string | undefined,
  asWritten: string,
): string | UnreadableNumber {
  let digits: string;
  let code: string;
  try {
    const phone = parsePhoneNumberWithError(input, {
      extract: false,
      ...(home ? { defaultCountry: home as CountryCode } : {}),
    });
    code = phone.countryCallingCode;
    digits = code + phone.nationalNumber;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    if (error.message === "INVALID_COUNTRY") return unreadable("has no known country code", FORMAT_HINT);
    if (error.message === "TOO_LONG") return unreadable("is too long for a phone number", FORMAT_HINT);
    return unreadable("is too short for a phone number", FORMAT_HINT);
  }
  const read = valid(classify, digits, home && getCountryCallingCode(home as CountryCode) === code ? home : `+${code}`);
  if (typeof read !== "string" || digits === asWritten || !classify(asWritten).valid) return read;
  return unreadable(
    `can be read as two valid numbers (${maskPhoneNumber(digits)} or ${maskPhoneNumber(asWritten)})`,
    "write it with + and the country code, without a national prefix",
  );
}

/** The number's digits and whether a + leads them, or what makes it something else than one number. */
function scan(written: string): { plus: boolean; digits: string } | UnreadableNumber {
  if (!PLAIN.test(written)) return unusual(written);
  const digits = written.replace(NOT_DIGIT, "");
  if (digits.length === 0) return unreadable("holds no digits", FORMAT_HINT);
  if (digits.length > MAX_DIGITS) return unreadable("has too many digits for one phone number", "one number per row");
  if (written.includes("/") && written.split("/").filter((part) => /(?:\d\D*){6}/.test(part)).length > 1)
    return twoNumbers();
  return { plus: LEADING_PLUS.test(written), digits };
}

function twoNumbers(): UnreadableNumber {
  return unreadable("holds more than one number", "one number per row: give each number a row of its own");
}

/** Says what the text holds besides a number (letters, an extension, a second number). */
function unusual(written: string): UnreadableNumber {
  if (/e?xt(?:n|ension)?\.?\s*:?\s*\d|\d\s*[x#]\s*\d|[#*]/i.test(written))
    return unreadable(
      "has an extension or a dialling code",
      "the platform dials the number alone: remove the extension",
    );
  if (/[,;|&\n\r]/.test(written) || (written.match(/\+/g)?.length ?? 0) > 1) return twoNumbers();
  if (/\p{L}/u.test(written)) return unreadable("has letters", "a phone number is digits, with + ( ) - . / or spaces");
  if (/\p{Nd}/u.test(written.replace(/[0-9]/g, "")))
    return unreadable("has digits other than 0-9", "write the number with the digits 0-9");
  if (written.includes("+")) return unreadable("has a + that does not lead it", FORMAT_HINT);
  return unreadable(
    "has a character a phone number does not hold",
    "a phone number is digits, with + ( ) - . / or spaces",
  );
}

interface Prefixes {
  /** The calling code the digits start with (1–3 digits), if any. */
  callingCodeOf(digits: string): string | undefined;
  /** Matches (sticky, at the index given) where the library would strip or rewrite a national prefix. */
  nationalPrefix(countryOrCode: string): StickyTest;
  /** Matches (at 0) the international prefix dialled from the country. */
  dialledAbroad(country: string): StickyTest;
}

interface StickyTest {
  test(digits: string, at: number): boolean;
}

const NEVER: StickyTest = { test: () => false };
let prefixes: Prefixes | undefined;

/** Compiled once per process: the metadata does not change while it runs. */
function sharedPrefixes(): Prefixes {
  return (prefixes ??= compilePrefixes(openMaxMetadata()));
}

function compilePrefixes(metadata: PhoneMetadata): Prefixes {
  const codes = new Set(metadata.callingCodes.keys());
  const compiled = (patternOf: (plan: string) => string | undefined): ((plan: string) => StickyTest) => {
    const cache = new Map<string, StickyTest>();
    return (plan) => {
      let test = cache.get(plan);
      if (!test) {
        const pattern = patternOf(plan);
        const expression = pattern ? new RegExp(`(?:${pattern})`, "y") : undefined;
        test = expression
          ? {
              test: (digits, at) => {
                expression.lastIndex = at;
                return expression.test(digits);
              },
            }
          : NEVER;
        cache.set(plan, test);
      }
      return test;
    };
  };
  return {
    callingCodeOf(digits) {
      for (let length = 1; length <= 3 && length < digits.length; length++) {
        const code = digits.slice(0, length);
        if (codes.has(code)) return code;
      }
      return undefined;
    },
    nationalPrefix: compiled((plan) => metadata.numberingPlan(plan).nationalPrefixForParsing),
    dialledAbroad: compiled((country) => metadata.numberingPlan(country).IDDPrefix),
  };
}
