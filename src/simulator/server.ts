import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { readBody, sendJson } from "../http/index.js";
import { sign } from "../laaffic/sign.js";
import type { SimAccount } from "./accounts.js";
import { handleEndpoint, type CreateAnswerForm, type Envelope } from "./endpoints.js";
import { isEndpointName, type EndpointName, type Fault, type FaultTable } from "./faults.js";
import type { SimTask, World } from "./world.js";

// Paths as the platform serves them; a prefix such as /v3 in front is accepted too.
const ROUTES: [string, EndpointName][] = [
  ["/voice/group/call/send/agent", "create"],
  ["/voice/group/call/query", "query"],
  ["/voice/group/call/cancel", "cancel"],
  ["/voice/recallFlow/queryPage", "recallQueryPage"],
  ["/voice/recallFlow/queryDetail", "recallQueryDetail"],
  ["/voice/recallFlow/update", "recallUpdate"],
  ["/voice/recallFlow/cancel", "recallCancel"],
];
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface SimStats {
  requests: Record<string, number>;
  tasksCreated: number;
  tasksCreatedByName: Record<string, number>;
  pushes: {
    reportsQueued: number;
    reportsSent: number;
    batchesSent: number;
    batchesFailed: number;
    reportsDropped: number;
  };
}

export interface ServerDeps {
  world: World;
  accounts: SimAccount[];
  faults: FaultTable;
  /** The platform's real clock (signature timestamps); ms. */
  now(): number;
  /** The simulated clock (task lifecycle; runs faster with --speed); ms. */
  simNow(): number;
  skewSeconds: number;
  stats(): SimStats;
  onCreated(task: SimTask): void;
  advance(ms: number): void;
  createAnswer: CreateAnswerForm;
}

export function createSimulatorServer(deps: ServerDeps): { server: Server; sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res, deps).catch(() => {
      // Whatever went wrong, the simulator answers like the platform's system exception.
      if (!res.headersSent && !res.destroyed) sendJson(res, 200, { code: "-18", msg: "system exception", data: null });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  return { server, sockets };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps): Promise<void> {
  const path = (req.url ?? "/").split("?")[0]!;
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === undefined) return sendJson(res, 413, { code: "-23", msg: "request body too large", data: null });
  if (path.startsWith("/__sim/")) return control(path, req.method ?? "GET", raw, res, deps);
  const route = ROUTES.find(([suffix]) => path.endsWith(suffix));
  if (!route || req.method !== "POST") return sendJson(res, 404, { code: "-24", msg: "not found", data: null });
  const endpoint = route[1];
  const stats = deps.stats();
  stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1;

  const fault = deps.faults.take(endpoint);
  if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault?.resetBeforeStore) return void req.socket.destroy();
  if (fault?.httpStatus) return sendStatus(res, fault);
  if (fault?.platformCode)
    return sendJson(res, 200, {
      code: fault.platformCode,
      msg: fault.platformMessage ?? "system exception",
      data: null,
    });

  const account = authenticate(req, deps);
  if ("code" in account) return sendJson(res, 200, account);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return sendJson(res, 200, { code: "-18", msg: "port program unusual: the body is not valid JSON", data: null });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body))
    return sendJson(res, 200, { code: "-18", msg: "port program unusual: the body is not a JSON object", data: null });
  const envelope = handleEndpoint(endpoint, body as Record<string, unknown>, {
    world: deps.world,
    account,
    now: deps.simNow(),
    onCreated: deps.onCreated,
    createAnswer: deps.createAnswer,
  });
  if (fault?.hangAfterStore) return; // the socket stays open until the client gives up or the simulator stops
  if (fault?.resetAfterStore) return void req.socket.destroy();
  sendJson(res, 200, envelope);
}

function authenticate(req: IncomingMessage, deps: ServerDeps): SimAccount | Envelope {
  const key = header(req, "api-key");
  const timestamp = header(req, "timestamp");
  const signature = header(req, "sign");
  const account = deps.accounts.find((a) => a.apiKey === key);
  const refusedAuth = { code: "-1", msg: "authentication error", data: null };
  if (!account || !timestamp || !signature || !/^\d+$/.test(timestamp)) return refusedAuth;
  if (sign(account.apiKey, account.apiSecret, Number(timestamp)) !== signature.toLowerCase()) return refusedAuth;
  if (Math.abs(deps.now() / 1000 - Number(timestamp)) > deps.skewSeconds)
    return { code: "-16", msg: "timestamp expired", data: null };
  return account;
}

function control(path: string, method: string, raw: Buffer, res: ServerResponse, deps: ServerDeps): void {
  if (path === "/__sim/health") return sendJson(res, 200, { ok: true });
  if (path === "/__sim/stats" && method === "GET") return sendJson(res, 200, deps.stats());
  let body: Record<string, unknown> = {};
  try {
    body = raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : {};
  } catch {
    return sendJson(res, 400, { error: "body is not JSON" });
  }
  if (path === "/__sim/faults" && method === "POST") {
    if (!isEndpointName(body["endpoint"]))
      return sendJson(res, 400, { error: "endpoint must be one of the simulated endpoints" });
    deps.faults.set(body["endpoint"], (body["fault"] as Fault | null | undefined) ?? null);
    return sendJson(res, 200, { ok: true });
  }
  if (path === "/__sim/advance" && method === "POST" && typeof body["ms"] === "number") {
    deps.advance(body["ms"]);
    return sendJson(res, 200, { ok: true, simNow: deps.simNow() });
  }
  sendJson(res, 404, { error: "unknown control endpoint" });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendStatus(res: ServerResponse, fault: Fault): void {
  const headers: Record<string, string> = { "content-type": "text/plain" };
  if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
  res.writeHead(fault.httpStatus!, headers);
  res.end(`simulated HTTP ${fault.httpStatus}`);
}
