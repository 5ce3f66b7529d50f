import { describe, expect, test } from "vitest";
import { maskPhoneNumber, maskSensitiveText } from "../../src/privacy/index.js";
import { sign } from "../../src/laaffic/index.js";

/** A small deterministic generator, so a failure names the case that broke. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const SEPARATORS = [" ", "-", ".", " - ", ") ", "(", ")", "-(", "\u00a0", "–", " (", "] [", "."];

/** The digits of `digits`, written the ways people and platforms write numbers. */
function formats(digits: string, next: () => number): string[] {
  const grouped = (): string => {
    let out = "";
    let i = 0;
    while (i < digits.length) {
      const size = 1 + Math.floor(next() * 4);
      out += (i === 0 ? "" : SEPARATORS[Math.floor(next() * SEPARATORS.length)]!) + digits.slice(i, i + size);
      i += size;
    }
    return out;
  };
  const cc = digits.slice(0, 2);
  const rest = digits.slice(2);
  return [
    digits,
    `+${digits}`,
    `+${cc} ${rest.slice(0, 5)} ${rest.slice(5)}`,
    `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 9)}-${digits.slice(9)}`,
    `${cc}.${rest.slice(0, 4)}.${rest.slice(4, 7)}.${rest.slice(7)}`,
    `${digits.slice(0, 3)}-${digits.slice(3, 6)} ${digits.slice(6, 9)}.${digits.slice(9)}`,
    `[${digits}]`,
    `+${grouped()}`,
    grouped(),
    grouped(),
  ]
    .map((f) => f.replace(/[-. ()[\]]+$/, ""))
    .filter((f) => f.replace(/\D/g, "") === digits);
}

const CONTEXTS = [
  "number {} is not allowed",
  "callee {}: invalid",
  "{}",
  "({})",
  "abc{}def",
  "call {}, then {}.",
  '"{}"',
  "用户{}无效",
];

describe("maskSensitiveText: numbers", () => {
  test("no 6+ digit number survives, in any common writing, in any context", () => {
    const next = random(14);
    let cases = 0;
    for (let length = 6; length <= 18; length++) {
      for (let n = 0; n < 12; n++) {
        let digits = "";
        for (let i = 0; i < length; i++) digits += String(Math.floor(next() * 10));
        for (const written of formats(digits, next)) {
          for (const context of CONTEXTS) {
            const text = context.replaceAll("{}", written);
            const masked = maskSensitiveText(text);
            // No digit of the context is in the templates: every digit left comes from the number.
            const left = masked.replace(/\D/g, "");
            expect(left, text).not.toContain(digits);
            expect(left.length, text).toBeLessThan(digits.length * (context.split("{}").length - 1));
            expect(masked).not.toContain(written);
            cases++;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(5000);
  });

  test("grouping marks and invisible or full-width separators do not hide a number", () => {
    const separators = [
      "_",
      ",",
      "'",
      "/",
      "\u200b",
      "\u200d",
      "\u2060",
      "\ufeff",
      "\u3000",
      "\uff0d",
      "\uff0e",
      "\u00b7",
    ];
    for (const sep of separators) {
      for (const groups of [
        ["91", "9700", "000", "321"],
        ["0171", "9700321"],
        ["9197", "00000321"],
      ]) {
        const written = groups.join(sep);
        const masked = maskSensitiveText(`callee ${written} refused`);
        const visible = masked.replace(/[^0-9]/g, "");
        expect(visible.length, JSON.stringify(written)).toBeLessThanOrEqual(7);
        expect(masked, JSON.stringify(written)).toContain("•");
      }
    }
  });

  test("a plain run is masked as maskPhoneNumber masks it; masking twice changes nothing", () => {
    for (const digits of ["919700000321", "123456", "8613800138000", "1234567", "14155550123"]) {
      expect(maskSensitiveText(`x ${digits} y`)).toBe(`x ${maskPhoneNumber(digits)} y`);
      expect(maskSensitiveText(digits)).toBe(maskPhoneNumber(digits));
    }
    const once = maskSensitiveText("+91 97000 00321 and (919) 700-000-321");
    expect(once).toBe("+91 97••• ••321 and (919) 7••-•••-321");
    expect(maskSensitiveText(once)).toBe(once);
  });

  test("digits of other scripts count too", () => {
    for (const text of ["９１９７０００００３２１", "٩١٩٧٠٠٠٠٠٣٢١", "९१९७००००० ३२१"]) {
      const masked = maskSensitiveText(text);
      expect(masked).toContain("•");
      expect([...masked].filter((c) => /\p{Nd}/u.test(c)).length).toBeLessThan(8);
    }
  });

  test("short numbers, codes, dates and times stay readable", () => {
    for (const text of [
      "error -22: parameter exception",
      "HTTP 503",
      "retry in 12345 ms",
      "sendTime 2026-11-25 10:00:00 is in the past",
      "at 2026-11-25T12:00:00.000Z",
      "recallNum 3 of 10",
      "v1.2.3",
    ]) {
      expect(maskSensitiveText(text)).toBe(text);
    }
    // A date glued to more digits is not a date.
    expect(maskSensitiveText("2026-11-2512")).toBe("2026-••-•512");
  });

  test("stays linear on hostile input", () => {
    const inputs = [
      "1".repeat(300_000),
      "1 ".repeat(150_000),
      "1-(".repeat(100_000),
      "12 ab ".repeat(50_000),
      "2026-11-25 ".repeat(30_000),
      "a".repeat(300_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      maskSensitiveText(input, { secrets: ["0123456789abcdef", "s3cr3t-value"] });
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});

describe("maskSensitiveText: secrets", () => {
  const apiKey = "AK919700000321xyz";
  const apiSecret = "sEcReT/+=-0042";
  test("the key, the secret and a signature never survive, in any case, glued to anything", () => {
    const signature = sign(apiKey, apiSecret, 1_764_072_000);
    for (const text of [
      `invalid key ${apiKey}`,
      `secret=${apiSecret}&x`,
      `${apiKey}${apiSecret}`,
      `KEY ${apiKey.toUpperCase()} / ${apiSecret.toLowerCase()}`,
      `sign ${signature} mismatch`,
      `sign=${signature.toUpperCase()}`,
    ]) {
      const masked = maskSensitiveText(text, { secrets: [apiKey, apiSecret] });
      for (const secret of [apiKey, apiSecret, signature])
        expect(masked.toLowerCase()).not.toContain(secret.toLowerCase());
      expect(masked).not.toMatch(/9197|0042/);
    }
  });

  test("absent or tiny secrets are ignored rather than masking ordinary text", () => {
    expect(maskSensitiveText("a b c", { secrets: [undefined, "", "a"] })).toBe("a b c");
  });
});
