/**
 * An independent fake LAAFFIC platform for tests, written from /work/shared/laaffic-api.md alone
 * (it imports nothing from src/, not the simulator): a small HTTP server on 127.0.0.1 that
 * answers only what a test scripted, renovate-style.
 *
 *   const fake = await fakePlatform();
 *   fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, ok(null));
 *   fake.expect("POST /voice/group/call/query", (body) => body.params.searchCondition === "x", ok({ total: 1, records: [...] }));
 *   await runCli(["apply", "--auto-approve"], dir, fake.env, fake.now());
 *   fake.done(); // every scripted answer used, nothing unexpected
 *
 * - Every request must carry the documented signature: `Api-Key`, `Timestamp` (unix seconds,
 *   within 300 s of the fake's clock), `Sign` = md5(apiKey + apiSecret + timestamp) and a JSON
 *   `Content-Type`; the body must be a JSON object.
 * - `expect(route, match, answer)` scripts one answer, used once. `match` is the exact body (deep
 *   equality) or a function of the body returning false (or throwing) to refuse it. A request
 *   takes the first unused answer of its route whose match accepts it; `answer` is an envelope
 *   (`ok(data)`, `refuse(code, msg)`) or a function of the body returning one.
 * - Anything else — an unscripted route or body, a bad signature — is answered with the platform
 *   error `-99` (not retried by the client) and recorded as unexpected. With `refuseBadSignatures`
 *   a wrong key or Sign is answered `-1` (authentication error) instead, as the platform would.
 * - `dateOffsetMs` sends a Date header that far from the fake's clock (a platform clock that is off).
 * - `done()` throws listing the unexpected requests and the answers left unused. It runs again
 *   by itself after each test (failing it) for every fake, whose server is then stopped.
 * - `requests` holds every request received, in order, for assertions on what was sent.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";
import { afterEach } from "vitest";

/** The documented endpoints (laaffic-api.md); a route outside them is a typo in the test. */
export const ROUTES = [
  "POST /voice/group/call/send/agent",
  "POST /voice/group/call/query",
  "POST /voice/group/call/cancel",
  "POST /voice/recallFlow/queryPage",
  "POST /voice/recallFlow/queryDetail",
  "POST /voice/recallFlow/update",
  "POST /voice/recallFlow/cancel",
] as const;
export type Route = (typeof ROUTES)[number];

export interface Envelope {
  code: string | number;
  msg: string;
  data: unknown;
}
// Bodies are whatever JSON the client sent: tests read them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;
export type Match = Body | ((body: Body) => boolean | void);
export type Answer = Envelope | ((body: Body) => Envelope);

export const ok = (data: unknown): Envelope => ({ code: "0", msg: "success", data });
export const refuse = (code: string, msg: string): Envelope => ({ code, msg, data: null });

export interface RecordedRequest {
  route: string;
  body: unknown;
  headers: IncomingMessage["headers"];
}

export interface FakePlatform {
  url: string;
  /** Points the CLI at the fake with its credentials. */
  env: Record<string, string>;
  /** The fake's clock (ms), against which signatures are checked: give the CLI the same. */
  now(): number;
  expect(route: Route, match: Match, answer: Answer): void;
  requests: RecordedRequest[];
  /** Throws unless every scripted answer was used and nothing unexpected came. */
  done(): void;
  /** Forgets the scripted answers and the problems seen (after asserting that done() throws). */
  reset(): void;
  stop(): Promise<void>;
}

export interface FakeOptions {
  apiKey?: string;
  apiSecret?: string;
  /** Clock in ms; default Date.now. */
  now?: () => number;
  skewSeconds?: number;
  /** The Date header of every answer is the fake's clock plus this (a platform whose clock is off); absent: Node's own. */
  dateOffsetMs?: number;
  /** Answer a wrong Api-Key or Sign as the platform does, `-1` authentication error, instead of recording it as unexpected. */
  refuseBadSignatures?: boolean;
}

interface Scripted {
  route: Route;
  match: Match;
  answer: Answer;
  used: boolean;
}

