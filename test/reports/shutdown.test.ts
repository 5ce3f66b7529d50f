import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { openSqliteStore, startReceiver } from "../../src/reports/index.js";
import { TEST_TOKEN, reportRecord, tempDir } from "../helpers.js";

// Slow, silent and idle clients must never hold the receiver: not a connection for longer than
// the request timeout, and not its stop (SIGTERM) for longer than a few seconds. Raw sockets
// play the clients; nothing a client was told was stored (200) may be missing afterwards.
const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");

interface SlowClient {
  kind: string;
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

/** The kinds of slow client, in variations: where the headers stop, how fast a body trickles, idle keep-alive, silent. */
function slowClients(port: number): SlowClient[] {
  const path = `/reports/${TEST_TOKEN}`;
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`;
  const plans: { kind: string; first: string; trickle?: { text: string; everyMs: number } }[] = [
    ...[0, 4, 30, head.length - 2].map((cut) => ({
      kind: `headers cut after ${cut} bytes, then a byte per 100 ms`,
      first: head.slice(0, cut),
      trickle: { text: head.slice(cut), everyMs: 100 },
    })),
    ...[50, 200].map((everyMs) => ({
      kind: `body trickling a byte per ${everyMs} ms`,
      first: head + '{"array": [',
      trickle: { text: " ".repeat(4000), everyMs },
    })),
    ...[1, 2].map((n) => ({
      kind: `idle keep-alive after ${n} answered request(s)`,
      first: `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(n),
    })),
    { kind: "connected, silent", first: "" },
  ];
  return plans.map(({ kind, first, trickle }) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (c) => (received += c));
    socket.on("error", () => undefined);
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now())));
    socket.on("connect", () => {
      if (first) socket.write(first);
      if (!trickle) return;
      let at = 0;
      const timer = setInterval(
        () =>
          socket.destroyed || at >= trickle.text.length ? clearInterval(timer) : socket.write(trickle.text[at++]!),
        trickle.everyMs,
      );
      socket.on("close", () => clearInterval(timer));
    });
    return { kind, socket, received: () => received, closed };
  });
}

async function post(url: string, ids: string[]): Promise<number> {
  const response = await request(`${url}/reports/${TEST_TOKEN}`, {
    method: "POST",
    body: JSON.stringify({ array: ids.map((id) => reportRecord(id)) }),
  });
  await response.body.dump();
  return response.statusCode;
}

function storedIds(path: string): Set<string> {
  const db = new Database(path, { readonly: true });
  try {
    return new Set((db.prepare("SELECT voice_id FROM reports").all() as { voice_id: string }[]).map((r) => r.voice_id));
  } finally {
    db.close();
  }
}

describe("campaign receive stops on SIGTERM with slow clients connected", () => {
  test("exit 0 within 5 s; every slow connection closed; the batch acknowledged before the signal is stored", async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, [BIN, "receive", "--port", "0", "--store", "reports.db"], {
      cwd: dir,
      env: { ...process.env, CAMPAIGN_RECEIVER_TOKEN: TEST_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stderr.on("data", (c) => (output += c));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.on("exit", (code) => resolve({ code, at: performance.now() })),
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        output += c;
        const match = /POST (http:\/\/127\.0\.0\.1:\d+)\/reports\//.exec(output);
        if (match) resolve(match[1]!);
      });
      void exited.then(() => reject(new Error(`receiver exited early\n${output}`)));
    });
    const clients = slowClients(Number(new URL(url).port));
    // The idle keep-alive clients have their answers, so every slow client is connected and under way.
    await Promise.all(
      clients
        .filter((c) => c.kind.startsWith("idle"))
        .map(
          (c) =>
            new Promise<void>((resolve) => {
              const check = () =>
                (c.received().match(/HTTP\/1\.1 200/g) ?? []).length === Number(/after (\d)/.exec(c.kind)![1])
                  ? resolve()
                  : setTimeout(check, 10);
              check();
            }),
        ),
    );
    const ids = Array.from({ length: 50 }, (_, i) => `before-stop-${i}`);
    expect(await post(url, ids)).toBe(200);

    const sentAt = performance.now();
    child.kill("SIGTERM");
    const { code, at } = await exited;
    expect(code, output).toBe(0);
    expect(at - sentAt).toBeLessThan(5_000);
    const closedAt = await Promise.all(clients.map((c) => c.closed));
    for (const [i, t] of closedAt.entries()) expect(t - sentAt, clients[i]!.kind).toBeLessThan(5_000);
    for (const c of clients.filter((c) => !c.kind.startsWith("idle")))
      expect(c.received(), c.kind).not.toContain("200 OK");
    expect(output).toContain('"event":"stopping","signal":"SIGTERM"');
    expect(output).toContain('"event":"stopped"');

    const stored = storedIds(join(dir, "reports.db"));
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  });
});

