import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { ipMatches } from "../../src/reports/index.js";
import { TEST_TOKEN, reportRecord, testReceiver } from "../helpers.js";

async function push(url: string, body: string | Buffer, path = `/reports/${TEST_TOKEN}`) {
  const response = await request(`${url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("receiver", () => {
  test("a batch posted twice is stored once", async () => {
    const { receiver, store } = await testReceiver();
    const batch = JSON.stringify({ array: [reportRecord("v1"), reportRecord("v2")] });
    expect(await push(receiver.url, batch)).toEqual({ status: 200, body: { stored: 2, duplicates: 0 } });
    expect(await push(receiver.url, batch)).toEqual({ status: 200, body: { stored: 0, duplicates: 2 } });
    expect(await store.count()).toBe(2);
  });

  test("a bare array and a single record are accepted too", async () => {
    const { receiver, store } = await testReceiver();
    expect((await push(receiver.url, JSON.stringify([reportRecord("a1")]))).status).toBe(200);
    expect((await push(receiver.url, JSON.stringify(reportRecord("a2", { voiceId: 987654321 })))).status).toBe(200);
    expect(await store.count()).toBe(2);
  });

  test("one bad record: the good ones are stored, 400 names the bad one", async () => {
    const { receiver, store } = await testReceiver();
    const result = await push(
      receiver.url,
      JSON.stringify({ array: [reportRecord("g1"), { callee: "919700000001" }, "text", reportRecord("g2")] }),
    );
    expect(result).toEqual({
      status: 400,
      body: {
        stored: 2,
        duplicates: 0,
        rejected: [
          { index: 1, reason: "voiceId is missing" },
          { index: 2, reason: "not a JSON object" },
        ],
        error: "2 record(s) rejected; the others were stored",
      },
    });
    expect(await store.count()).toBe(2);
  });

  test("a wrong token or another path gets 404 and stores nothing", async () => {
    const { receiver, store } = await testReceiver();
    const batch = JSON.stringify([reportRecord("x1")]);
    expect((await push(receiver.url, batch, "/reports/wrong-token-0123456789ab")).status).toBe(404);
    expect((await push(receiver.url, batch, `/reports/${TEST_TOKEN}x`)).status).toBe(404);
    expect((await push(receiver.url, batch, "/")).status).toBe(404);
    expect(await store.count()).toBe(0);
  });

  test("garbage never crashes it: random bytes, huge numbers, deep nesting, 10 MB, too large", async () => {
    const { receiver, store } = await testReceiver({ maxBodyBytes: 12 * 1024 * 1024 });
    expect((await push(receiver.url, randomBytes(4096))).status).toBe(400);
    expect(
      (
        await push(
          receiver.url,
          '[{"voiceId": 1e308, "taskId": 1e400}, {"voiceId": "big", "taskId": "123456789012345678901234567890", "hangupTime": -1e300}]',
        )
      ).status,
    ).toBe(400);
    expect((await push(receiver.url, "[".repeat(200_000) + "]".repeat(200_000))).status).toBe(400);
    expect(
      (
        await push(
          receiver.url,
          JSON.stringify({ array: [reportRecord("pad", { padding: "x".repeat(10 * 1024 * 1024) })] }),
        )
      ).status,
    ).toBe(200);
    expect((await push(receiver.url, Buffer.alloc(13 * 1024 * 1024, 32))).status).toBe(413);
    expect((await push(receiver.url, "null")).status).toBe(400);
    const health = await request(`${receiver.url}/health`);
    expect(await health.body.json()).toEqual({ ok: true, reports: 2 });
    expect(await store.count()).toBe(2);
  });

  test("only allowed source addresses may push", async () => {
    const refused = await testReceiver({ allowIps: ["10.0.0.0/8"] });
    expect((await push(refused.receiver.url, JSON.stringify([reportRecord("r1")]))).status).toBe(403);
    expect(await refused.store.count()).toBe(0);
    const allowed = await testReceiver({ allowIps: ["127.0.0.0/8"] });
    expect((await push(allowed.receiver.url, JSON.stringify([reportRecord("r1")]))).status).toBe(200);
    expect(ipMatches("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(ipMatches("11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(ipMatches("192.168.1.7", "192.168.1.7")).toBe(true);
    expect(ipMatches("::1", "::1")).toBe(true);
  });

  test("log lines and the store hold no raw numbers or text variables unless reports.storeNumbers", async () => {
    const { receiver, logs, storePath } = await testReceiver();
    await push(receiver.url, JSON.stringify([reportRecord("p1", { unknownField: { kept: true } })]));
    const db = new Database(storePath, { readonly: true });
    const row = db.prepare("SELECT * FROM reports").get() as Record<string, unknown>;
    db.close();
    expect(row["callee"]).toBeNull();
    expect(row["callee_masked"]).toBe("9197•••••001");
    expect(row["callee_hash"]).toMatch(/^[0-9a-f]{32}$/);
    const record = JSON.parse(String(row["record"])) as Record<string, unknown>;
    expect(record).toMatchObject({ callee: "9197•••••001", unknownField: { kept: true }, intent: "101" });
    expect(JSON.stringify(row)).not.toContain("919700000001");
    expect(JSON.stringify(row)).not.toContain("Asha");
    expect(JSON.stringify(logs)).not.toContain("919700000001");
    expect(logs).toContainEqual(expect.objectContaining({ event: "batch", records: 1, stored: 1 }));

    const keeping = await testReceiver({ storeNumbers: true });
    await push(keeping.receiver.url, JSON.stringify([reportRecord("p2")]));
    const db2 = new Database(keeping.storePath, { readonly: true });
    expect(db2.prepare("SELECT callee FROM reports").get()).toEqual({ callee: "919700000001" });
    db2.close();
  });

  test("graceful shutdown finishes an in-flight batch", async () => {
    const { receiver, store } = await testReceiver();
    const body = JSON.stringify({ array: Array.from({ length: 2000 }, (_, i) => reportRecord(`s${i}`)) });
    const pending = push(receiver.url, body);
    await new Promise((r) => setTimeout(r, 5));
    await receiver.stop();
    expect((await pending).status).toBe(200);
    expect(await store.count()).toBe(2000);
  });
});
