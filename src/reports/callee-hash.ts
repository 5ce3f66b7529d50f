import { createHmac, randomBytes } from "node:crypto";

/** A new store's salt: 128 random bits, as hex. */
export const newSalt = (): string => randomBytes(16).toString("hex");

// What a platform or a CSV may put between a number's digits; declared numbers are digits only.
const SEPARATORS = /[\s+().-]/g;

/**
 * A number's salted hash as both stores keep it, and as outcomes hash declared numbers to compare:
 * separators are dropped first, so a callee pushed as "+91 97000 00001" meets the declared
 * "919700000001". 128 bits of the HMAC: plenty to find a number's reports, and a smaller index than 256.
 */
export function calleeHasher(salt: string): (callee: string) => string {
  return (callee) => createHmac("sha256", salt).update(callee.replace(SEPARATORS, "")).digest("hex").slice(0, 32);
}
