import {
  getCountries,
  getExampleNumber,
  parsePhoneNumberWithError,
  type CountryCode,
  type PhoneNumber,
} from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" };
import { describe, expect, test } from "vitest";
import { createNumberReader } from "../../src/campaigns/number-reader.js";
import { createNumberClassifier } from "../../src/campaigns/phone-numbers.js";
import { seededRandom } from "../helpers.js";

const classify = createNumberClassifier();
const international = createNumberReader(classify, "international");
const national = (country: string) => createNumberReader(classify, "national", country);
const problemOf = (read: ReturnType<typeof international>): string => (typeof read === "string" ? read : read.problem);

describe("numberFormat: international", () => {
  test.each([
    ["+91 97776-54321", "919777654321"],
    ["+91 (97776) 54321", "919777654321"],
    ["(0044) 7400 123456", "447400123456"],
    ["0044 7400 123456", "447400123456"],
    ["(+44) 7400 123456", "447400123456"],
    ["+44 (0) 7400 123456", "447400123456"], // the national 0 written after the country code
    ["+1 (212) 555-0100", "12125550100"],
    ["+1.212.555.0100", "12125550100"],
    ["\u00a0+91\u00a097776\u202f54321", "919777654321"],
    ["919777654321", "919777654321"], // digits already: read as they stand
    ["9777654321", "9777654321"], // no + or 00: as digits are (not a valid number; the checks after say so)
  ])("%s → %s", (written, digits) => {
    expect(international(written)).toBe(digits);
  });

  test("without + or 00 a number is read as digits, never taken apart as written with a country code", () => {
    expect(problemOf(international("91 97776 54321"))).toBe(
      "has no + or 00 before its country code, so it is read as digits, and it holds other characters",
    );
    // With a country, bare digits that are a valid national number there are refused as ambiguous.
    const inIndia = createNumberReader(classify, "international", "IN");
    for (const written of ["9777654321", "97776 54321"]) {
      const read = inIndia(written);
      expect(problemOf(read), written).toBe(
        "is ambiguous: national or with country code? Without + or 00 it is read as digits, country code first, but it is also a valid national number of IN",
      );
      expect(JSON.stringify(read)).not.toMatch(/97776|54321/);
    }
    expect(inIndia("919777654321")).toBe("919777654321"); // 91 + 919777654321 is no Indian number
    expect(inIndia("+91 97776 54321")).toBe("919777654321");
    expect(inIndia("0091 97776 54321")).toBe("919777654321");
    // 212 555 0100 is Morocco's 212 followed by digits, and a New York number: which is meant?
    const inUs = createNumberReader(classify, "international", "US");
    expect(problemOf(inUs("2125550100"))).toMatch(/^is ambiguous: national or with country code\?/);
    expect(inUs("447400123456")).toBe("447400123456");
    // 011 is North America's international prefix: only a US or Canadian file reads it so.
    expect(inUs("011 44 7400 123456")).toBe("447400123456");
  });

  test("011 elsewhere starts national numbers (Sheffield 0114 …): never read as another country's", () => {
    const inBritain = createNumberReader(classify, "international", "GB");
    for (const reader of [international, inBritain])
      for (const written of ["0114 312 5762", "0113 101 4010", "01135854607"])
        expect(problemOf(reader(written)), written).toBe("starts with 0: it is written without its country code");
  });

  test("a national number with a trunk prefix other than 0 (Russia's 8) is ambiguous too", () => {
    const inRussia = createNumberReader(classify, "international", "RU");
    // 8 495 123-45-67 is a Moscow number; as digits it is also a valid Vietnamese one.
    expect(classify("84951234567").valid).toBe(true);
    expect(problemOf(inRussia("84951234567"))).toMatch(/^is ambiguous: national or with country code\?/);
    expect(inRussia("+7 495 123-45-67")).toBe("74951234567");
  });

  test.each([
    ["097776 54321", "starts with 0: it is written without its country code"],
    ["+91 97776 54321 ext. 12", "has an extension or a dialling code"],
    ["9777654321 x12", "has an extension or a dialling code"],
    ["+91 97776 54321#", "has an extension or a dialling code"],
    ["1-800-FLOWERS", "has letters"],
    ["Tel +91 97776 54321", "has letters"],
    ["+91 97776 54321 / +91 97776 54322", "holds more than one number"],
    ["+91 97776 54321, +91 97776 54322", "holds more than one number"],
    ["+91 97776 54321; 98765 43210", "holds more than one number"],
    ["+919777654321+919777654322", "holds more than one number"],
    ["91 97776 54321 91 97776 54322", "has too many digits for one phone number"],
    ["+0 123456", "has no known country code"],
    ["+91 12", "is not a valid phone number for IN (read as 4 digits, country code included)"],
    ["+91 97776 543210", "is not a valid phone number for IN (read as 13 digits, country code included)"],
    ["+44 7700 900123", "is not a valid phone number for +44 (read as 12 digits, country code included)"], // Ofcom's drama range
    ["٩١٩٧٧٧٦٥٤٣٢١", "has digits other than 0-9"],
    ["91 9777*654321", "has an extension or a dialling code"],
    ["91 ~ 9777654321", "has a character a phone number does not hold"],
    ["- ( )", "holds no digits"],
  ])("%s is refused: %s", (written, problem) => {
    const read = international(written);
    expect(typeof read).toBe("object");
    expect(problemOf(read)).toBe(problem);
    // The reason never repeats the number as written.
    expect(JSON.stringify(read)).not.toMatch(/97776|54321|7400/);
  });
  test("a number that reads as two valid numbers (national prefix dropped or kept) is refused, both masked", () => {
    // No metadata today calls both readings of a written number valid: a classifier that calls
    // every number valid stands for a future one that might.
    const lenient = createNumberReader(() => ({ country: "GB", valid: true }), "international");
    expect(lenient("+44 (0) 7400 123456")).toEqual({
      problem: "can be read as two valid numbers (4474•••••456 or 4407••••••456)",
      hint: "write it with + and the country code, without a national prefix",
    });
    expect(lenient("+44 7400 123456")).toBe("447400123456");
  });
});

