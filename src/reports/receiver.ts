import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeUtf8 } from "../files/index.js";
import { BodyReadError, readBody, sendJson } from "../http/index.js";
import { ASSUMED_PLATFORM_TIME_ZONE } from "../laaffic/assumptions.js";
import { maskSensitiveText } from "../privacy/index.js";
import { parseBatch, recordsOf } from "./record.js";
import type { ReportStore } from "./store.js";

export interface ReceiverOptions {
  host: string;
  port: number;
  token: string;
  /** Source addresses allowed to push (exact IPs or IPv4 CIDR); undefined = any. */
  allowIps?: readonly string[];
  maxBodyBytes: number;
  store: ReportStore;
  /** The platform's zone (api.timezone), in which `yyyyMMddHHmmss` report times are read. */
  timeZone?: string;
  /** Clock for the report-time sanity window (injected by tests). */
  now?: () => number;
  /** Structured log lines; they never hold numbers (counts and ids only). */
  log(entry: Record<string, unknown>): void;
  /** Longest time for one request's headers and body to arrive (default 30 s); headers alone get at most 10 s of it. */
  requestTimeoutMs?: number;
  /** On stop, how long requests under way may take before their connections are cut (default 2 s). */
  stopGraceMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const MAX_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_GRACE_MS = 2_000;

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:8766 */
  url: string;
  /** Where the platform pushes: the base URL + /reports/<token>. */
  reportUrl: string;
  port: number;
  /**
   * Stops accepting and closes idle connections at once; a request arriving on an open
   * connection gets 503. Requests under way get the grace period, then their connections are
   * cut (no 200 for them: the platform pushes again); a batch already being stored is stored
   * before this resolves. Bounded: grace + the time one store write takes.
   */
  stop(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const expected = Buffer.from(`/reports/${options.token}`);
  const isReportPath = (path: string): boolean => {
    const given = Buffer.from(path);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let stopping = false;
  const inFlight = new Set<Promise<void>>();
  const unanswered = new Set<ServerResponse>();
  // Slow clients are cut off by these (checked every second, not Node's default 30 s), so none
  // can hold a connection, or the stop, for long.
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(MAX_HEADERS_TIMEOUT_MS, requestTimeoutMs),
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      if (stopping) {
        req.resume();
        res.setHeader("connection", "close");
        res.setHeader("retry-after", "30");
        return sendJson(res, 503, { error: "the receiver is stopping; push again" });
      }
      unanswered.add(res);
      res.on("close", () => unanswered.delete(res));
      const handled = handle(req, res).catch((error: unknown) => {
        // A store's error may quote what it was given: logged masked, like everything the receiver logs.
        options.log({
          event: "error",
          message: maskSensitiveText(error instanceof Error ? error.message : String(error)),
        });
        // The platform retries a failed push; nothing acknowledged was lost.
        if (!res.headersSent) sendJson(res, 500, { error: "the batch could not be stored; push it again" });
      });
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    },
  );
  server.on("clientError", (_error, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const remote = normaliseIp(req.socket.remoteAddress ?? "");
    const path = (req.url ?? "/").split("?")[0]!;
    if (options.allowIps && !options.allowIps.some((allowed) => ipMatches(remote, allowed))) {
      options.log({ event: "refused", remote, reason: "source address not allowed" });
      req.resume();
      return sendJson(res, 403, { error: "source address not allowed" });
    }
    if (req.method === "GET" && path === "/health") {
      req.resume();
      return sendJson(res, 200, { ok: true, reports: await options.store.count() });
    }
    if (req.method !== "POST" || !isReportPath(path)) {
      req.resume();
      return sendJson(res, 404, { error: "not found" });
    }
    const body = await readBody(req, options.maxBodyBytes, requestTimeoutMs).catch((error: unknown) => {
      if (error instanceof BodyReadError) return error;
      throw error;
    });
    if (body instanceof BodyReadError) {
      options.log({ event: "refused", remote, reason: body.message });
      res.setHeader("connection", "close");
      return sendJson(res, 408, { error: `${body.message}; nothing was stored` });
    }
    if (body === undefined) {
      options.log({ event: "refused", remote, reason: "body too large" });
      res.setHeader("connection", "close");
      return sendJson(res, 413, { error: `body larger than ${options.maxBodyBytes} bytes` });
    }
    // Strict UTF-8: a lenient decode would turn two different invalid ids into one U+FFFD id,
    // and the second record would be "already stored" without ever being stored.
    const decoded = decodeUtf8(body);
    if (!decoded.ok) {
      options.log({ event: "refused", remote, reason: "invalid UTF-8", offset: decoded.offset });
      return sendJson(res, 400, { error: `the body is not valid UTF-8 (byte ${decoded.offset}); nothing was stored` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoded.text);
    } catch {
      options.log({ event: "refused", remote, reason: "malformed JSON", bytes: body.length });
      return sendJson(res, 400, { error: "malformed JSON" });
    }
    const records = recordsOf(parsed);
    if (!records) return sendJson(res, 400, { error: 'expected {"array": [...]}, a list of records or one record' });
    const batch = parseBatch(records, {
      timeZone: options.timeZone ?? ASSUMED_PLATFORM_TIME_ZONE,
      now: (options.now ?? Date.now)(),
    });
    const result = await options.store.ingest(batch.reports);
    options.log({
      event: "batch",
      remote,
      records: records.length,
      stored: result.stored,
      duplicates: result.duplicates,
      rejected: batch.bad.length,
    });
    // Once per batch, not per record: the platform may never send task ids (its docs do not list them).
    const withoutTaskId = batch.reports.filter((r) => r.taskId === null && r.sourceTaskId === null).length;
    if (withoutTaskId > 0)
      options.log({
        event: "without-task-id",
        remote,
        records: withoutTaskId,
        note: "stored; campaign outcomes attributes them by callee where one campaign declared the number",
      });
    const unreadableTimes = batch.reports.reduce((n, r) => n + r.unreadableTimes, 0);
    if (unreadableTimes > 0)
      options.log({
        event: "unreadable-times",
        remote,
        times: unreadableTimes,
        note: "dropped: not epoch ms or yyyyMMddHHmmss, or before 2000 or more than a year ahead",
      });
    if (batch.bad.length > 0)
      return sendJson(res, 400, {
        ...result,
        rejected: batch.bad,
        error: `${batch.bad.length} record(s) rejected; the others were stored`,
      });
    sendJson(res, 200, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    reportUrl: `${url}/reports/${options.token}`,
    port,
    stop: async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Answers still to come close their connection: no further request rides on it.
      for (const res of unanswered) if (!res.headersSent) res.setHeader("connection", "close");
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS)),
      );
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(timer);
      // Slow or silent clients: cut. A handler still reading its body then ends without a 200.
      server.closeAllConnections();
      // A batch being stored is not abandoned halfway: the store closes only after it.
      await Promise.allSettled([...inFlight]);
      await closed;
    },
  };
}

function normaliseIp(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** Exact match, or an IPv4 CIDR range like 10.0.0.0/8. */
export function ipMatches(ip: string, allowed: string): boolean {
  const [base, bits] = allowed.split("/");
  if (bits === undefined) return normaliseIp(base!) === ip;
  const toInt = (v: string): number | undefined => {
    const parts = v.split(".").map(Number);
    return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255)
      ? parts.reduce((n, p) => n * 256 + p, 0)
      : undefined;
  };
  const a = toInt(ip);
  const b = toInt(base!);
  const n = Number(bits);
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}
