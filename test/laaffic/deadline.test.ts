import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { buildCreateTaskBody, type ApiFailure, type ApiResult } from "../../src/laaffic/index.js";
import { testClient } from "../helpers.js";

// Every platform request has one deadline (api.timeoutMs) for connect, headers and the whole
// body, whatever the server on the other side does. Raw sockets on loopback play the server.
const TIMEOUT_MS = 300;
// Room for a loaded CI machine; a missing deadline would hang the test until vitest's timeout.
const MARGIN_MS = 1_000;

const servers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A raw TCP server on 127.0.0.1 running `onConnection` for each connection; counts the connections that carried a request. */
async function rawServer(
  onConnection: (socket: Socket) => void,
  options: { pauseOnConnect?: boolean } = {},
): Promise<{ url: string; requests: () => number }> {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server = createServer({ pauseOnConnect: options.pauseOnConnect ?? false }, (socket) => {
    if (!options.pauseOnConnect) socket.once("data", () => requests++);
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ server, sockets });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests: () => requests };
}

/** Answers the first request on each connection with `response`, cut after `cutAt` bytes; the rest trickles (a byte per `trickleMs`) or never comes. */
function answerCut(response: string, cutAt: number, trickleMs: number | undefined): (socket: Socket) => void {
  return (socket) => {
    socket.once("data", () => {
      socket.write(response.slice(0, cutAt));
      if (trickleMs === undefined) return;
      let at = cutAt;
      const timer = setInterval(() => {
        if (socket.destroyed || at >= response.length) return clearInterval(timer);
        socket.write(response[at++]!);
      }, trickleMs);
      socket.on("close", () => clearInterval(timer));
    });
  };
}

const ENVELOPE = JSON.stringify({ code: "0", msg: "success", data: 100001 });
const ANSWER = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${ENVELOPE.length + 40}\r\n\r\n${ENVELOPE}${" ".repeat(40)}`;
const CHUNKED = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${ENVELOPE.length.toString(16)}\r\n${ENVELOPE}\r\n0\r\n\r\n`;

function createBody(taskName: string, recipients = 1) {
  return buildCreateTaskBody(
    { taskName, appId: "Jgd8oFei", agentId: 110 },
    Array.from({ length: recipients }, (_, i) => ({ calleeNumber: String(919_700_000_000 + i) })),
  );
}
const QUERY = { current: 1, size: 10, strTime: "2020-01-01 00:00:00", endTime: "2040-01-01 00:00:00" };

function failure<T>(result: ApiResult<T>): ApiFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.failure;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

// Where an answer stalls: before anything, inside the status line, inside the headers, right
// after them, inside the body; for both a fixed length and a chunked body.
const stallPoints = [ANSWER, CHUNKED].flatMap((response) => {
  const headersEnd = response.indexOf("\r\n\r\n") + 4;
  return [0, 7, 20, headersEnd - 2, headersEnd, headersEnd + 5, response.length - 3].map((cutAt) => ({
    response,
    cutAt,
    kind: response === ANSWER ? "length" : "chunked",
  }));
});

