import { createHmac, randomBytes, randomUUID } from "node:crypto";

export type Hasher = (canonical: string) => string;

/** Salted hashes: a plain hash of a short recipient list could be reversed by trying every number. */
export function hmacHasher(salt: string): Hasher {
  return (canonical) => `hmac-sha256:${createHmac("sha256", salt).update(canonical, "utf8").digest("hex")}`;
}

export const newSalt = (): string => randomBytes(16).toString("hex");
export const newLineage = (): string => randomUUID();
export const newId = (): string => randomUUID();