describe("numberFormat: national", () => {
  test.each([
    ["IN", "97776 54321", "919777654321"],
    ["IN", "097776-54321", "919777654321"], // the trunk prefix 0
    ["IN", "+91 97776 54321", "919777654321"], // international numbers are read too
    ["IN", "0044 7400 123456", "447400123456"], // India's international prefix 00
    ["IN", "91 97776 54321", "919777654321"], // the country code without +
    ["GB", "07400 123456", "447400123456"],
    ["GB", "+1 212 555 0100", "12125550100"],
    ["US", "(212) 555-0100", "12125550100"],
    ["US", "1 212 555 0100", "12125550100"], // the trunk prefix 1
    ["US", "011 44 7400 123456", "447400123456"], // the US international prefix 011
  ])("%s: %s → %s", (country, written, digits) => {
    expect(national(country)(written)).toBe(digits);
  });

  test.each([
    ["US", "0044 7400 123456", "is not a valid phone number for US"], // 00 is not dialled abroad from the US
    ["GB", "97776 54321", "is not a valid phone number for GB"],
    ["IN", "12345", "is not a valid phone number for IN"],
  ])("%s: %s is refused", (country, written, problem) => {
    expect(problemOf(national(country)(written))).toContain(problem);
  });
});

/** Each country's example mobile and numbers near it, written in the ways exports write them. */
function writtenNumbers(): { country: CountryCode; written: string; international: boolean }[] {
  const random = seededRandom(18);
  const out: { country: CountryCode; written: string; international: boolean }[] = [];
  for (const country of getCountries()) {
    const example = getExampleNumber(country, examples);
    if (!example) continue;
    for (let i = 0; i < 12; i++) {
      let digits = example.nationalNumber.slice(0, 1 + Math.floor(random() * example.nationalNumber.length));
      const length = example.nationalNumber.length + Math.floor(random() * 3) - 1;
      while (digits.length < length) digits += Math.floor(random() * 10);
      let phone: PhoneNumber;
      try {
        phone = parsePhoneNumberWithError(`+${example.countryCallingCode}${digits}`);
      } catch {
        continue;
      }
      const code = phone.countryCallingCode;
      out.push(
        { country, written: phone.formatInternational(), international: true },
        { country, written: `00${code} ${digits}`, international: true },
        { country, written: `(+${code}) ${digits.slice(0, 3)}-${digits.slice(3)}`, international: true },
        { country, written: `${code} ${digits}`, international: true },
        { country, written: `+${code} (0) ${digits}`, international: true },
        { country, written: phone.formatNational(), international: false },
        { country, written: `0${digits}`, international: false },
        { country, written: digits, international: false },
      );
    }
  }
  return out;
}

/** libphonenumber's own reading of the same text (punctuation gone; 00 read as + when no country is given). */
function libraryReading(written: string, country: CountryCode | undefined): string | undefined {
  const plus = /^\s*\(?\+/.test(written);
  let digits = written.replace(/[^0-9]/g, "");
  if (!country && !plus && digits.startsWith("00")) digits = digits.slice(2);
  try {
    const phone = parsePhoneNumberWithError(plus || !country ? `+${digits}` : digits, {
      extract: false,
      ...(country ? { defaultCountry: country } : {}),
    });
    return phone.isValid() ? phone.countryCallingCode + phone.nationalNumber : undefined;
  } catch {
    return undefined;
  }
}

describe("the reader's quick path", () => {
  test("reads every number as libphonenumber does (or refuses one it reads as two different valid numbers)", () => {
    const readers = new Map<string, ReturnType<typeof national>>();
    let compared = 0;
    let read = 0;
    for (const { country, written, international: isInternational } of writtenNumbers()) {
      for (const home of isInternational ? [undefined, country] : [country]) {
        let reader = readers.get(home ?? "");
        if (!reader) readers.set(home ?? "", (reader = home ? national(home) : international));
        // Under international only a number after + or 00 is read (others are digits as they stand).
        if (!home && !/^(\+|00)/.test(written.replace(/[^0-9+]/g, ""))) continue;
        const mine = reader(written);
        const theirs = libraryReading(written, home);
        if (typeof mine === "string") {
          expect({ written, home, digits: mine }).toEqual({ written, home, digits: theirs });
          read++;
        } else if (theirs !== undefined) {
          expect({ written, home, problem: mine.problem }).toEqual({
            written,
            home,
            problem: expect.stringMatching(/^can be read as two valid numbers/),
          });
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20_000);
    expect(read).toBeGreaterThan(5_000); // the sample holds both kinds
  });
});
