import { createServer, connect, type Socket } from "node:net";
import { afterEach, expect, test } from "vitest";
import { openPool } from "../../src/pg/index.js";
import { describePg, PG_URL } from "../pg-helpers.js";

// A server that stops answering (a stalled network, a hung host) must not hold a command for
// ever: a query fails after the timeout. A proxy in front of the test server stalls on demand.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function stallingProxy(target: URL): Promise<{ url: string; stall(): void }> {
  let stalled = false;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.push(client, upstream);
    client.on("data", (chunk) => void (stalled || upstream.write(chunk)));
    upstream.on("data", (chunk) => void (stalled || client.write(chunk)));
    client.on("error", () => undefined);
    upstream.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as { port: number }).port;
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return { url: url.toString(), stall: () => void (stalled = true) };
}

describePg("PostgreSQL queries are bounded in time", () => {
  test("a server that stops answering fails the query after the timeout instead of hanging", async () => {
    const proxy = await stallingProxy(new URL(PG_URL!));
    const pool = await openPool(proxy.url, "the test", { queryTimeoutMs: 300 });
    closers.unshift(() => pool.end().catch(() => undefined));
    expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    proxy.stall();
    // Without the timeout this query waits for ever (and the test runner's limit fails the test).
    await expect(pool.query("SELECT 2")).rejects.toThrow(/timeout/i);
  });
});
