/** A platform answer: `{code|status, msg|reason, data}`; code "0"/0 is success. */
export type Envelope = { ok: true; data: unknown } | { ok: false; code: string; message: string | undefined };

/** Tolerant reading of the envelope (pages disagree on names and types); undefined if it is not one. */
export function parseEnvelope(body: unknown): Envelope | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const rawCode = record["code"] ?? record["status"];
  if (typeof rawCode !== "string" && typeof rawCode !== "number") return undefined;
  const code = String(rawCode).trim();
  if (!/^-?\d+$/.test(code)) return undefined;
  if (Number(code) === 0) return { ok: true, data: record["data"] ?? null };
  const message = record["msg"] ?? record["reason"] ?? record["message"];
  return { ok: false, code: String(Number(code)), message: typeof message === "string" ? message : undefined };
}
