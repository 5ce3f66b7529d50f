import { Metadata, getCountries, getExampleNumber, parsePhoneNumberFromString } from "libphonenumber-js/max";
import examples from "libphonenumber-js/examples.mobile.json" with { type: "json" };
import { describe, expect, test } from "vitest";
import { openMaxMetadata, type NumberingPlanRules } from "../../src/campaigns/libphonenumber-internals.js";

// When one of these fails after upgrading libphonenumber-js, its undocumented Metadata class has
// changed: fix src/campaigns/libphonenumber-internals.ts (the only reader) before anything else.

const whole = (pattern: string, text: string) => new RegExp(`^(?:${pattern})$`).test(text);

/** Whether the plan calls the national number valid: the general pattern and a type that fits its length. */
function validBy(plan: NumberingPlanRules, national: string): boolean {
  if (!whole(plan.nationalNumberPattern, national)) return false;
  if (plan.types === undefined) return true;
  return plan.types.some(
    (t) => (!t.possibleLengths || t.possibleLengths.includes(national.length)) && whole(t.pattern, national),
  );
}

describe("libphonenumber-js internals the number classifier reads", () => {
  test("the Metadata and NumberingPlan methods are still there", () => {
    const metadata = new Metadata() as unknown as Record<string, unknown> & { numberingPlan: Record<string, unknown> };
    for (const name of ["selectNumberingPlan", "countryCallingCodes", "nonGeographic"])
      expect(typeof metadata[name], `Metadata.${name}`).toBe("function");
    (metadata.selectNumberingPlan as (country: string) => void)("GB");
    for (const name of [
      "leadingDigits",
      "hasTypes",
      "type",
      "nationalNumberPattern",
      "nationalPrefixForParsing",
      "IDDPrefix",
    ])
      expect(typeof metadata.numberingPlan[name], `NumberingPlan.${name}`).toBe("function");
    const type = (metadata.numberingPlan.type as (name: string) => Record<string, unknown>)("MOBILE");
    for (const name of ["pattern", "possibleLengths"]) expect(typeof type[name], `Type.${name}`).toBe("function");
  });

  test("calling codes: shared ones list their countries main first, non-geographic ones none", () => {
    const { callingCodes } = openMaxMetadata();
    expect(callingCodes.get("1")?.[0]).toBe("US");
    expect(callingCodes.get("1")).toEqual(expect.arrayContaining(["CA", "AG", "PR"]));
    expect(callingCodes.get("44")).toEqual(["GB", "GG", "IM", "JE"]);
    expect(callingCodes.get("7")).toEqual(["RU", "KZ"]);
    expect(callingCodes.get("91")).toEqual(["IN"]);
    expect(callingCodes.get("800")).toEqual([]);
    expect(callingCodes.get("979")).toEqual([]);
    expect(callingCodes.size).toBeGreaterThan(200);
    for (const countries of callingCodes.values())
      for (const country of countries) expect(country).toMatch(/^[A-Z]{2}$/);
  });

  test("numbering plans: leading digits only where a country shares its code, types with patterns", () => {
    const metadata = openMaxMetadata();
    expect(metadata.numberingPlan("AG").leadingDigits).toBe("268");
    expect(metadata.numberingPlan("US").leadingDigits).toBeUndefined();
    expect(metadata.numberingPlan("GB").leadingDigits).toBeUndefined();
    // US mobiles share fixed line's pattern: the empty duplicate is left out.
    const us = metadata.numberingPlan("US");
    expect(us.types?.every((t) => t.pattern !== "")).toBe(true);
    expect(validBy(us, "2015550123")).toBe(true);
    expect(validBy(us, "1015550123")).toBe(false);
    // A non-geographic code is selected by the code itself.
    expect(metadata.numberingPlan("800")).toEqual({
      leadingDigits: undefined,
      nationalNumberPattern: "(?:00|[1-9]\\d)\\d{6}",
      types: [{ pattern: "(?:00|[1-9]\\d)\\d{6}", possibleLengths: [8] }],
    });
  });

  test("prefixes the number reader asks about: the trunk prefix to strip and the international prefix", () => {
    const metadata = openMaxMetadata();
    expect(metadata.numberingPlan("IN")).toMatchObject({ nationalPrefixForParsing: "0", IDDPrefix: "00" });
    expect(metadata.numberingPlan("US")).toMatchObject({ nationalPrefixForParsing: "1", IDDPrefix: "011" });
    expect(metadata.numberingPlan("RU")).toMatchObject({ nationalPrefixForParsing: "8", IDDPrefix: "810" });
    // A plan without them says undefined, not the metadata's 0.
    expect(metadata.numberingPlan("IT").nationalPrefixForParsing).toBeUndefined();
    expect(metadata.numberingPlan("800").IDDPrefix).toBeUndefined();
    for (const country of getCountries()) {
      const plan = metadata.numberingPlan(country);
      for (const pattern of [plan.nationalPrefixForParsing, plan.IDDPrefix])
        expect(
          pattern === undefined || (typeof pattern === "string" && new RegExp(pattern) instanceof RegExp),
          country,
        ).toBe(true);
    }
  });

  test("every plan is well formed, and says of each country's example mobile what isValid() says", () => {
    const metadata = openMaxMetadata();
    const selectors = [
      ...getCountries(),
      ...[...metadata.callingCodes].filter(([, c]) => c.length === 0).map(([code]) => code),
    ];
    for (const selector of selectors) {
      const plan = metadata.numberingPlan(selector);
      expect(() => new RegExp(plan.nationalNumberPattern), selector).not.toThrow();
      expect(plan.leadingDigits === undefined || typeof plan.leadingDigits === "string", selector).toBe(true);
      for (const type of plan.types ?? []) {
        expect(() => new RegExp(type.pattern), selector).not.toThrow();
        const lengths = type.possibleLengths ?? [];
        expect(Array.isArray(lengths) && lengths.every((n) => Number.isInteger(n) && n > 0), selector).toBe(true);
      }
    }
    let checked = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const parsed = parsePhoneNumberFromString(example.number);
      expect(validBy(metadata.numberingPlan(country), example.nationalNumber), country).toBe(parsed?.isValid());
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });
});
