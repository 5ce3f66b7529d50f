import { Pool } from "undici";
import { signedHeaders } from "./sign.js";
import { outcomeUnknown, platformError, unreachable, type ApiFailure } from "./errors.js";
import { parseEnvelope } from "./envelope.js";

export interface Credentials {
  apiKey: string;
  apiSecret: string;
}

export interface TransportOptions {
  baseUrl: string;
  /** Prefix before every endpoint path, e.g. "/v3". */
  pathPrefix?: string;
  credentials: Credentials;
  /** Connect, headers and body timeout of one attempt. */
  timeoutMs: number;
  /** Attempts in all, for the cases where retrying is safe. */
  maxAttempts?: number;
  /** Longest Retry-After honoured; a longer one ends the attempts. */
  maxRetryAfterMs?: number;
  now(): number;
  sleep?(ms: number): Promise<void>;
}

export type ApiResult<T> = { ok: true; data: T; attempts: number } | { ok: false; failure: ApiFailure; attempts: number };

export interface Transport {
  /** POSTs `body` to `path`. `idempotent` requests (reads) may be retried after a send; others never. */
  post(path: string, body: unknown, idempotent: boolean): Promise<ApiResult<unknown>>;
  close(): Promise<void>;
}

// Failures that happen before a single byte of the request leaves: safe to retry any request.
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);
const TLS_BEFORE_SEND = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

export function createTransport(options: TransportOptions): Transport {
  const origin = new URL(options.baseUrl);
  const basePath = (origin.pathname.replace(/\/$/, "") + (options.pathPrefix ?? "")).replace(/\/$/, "");
  const pool = new Pool(origin.origin, {
    connect: { timeout: options.timeoutMs },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    keepAliveTimeout: 4_000,
  });
  const maxAttempts = options.maxAttempts ?? 3;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { apiKey, apiSecret } = options.credentials;

  type Outcome = { result: ApiResult<unknown>; retryAfterMs?: number };
  const fail = (failure: ApiFailure): Outcome => ({ result: { ok: false, failure, attempts: 0 } });
  const retry = (failure: ApiFailure, waitMs = 0): Outcome => ({ result: { ok: false, failure, attempts: 0 }, retryAfterMs: waitMs });
  // After the request may have been sent, only reads are retried: a create is not idempotent.
  const afterSend = (failure: ApiFailure, idempotent: boolean): Outcome => (idempotent ? retry(failure) : fail(failure));

  async function attempt(path: string, payload: string, idempotent: boolean): Promise<Outcome> {
    let response;
    try {
      response = await pool.request({ path: basePath + path, method: "POST", headers: signedHeaders(apiKey, apiSecret, options.now()), body: payload });
    } catch (error) {
      const code = errorCode(error);
      if (NOT_SENT.has(code) || TLS_BEFORE_SEND.test(code)) return retry(unreachable(describeNetworkError(code)));
      return afterSend(outcomeUnknown(`${describeNetworkError(code)} after the request was sent`), idempotent);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      return afterSend(outcomeUnknown(`the answer was cut off (${describeNetworkError(errorCode(error))})`), idempotent);
    }
    const status = response.statusCode;
    if (status === 429 || status === 503) {
      // The platform says it did not take the request; Retry-After says when to come back.
      const failure = platformError(`http-${status}`, status === 429 ? "rate limited by the platform" : "the platform is unavailable", status);
      failure.hint = status === 429 ? "lower api.parallelism or try again later" : "try again later";
      const wait = retryAfterMs(response.headers["retry-after"], options.now());
      if (wait !== undefined && wait <= maxRetryAfterMs) return retry(failure, wait);
      if (status === 429 || wait !== undefined) return fail(failure);
    }
    // A gateway or server failure says nothing about whether the task was stored.
    if (status >= 500 || status === 408) return afterSend(outcomeUnknown(`the platform answered HTTP ${status}`), idempotent);
    if (status >= 400) return fail(platformError(`http-${status}`, `the platform refused the request with HTTP ${status}`, status));
    const envelope = parseEnvelope(safeJson(text));
    if (!envelope) return afterSend(outcomeUnknown(`the platform's answer (HTTP ${status}) could not be read`), idempotent);
    if (envelope.ok) return { result: { ok: true, data: envelope.data, attempts: 0 } };
    const failure = platformError(envelope.code, envelope.message, status);
    // -16: the platform refused our timestamp; a fresh signature may pass.
    return envelope.code === "-16" ? retry(failure) : fail(failure);
  }

  return {
    async post(path, body, idempotent) {
      const payload = JSON.stringify(body);
      let last: ApiResult<unknown> | undefined;
      for (let n = 1; n <= maxAttempts; n++) {
        const { result, retryAfterMs } = await attempt(path, payload, idempotent);
        last = { ...result, attempts: n };
        if (retryAfterMs === undefined || n === maxAttempts) break;
        await sleep(retryAfterMs > 0 ? retryAfterMs : backoffMs(n));
      }
      return last!;
    },
    close: () => pool.close(),
  };
}

function backoffMs(attempt: number): number {
  return Math.min(200 * 2 ** (attempt - 1), 5_000);
}

function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return String(e?.code ?? e?.cause?.code ?? "UNKNOWN");
}

function describeNetworkError(code: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host name not found";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connect timed out";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "no answer within api.timeoutMs";
    case "ECONNRESET":
    case "UND_ERR_SOCKET":
      return "the connection was reset";
    default:
      return `network error ${code}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
