import type { IncomingHttpHeaders } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { Pool, type Dispatcher } from "undici";
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
  /** One deadline per attempt for connect, headers and the whole body together. */
  timeoutMs: number;
  /** Attempts in all, for the cases where retrying is safe. */
  maxAttempts?: number;
  /**
   * Longest Retry-After honoured; a longer one ends the attempts. So one call takes at most
   * maxAttempts × timeoutMs + (maxAttempts − 1) × max(maxRetryAfterMs, 5 s backoff):
   * 3 × 30 s + 2 × 30 s = 150 s with the defaults.
   */
  maxRetryAfterMs?: number;
  /** Larger answers are cut off: a create's outcome is then unknown, a read fails. */
  maxAnswerBytes?: number;
  /** Aborts the attempts in flight and any wait before a retry; nothing new is sent after it. */
  signal?: AbortSignal;
  /** Told before each wait for a retry, so a pause is explained while it lasts. */
  onRetry?(wait: { waitMs: number; failure: ApiFailure }): void;
  /** Told of every HTTP answer (status and headers) before it is read: doctor compares clocks by its Date. */
  onResponse?(response: { status: number; headers: IncomingHttpHeaders }): void;
  now(): number;
  sleep?(ms: number): Promise<void>;
}

export type ApiResult<T> =
  { ok: true; data: T; attempts: number } | { ok: false; failure: ApiFailure; attempts: number };

export interface Transport {
  /** POSTs `body` to `path`. `idempotent` requests (reads) may be retried after a send; others never. */
  post(path: string, body: unknown, idempotent: boolean): Promise<ApiResult<unknown>>;
  close(): Promise<void>;
}

// The platform's answers are small envelopes; a page of 100 task records is a few kilobytes.
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

