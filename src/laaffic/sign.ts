import { createHash } from "node:crypto";

/** Sign = md5(apiKey + apiSecret + timestamp), 32 lower-case hex digits (the platform ignores case). */
export function sign(apiKey: string, apiSecret: string, timestampSeconds: number): string {
  return createHash("md5").update(`${apiKey}${apiSecret}${timestampSeconds}`, "utf8").digest("hex");
}

/** The four headers of every request, signed afresh for each attempt. */
export function signedHeaders(apiKey: string, apiSecret: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "Api-Key": apiKey,
    Timestamp: String(timestamp),
    Sign: sign(apiKey, apiSecret, timestamp),
    "Content-Type": "application/json;charset=UTF-8",
  };
}