const live = new Set<FakePlatform>();
afterEach(async () => {
  const fakes = [...live];
  live.clear();
  const problems: string[] = [];
  for (const fake of fakes) {
    try {
      fake.done();
    } catch (error) {
      problems.push((error as Error).message);
    } finally {
      await fake.stop();
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
});

export async function fakePlatform(options: FakeOptions = {}): Promise<FakePlatform> {
  const apiKey = options.apiKey ?? "fake-key-0123";
  const apiSecret = options.apiSecret ?? "fake-secret-4567";
  const now = options.now ?? Date.now;
  const skew = options.skewSeconds ?? 300;
  const scripted: Scripted[] = [];
  const unexpected: string[] = [];
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const route = `${req.method ?? "?"} ${(req.url ?? "/").split("?")[0]}`;
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ route, body, headers: req.headers });
      const envelope = answerFor(route, body, req);
      const date =
        options.dateOffsetMs === undefined ? {} : { date: new Date(now() + options.dateOffsetMs).toUTCString() };
      res.writeHead(200, { "content-type": "application/json;charset=UTF-8", ...date });
      res.end(JSON.stringify(envelope));
    });
  });

  const answerFor = (route: string, body: unknown, req: IncomingMessage): Envelope => {
    const problem = signatureProblem(req, apiKey, apiSecret, now(), skew);
    const shown = `${route} ${JSON.stringify(body)}`;
    if (problem && options.refuseBadSignatures && /Api-Key|Sign/.test(problem))
      return refuse("-1", "authentication error");
    if (problem) return surprise(`${shown}: ${problem}`);
    if (body === null || typeof body !== "object" || Array.isArray(body))
      return surprise(`${shown}: the body is not a JSON object`);
    const found = scripted.find((s) => !s.used && s.route === route && matches(s.match, body as Body));
    if (!found) return surprise(`${shown}: no scripted answer matches`);
    found.used = true;
    return typeof found.answer === "function" ? found.answer(body as Body) : found.answer;
  };
  const surprise = (what: string): Envelope => {
    unexpected.push(what);
    return refuse("-99", `unexpected request (fake platform): ${what}`);
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped = false;
  const fake: FakePlatform = {
    url,
    env: { LAAFFIC_BASE_URL: url, LAAFFIC_API_KEY: apiKey, LAAFFIC_API_SECRET: apiSecret },
    now,
    requests,
    expect(route, match, answer) {
      if (!(ROUTES as readonly string[]).includes(route))
        throw new Error(`fake platform: ${route} is not a documented endpoint`);
      scripted.push({ route, match, answer, used: false });
    },
    done() {
      const unused = scripted
        .filter((s) => !s.used)
        .map((s) => `${s.route} ${typeof s.match === "function" ? "(a body check)" : JSON.stringify(s.match)}`);
      if (unexpected.length + unused.length === 0) return;
      throw new Error(
        [
          "fake platform:",
          ...unexpected.map((u) => `  unexpected: ${u}`),
          ...unused.map((u) => `  never requested: ${u}`),
        ].join("\n"),
      );
    },
    reset() {
      scripted.length = 0;
      unexpected.length = 0;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  live.add(fake);
  return fake;
}

function matches(match: Match, body: Body): boolean {
  if (typeof match !== "function") return isDeepStrictEqual(match, body);
  try {
    return match(body) !== false;
  } catch {
    return false;
  }
}

function signatureProblem(
  req: IncomingMessage,
  apiKey: string,
  apiSecret: string,
  nowMs: number,
  skewSeconds: number,
): string | undefined {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = header("timestamp");
  if (header("api-key") !== apiKey) return "wrong or missing Api-Key";
  if (!timestamp || !/^\d+$/.test(timestamp)) return "missing or malformed Timestamp";
  const expected = createHash("md5").update(`${apiKey}${apiSecret}${timestamp}`).digest("hex");
  if (header("sign")?.toLowerCase() !== expected) return "wrong Sign";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > skewSeconds)
    return `Timestamp ${timestamp} is more than ${skewSeconds} s off`;
  if (!/^application\/json/i.test(header("content-type") ?? "")) return "Content-Type is not JSON";
  return undefined;
}