// Failures that happen before a single byte of the request leaves: safe to retry any request.
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TLS_BEFORE_SEND =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

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
  const maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  // The default wait ends with the signal too, so no timer keeps an interrupted process alive.
  const sleep =
    options.sleep ?? ((ms: number) => delay(ms, undefined, { signal: options.signal }).catch(() => undefined));
  const { apiKey, apiSecret } = options.credentials;

  type Outcome = { result: ApiResult<unknown>; retryAfterMs?: number };
  const fail = (failure: ApiFailure): Outcome => ({ result: { ok: false, failure, attempts: 0 } });
  const retry = (failure: ApiFailure, waitMs = 0): Outcome => ({
    result: { ok: false, failure, attempts: 0 },
    retryAfterMs: waitMs,
  });
  // After the request may have been sent, only reads are retried: a create is not idempotent.
  const afterSend = (failure: ApiFailure, idempotent: boolean): Outcome =>
    idempotent ? retry(failure) : fail(failure);

  async function attempt(path: string, payload: string, idempotent: boolean): Promise<Outcome> {
    const request = {
      origin: origin.origin,
      path: basePath + path,
      method: "POST" as const,
      headers: signedHeaders(apiKey, apiSecret, options.now()),
      body: payload,
    };
    const exchanged = await exchange(request);
    if (!exchanged.ok) {
      const { problem, sent } = exchanged;
      if (problem === "interrupted")
        return sent
          ? fail(outcomeUnknown("interrupted after the request was sent"))
          : fail(unreachable("interrupted before the request was sent"));
      if (problem === "too-large")
        return idempotent
          ? fail(platformError("invalid-response", `the platform's answer is larger than ${maxAnswerBytes} bytes`))
          : fail(outcomeUnknown(`the platform's answer is larger than ${maxAnswerBytes} bytes`));
      const why =
        problem === "deadline"
          ? sent
            ? "no answer within api.timeoutMs"
            : "no connection within api.timeoutMs"
          : describeNetworkError(problem);
      if (!sent || NOT_SENT.has(problem) || TLS_BEFORE_SEND.test(problem)) return retry(unreachable(why));
      return afterSend(outcomeUnknown(`${why} after the request was sent`), idempotent);
    }
    const { status, headers } = exchanged;
    options.onResponse?.({ status, headers });
    const text = exchanged.body.toString("utf8");
    if (status === 429 || status === 503) {
      // The platform says it did not take the request; Retry-After says when to come back.
      const failure = platformError(
        `http-${status}`,
        status === 429 ? "rate limited by the platform" : "the platform is unavailable",
        status,
      );
      failure.hint = status === 429 ? "lower api.parallelism or try again later" : "try again later";
      const wait = retryAfterMs(headers["retry-after"], options.now());
      if (wait !== undefined && wait <= maxRetryAfterMs) return retry(failure, wait);
      if (status === 429 || wait !== undefined) return fail(failure);
    }
    // A gateway or server failure says nothing about whether the task was stored.
    if (status >= 500 || status === 408)
      return afterSend(outcomeUnknown(`the platform answered HTTP ${status}`), idempotent);
    if (status >= 400)
      return fail(platformError(`http-${status}`, `the platform refused the request with HTTP ${status}`, status));
    const envelope = parseEnvelope(safeJson(text));
    if (!envelope)
      return afterSend(outcomeUnknown(`the platform's answer (HTTP ${status}) could not be read`), idempotent);
    if (envelope.ok) return { result: { ok: true, data: envelope.data, attempts: 0 } };
    // The platform may echo the credentials: they are masked with the numbers.
    const failure = platformError(envelope.code, envelope.message, status, [apiKey, apiSecret]);
    // -16: the platform refused our timestamp; a fresh signature may pass.
    return envelope.code === "-16" ? retry(failure) : fail(failure);
  }

  // Dispatches still known to the pool: an attempt given up before its connection came up stays
  // queued there, so closing must destroy the pool instead of waiting for it.
  let open = 0;

  /**
   * One attempt under one deadline for connect, headers and the whole body (undici's own
   * timeouts restart with every chunk, so a server trickling a byte at a time would never hit
   * them). `sent` is whether any of the request may have left: undici calls onRequestStart right
   * before it writes, and an attempt already given up aborts there, so nothing leaves late.
   */
  function exchange(request: Dispatcher.DispatchOptions): Promise<Exchanged> {
    return new Promise((resolve) => {
      let sent = false;
      let settled = false;
      let controller: Dispatcher.DispatchController | undefined;
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (result: Exchanged): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (!result.ok) controller?.abort(new Error(`request given up: ${result.problem}`));
        resolve(result);
      };
      const giveUp = (problem: "deadline" | "interrupted" | "too-large") => settle({ ok: false, problem, sent });
      const timer = setTimeout(() => giveUp("deadline"), options.timeoutMs);
      const onAbort = () => giveUp("interrupted");
      if (options.signal?.aborted) return giveUp("interrupted");
      options.signal?.addEventListener("abort", onAbort, { once: true });
      open++;
      pool.dispatch(request, {
        onRequestStart(c) {
          controller = c;
          if (settled) c.abort(new Error("request given up before it was sent"));
          else sent = true;
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders;
        },
        onResponseData(_c, chunk) {
          size += chunk.length;
          if (size > maxAnswerBytes) giveUp("too-large");
          else chunks.push(chunk);
        },
        onResponseEnd() {
          open--;
          settle({ ok: true, status, headers, body: Buffer.concat(chunks) });
        },
        onResponseError(_c, error) {
          open--;
          settle({ ok: false, problem: errorCode(error), sent });
        },
      });
    });
  }

  return {
    async post(path, body, idempotent) {
      const payload = JSON.stringify(body);
      let last: ApiResult<unknown> | undefined;
      for (let n = 1; n <= maxAttempts; n++) {
        const { result, retryAfterMs } = await attempt(path, payload, idempotent);
        last = { ...result, attempts: n };
        if (retryAfterMs === undefined || n === maxAttempts || options.signal?.aborted) break;
        const waitMs = retryAfterMs > 0 ? retryAfterMs : backoffMs(n);
        if (!result.ok) options.onRetry?.({ waitMs, failure: result.failure });
        await interruptible(sleep(waitMs), options.signal);
        // Interrupted while waiting: the last answer stands, nothing more is sent.
        if (options.signal?.aborted) break;
      }
      return last!;
    },
    close: () => (open > 0 ? pool.destroy() : pool.close()),
  };
}

type Exchanged =
  | { ok: true; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { ok: false; problem: string; sent: boolean };

function interruptible(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", done, { once: true });
    void wait.then(done);
  });
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
