import { describe, expect, test } from "vitest";
import { optOutMatcher } from "../../src/reports/index.js";
import { calleeHasher } from "../../src/reports/callee-hash.js";
import { maskPhoneNumber } from "../../src/privacy/index.js";

describe("optOutMatcher", () => {
  const hash = calleeHasher("salt");
  const numbers = Array.from({ length: 100_000 }, (_, i) => 919_700_000_000 + i);

  test("hashes only the declared numbers whose last digits an opted-out callee's mask shows", () => {
    const opted = [919_700_012_345, 919_700_054_321].map((n) => ({
      calleeHash: hash(String(n)),
      calleeMasked: maskPhoneNumber(String(n)),
    }));
    let hashed = 0;
    const match = optOutMatcher(opted, (callee) => (hashed++, hash(callee)));
    const found = numbers.filter((n) => match(n) !== undefined);
    expect(found).toEqual([919_700_012_345, 919_700_054_321]);
    expect(hashed).toBe(200); // two tails of three digits: 2 in 1,000 of the numbers
  });

  test("a mask that does not end in digits (a number pushed with a trailing separator) hashes everything, and still matches", () => {
    const opted = [{ calleeHash: hash("919700000007"), calleeMasked: maskPhoneNumber("+91 97000 00007 ") }];
    let hashed = 0;
    const match = optOutMatcher(opted, (callee) => (hashed++, hash(callee)));
    expect(numbers.filter((n) => match(n) !== undefined)).toEqual([919_700_000_007]);
    expect(hashed).toBe(numbers.length);
  });

  test("no opted-out callee: nothing is hashed", () => {
    let hashed = 0;
    const match = optOutMatcher([], (callee) => (hashed++, hash(callee)));
    expect(numbers.some((n) => match(n) !== undefined)).toBe(false);
    expect(hashed).toBe(0);
  });
});
