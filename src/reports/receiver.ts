import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBody, sendJson } from "../http/index.js";
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
  /** Structured log lines; they never hold numbers (counts and ids only). */
  log(entry: Record<string, unknown>): void;
}

export interface Receiver {
  /** Base URL, e.g. http://127.0.0.1:8766 */
  url: string;
  /** Where the platform pushes: the base URL + /reports/<token>. */
  reportUrl: string;
  port: number;
  /** Stops accepting, lets in-flight batches finish and be stored, then closes. */
  stop(): Promise<void>;
}

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const expected = Buffer.from(`/reports/${options.token}`);
  const isReportPath = (path: string): boolean => {
    const given = Buffer.from(path);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log({ event: "error", message: error instanceof Error ? error.message : String(error) });
      // The platform retries a failed push; nothing acknowledged was lost.
      if (!res.headersSent) sendJson(res, 500, { error: "the batch could not be stored; push it again" });
    });
  });
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
    const body = await readBody(req, options.maxBodyBytes);
    if (body === undefined) {
      options.log({ event: "refused", remote, reason: "body too large" });
      res.setHeader("connection", "close");
      return sendJson(res, 413, { error: `body larger than ${options.maxBodyBytes} bytes` });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      options.log({ event: "refused", remote, reason: "malformed JSON", bytes: body.length });
      return sendJson(res, 400, { error: "malformed JSON" });
    }
    const records = recordsOf(parsed);
    if (!records) return sendJson(res, 400, { error: 'expected {"array": [...]}, a list of records or one record' });
    const batch = parseBatch(records);
    const result = await options.store.ingest(batch.reports);
    options.log({ event: "batch", remote, records: records.length, stored: result.stored, duplicates: result.duplicates, rejected: batch.bad.length });
    if (batch.bad.length > 0) return sendJson(res, 400, { ...result, rejected: batch.bad, error: `${batch.bad.length} record(s) rejected; the others were stored` });
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
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
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
    return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p <= 255) ? parts.reduce((n, p) => n * 256 + p, 0) : undefined;
  };
  const a = toInt(ip);
  const b = toInt(base!);
  const n = Number(bits);
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}