describe("one total deadline per request", () => {
  test(`create against answers that stall or trickle at ${stallPoints.length} points: unknown within the deadline, sent once`, async () => {
    // All variations at once, so the file stays fast: each one is its own server and client.
    const cases = stallPoints.flatMap((p) => [
      { ...p, trickleMs: undefined },
      { ...p, trickleMs: 100 },
    ]);
    const seen = await Promise.all(
      cases.map(async ({ response, cutAt, trickleMs, kind }) => {
        const server = await rawServer(answerCut(response, cutAt, trickleMs));
        const { value, ms } = await timed(
          testClient(server, { timeoutMs: TIMEOUT_MS }).createTask(createBody(`stall-${cutAt}`)),
        );
        const reason = value.ok
          ? "answered"
          : value.failure.kind === "unknown"
            ? value.failure.reason
            : value.failure.kind;
        return {
          kind,
          cutAt,
          trickleMs,
          inTime: ms < TIMEOUT_MS + MARGIN_MS,
          attempts: value.attempts,
          requests: server.requests(),
          reason,
        };
      }),
    );
    for (const s of seen)
      expect(s, JSON.stringify(s)).toMatchObject({
        inTime: true,
        attempts: 1,
        requests: 1,
        reason: "no answer within api.timeoutMs after the request was sent",
      });
  });

  test("read against headers then a byte per 100 ms: retried, each attempt cut at the deadline", async () => {
    const server = await rawServer(answerCut(ANSWER, ANSWER.indexOf("\r\n\r\n") + 4, 100));
    const { value, ms } = await timed(testClient(server, { timeoutMs: TIMEOUT_MS }).queryTasks(QUERY));
    expect(value.attempts).toBe(3);
    expect(failure(value)).toMatchObject({
      kind: "unknown",
      reason: "no answer within api.timeoutMs after the request was sent",
    });
    expect(ms).toBeLessThan(3 * TIMEOUT_MS + MARGIN_MS);
    expect(server.requests()).toBe(3);
  });

  test("a server that accepts and never reads a large create: unknown within the deadline", async () => {
    const server = await rawServer(() => undefined, { pauseOnConnect: true });
    const { value, ms } = await timed(
      testClient(server, { timeoutMs: TIMEOUT_MS }).createTask(createBody("never-read", 60_000)),
    );
    expect(ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect(failure(value)).toMatchObject({ kind: "unknown" });
    expect(value.attempts).toBe(1);
  });

  test("a TLS handshake that is never answered: nothing was sent, so unreachable after the attempts", async () => {
    const server = await rawServer((socket) => socket.resume());
    const { value, ms } = await timed(
      testClient({ url: server.url.replace("http:", "https:") }, { timeoutMs: TIMEOUT_MS }).createTask(
        createBody("no-handshake"),
      ),
    );
    expect(failure(value)).toMatchObject({
      kind: "unreachable",
      reason: expect.stringMatching(/^(no connection within api.timeoutMs|connect timed out)$/),
    });
    expect(value.attempts).toBe(3);
    expect(ms).toBeLessThan(3 * TIMEOUT_MS + MARGIN_MS);
  });

  test.each([4 * 1024 * 1024 + 1, 16 * 1024 * 1024])(
    "an answer of %i bytes: a create is unknown, a read fails, nothing buffered past the limit",
    async (bytes) => {
      const server = await rawServer((socket) => {
        socket.once("data", () => {
          socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${bytes}\r\n\r\n`);
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let left = bytes;
          const pump = (): void => {
            while (left > 0 && !socket.destroyed) {
              const n = Math.min(left, chunk.length);
              left -= n;
              if (!socket.write(chunk.subarray(0, n))) return void socket.once("drain", pump);
            }
          };
          pump();
        });
      });
      const client = testClient(server, { timeoutMs: 5_000 });
      const create = await timed(client.createTask(createBody("huge-answer")));
      expect(failure(create.value)).toMatchObject({
        kind: "unknown",
        reason: "the platform's answer is larger than 4194304 bytes",
      });
      const read = await client.queryTasks(QUERY);
      expect(failure(read)).toMatchObject({ kind: "platform", code: "invalid-response" });
      expect(read.attempts).toBe(1);
      expect(create.ms).toBeLessThan(5_000);
    },
  );
});

describe("an abort signal (the user's interrupt)", () => {
  test("aborts a create in flight at once: unknown, the request is not resent", async () => {
    const server = await rawServer((socket) => socket.resume());
    const controller = new AbortController();
    const call = timed(
      testClient(server, { timeoutMs: 10_000, signal: controller.signal }).createTask(createBody("in-flight")),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const { value, ms } = await call;
    expect(ms).toBeLessThan(1_000);
    expect(failure(value)).toMatchObject({ kind: "unknown", reason: "interrupted after the request was sent" });
    expect(server.requests()).toBe(1);
  });

  test("before a request starts: nothing is sent", async () => {
    const server = await rawServer((socket) => socket.resume());
    const controller = new AbortController();
    controller.abort();
    const result = await testClient(server, { signal: controller.signal }).createTask(createBody("never"));
    expect(failure(result)).toMatchObject({ kind: "unreachable", reason: "interrupted before the request was sent" });
    expect(server.requests()).toBe(0);
  });

  test("ends a Retry-After wait at once, with the platform's last answer", async () => {
    const server = await rawServer((socket) =>
      socket.once("data", () =>
        socket.write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 20\r\nContent-Length: 0\r\n\r\n"),
      ),
    );
    const controller = new AbortController();
    const call = timed(
      testClient(server, {
        timeoutMs: 10_000,
        signal: controller.signal,
        sleep: undefined,
        maxRetryAfterMs: 30_000,
      }).createTask(createBody("waiting")),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    const { value, ms } = await call;
    expect(ms).toBeLessThan(1_000);
    expect(value.attempts).toBe(1);
    expect(failure(value)).toMatchObject({ kind: "platform", code: "http-503" });
  });
});

describe("retries stay bounded in total", () => {
  test.each([0, 1, 5, 29, 30, 31, 600, 86_400])(
    "Retry-After %i s: the waits add up to at most (attempts − 1) × maxRetryAfterMs",
    async (seconds) => {
      const server = await rawServer((socket) =>
        socket.on("data", () =>
          socket.write(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${seconds}\r\nContent-Length: 0\r\n\r\n`),
        ),
      );
      const waits: number[] = [];
      const result = await testClient(server, {
        maxRetryAfterMs: 30_000,
        sleep: async (ms) => void waits.push(ms),
      }).createTask(createBody(`retry-${seconds}`));
      expect(failure(result)).toMatchObject({ kind: "platform", code: "http-503" });
      expect(waits.length).toBeLessThanOrEqual(2);
      expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * 30_000);
      expect(result.attempts).toBe(seconds * 1000 <= 30_000 ? 3 : 1);
    },
  );
});
