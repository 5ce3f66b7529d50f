import { describe, expect, test } from "vitest";
import { seededRandom } from "../helpers.js";
import { rowClearly } from "../../src/campaigns/row-check.js";
import { validators } from "../../src/schema/validators.js";

// The quick row check may only say "valid" where the schema's validator says so too.

const COLUMNS = ["calleeNumber", ...Array.from({ length: 10 }, (_, i) => `text${i + 1}`)];
const VALUES = [
  "919700000001",
  "12345",
  "1234567890123456789",
  "+919700000001",
  "9197 0000",
  "",
  "Asha",
  "é".repeat(30),
  "😀".repeat(16),
  "x".repeat(31),
  "٩١٩٧٠٠٠٠٠٠٠١",
  "919700000001\n",
];

describe("the quick row check", () => {
  test("clears only rows the validator clears, on 50,000 generated rows; clears the common row", () => {
    const validate = validators().numberInfo;
    const next = seededRandom(3);
    let cleared = 0;
    for (let k = 0; k < 50_000; k++) {
      const keys = COLUMNS.filter((name) => (name === "calleeNumber" ? next() < 0.95 : next() < 0.3));
      const row: Record<string, string> = {};
      for (const key of keys) row[key] = VALUES[Math.floor(next() * VALUES.length)]!;
      if (!rowClearly(row, keys)) continue;
      cleared++;
      expect(validate(row), JSON.stringify(row)).toBe(true);
    }
    expect(cleared).toBeGreaterThan(1_000);
    expect(rowClearly({ calleeNumber: "919700000001", text1: "Asha" }, ["calleeNumber", "text1"])).toBe(true);
  });

  test("an unknown column or a missing number is left to the validator", () => {
    expect(rowClearly({ calleeNumber: "919700000001", text11: "x" }, ["calleeNumber", "text11"])).toBe(false);
    expect(rowClearly({ text1: "x" }, ["calleeNumber", "text1"])).toBe(false);
  });
});
