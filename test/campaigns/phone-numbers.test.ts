import { getCountries, getExampleNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" };
import { describe, expect, test } from "vitest";
import { createNumberClassifier, createZoneLookup, loadPhoneTimeZones } from "../../src/campaigns/index.js";

/** Numbers around every country's example number: same leading digits, random rest, length ±1. */
function numbersNearExamples(perCountry: number): string[] {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: string[] = [];
  for (const country of getCountries()) {
    const example = getExampleNumber(country, examples);
    if (!example) continue;
    const digits = example.number.slice(1);
    for (let i = 0; i < perCountry; i++) {
      let number = digits.slice(0, 1 + Math.floor(random() * digits.length));
      const length = digits.length + Math.floor(random() * 3) - 1;
      while (number.length < length) number += Math.floor(random() * 10);
      out.push(number);
    }
  }
  for (let i = 0; i < 3000; i++) out.push(String(Math.floor(random() * 1e12)));
  return out;
}

describe("the number classifier", () => {
  test("answers as libphonenumber-js (max metadata) does: country and validity, for every country", () => {
    const classify = createNumberClassifier();
    let compared = 0;
    let valid = 0;
    for (const digits of numbersNearExamples(40)) {
      const parsed = parsePhoneNumberFromString(`+${digits}`);
      const mine = classify(digits);
      // The library strips a national prefix after the country code; the platform dials the
      // digits as written, so such a number must not pass as valid here.
      if (parsed && parsed.nationalNumber !== digits.slice(parsed.countryCallingCode.length)) {
        expect(mine.valid && !parsed.isValid(), digits).toBe(false);
        continue;
      }
      expect({ digits, country: mine.country, valid: mine.valid }).toEqual({
        digits,
        country: parsed?.country,
        valid: parsed?.isValid() ?? false,
      });
      compared++;
      if (mine.valid) valid++;
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(valid).toBeGreaterThan(1_000); // the sample has both kinds
  });

  test("time zones by prefix: area codes where the plan tells them, unknown for non-geographic numbers", async () => {
    const zonesOf = createZoneLookup(await loadPhoneTimeZones());
    expect(zonesOf("12125550123")).toBe("America/New_York");
    expect(zonesOf("14155550123")).toBe("America/Los_Angeles");
    expect(zonesOf("919700000001")).toBe("Asia/Calcutta");
    expect(zonesOf("80012345678")).toBeUndefined();
    expect(zonesOf("18005550123")?.split("&").length).toBeGreaterThan(5); // toll-free: anywhere in NANPA
  });
});