describe("the receiver bounds every request in time", () => {
  async function receiver(options: { requestTimeoutMs?: number; stopGraceMs?: number } = {}) {
    const dir = await tempDir();
    const storePath = join(dir, "reports.db");
    const store = openSqliteStore(storePath, { storeNumbers: false });
    const logs: Record<string, unknown>[] = [];
    const started = await startReceiver({
      host: "127.0.0.1",
      port: 0,
      token: TEST_TOKEN,
      maxBodyBytes: 1024 * 1024,
      store,
      log: (e) => void logs.push(e),
      ...options,
    });
    return { ...started, store, storePath, logs, close: async () => (await started.stop(), await store.close()) };
  }

  test("slow clients are cut at the request timeout (headers or body), never answered 200, nothing stored", async () => {
    const r = await receiver({ requestTimeoutMs: 400 });
    const start = performance.now();
    const clients = slowClients(r.port).filter((c) => !c.kind.startsWith("idle") && c.kind !== "connected, silent");
    const closedAt = await Promise.all(clients.map((c) => c.closed));
    // 400 ms, checked by the server every second at worst, plus room for a loaded machine.
    for (const [i, t] of closedAt.entries()) expect(t - start, clients[i]!.kind).toBeLessThan(400 + 1_000 + 1_000);
    for (const c of clients) expect(c.received(), c.kind).not.toContain("200 OK");
    expect(await r.store.count()).toBe(0);
    await r.close();
  });

  test("stop: every slow, silent and idle connection is closed within the grace period; none was answered 200", async () => {
    const r = await receiver({ stopGraceMs: 300 });
    const clients = slowClients(r.port);
    const keepAlive = connect(r.port, "127.0.0.1");
    let answers = "";
    keepAlive.on("data", (c) => (answers += c));
    keepAlive.on("error", () => undefined);
    const keepAliveClosed = new Promise<void>((resolve) => keepAlive.on("close", () => resolve()));
    // A request whose body is still arriving when the stop begins.
    keepAlive.write(`POST /reports/${TEST_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20000\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const start = performance.now();
    await r.stop();
    const stopMs = performance.now() - start;
    expect(stopMs).toBeLessThan(300 + 1_000);
    await Promise.all([...clients.map((c) => c.closed), keepAliveClosed]);
    expect(answers).not.toContain("200 OK");
    await r.store.close();
  });

  test("during a stop, a batch under way is stored and answered 200 with Connection: close; the request pipelined behind it is not taken", async () => {
    const r = await receiver({ stopGraceMs: 2_000 });
    const ids = Array.from({ length: 2000 }, (_, i) => `during-${i}`);
    const socket = connect(r.port, "127.0.0.1");
    let answers = "";
    socket.on("data", (c) => (answers += c));
    socket.on("error", () => undefined);
    const body = JSON.stringify({ array: ids.map((id) => reportRecord(id)) });
    await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
    // The stop begins while the batch's body is still arriving; the rest follows within the
    // grace period, and a second request is pipelined behind it on the same connection.
    socket.write(
      `POST /reports/${TEST_TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 1000)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = r.stop();
    socket.write(`${body.slice(1000)}GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await stopped;
    await new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.on("close", () => resolve())));
    const statuses = [...answers.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    // The batch: stored and acknowledged, with the connection closed after it, so the request
    // behind it is never taken (the client sends it again elsewhere).
    expect(statuses).toEqual(["200"]);
    expect(answers).toMatch(/\r\nConnection: close\r\n/i);
    expect(storedIds(r.storePath).size).toBe(2000);
    await r.store.close();
  });
});
