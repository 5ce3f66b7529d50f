import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { TEST_TOKEN, reportRecord, testReceiver } from "../helpers.js";

async function push(url: string, body: unknown) {
  const response = await request(`${url}/reports/${TEST_TOKEN}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

/** Every byte SQLite wrote: the database, its WAL and shared memory. */
async function storeBytes(storePath: string): Promise<string> {
  const dir = dirname(storePath);
  const files = (await readdir(dir)).filter((f) => f.startsWith("reports.db"));
  return (await Promise.all(files.map((f) => readFile(join(dir, f), "latin1")))).join("\n");
}

/** Distinct numbers, each written raw, with a +, and with separators. */
const NUMBERS = Array.from({ length: 8 }, (_, i) => `9197${String(31_415_926 + i * 7_654_321).padStart(8, "0")}`);
const written = (n: string, i: number): string =>
  [
    n,
    `+${n}`,
    `+${n.slice(0, 2)} ${n.slice(2, 7)} ${n.slice(7)}`,
    `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 9)}-${n.slice(9)}`,
    `${n.slice(0, 2)}.${n.slice(2, 6)}.${n.slice(6, 9)}.${n.slice(9)}`,
  ][i % 5]!;

describe("the receiver never stores a number raw, whatever its type", () => {
  test("callee and displayNum as strings in any writing or JSON numbers are masked; lists, objects, booleans and inexact numbers are refused by index and field", async () => {
    const { receiver, store, storePath } = await testReceiver();
    const accepted: Record<string, unknown>[] = [];
    const refused: { record: Record<string, unknown>; reason: string }[] = [];
    NUMBERS.forEach((n, i) => {
      accepted.push(reportRecord(`ok-s-${i}`, { callee: written(n, i), displayNum: written(n, i + 1) }));
      accepted.push(reportRecord(`ok-n-${i}`, { callee: Number(n), displayNum: Number(n) }));
      for (const field of ["callee", "displayNum"]) {
        refused.push({
          record: reportRecord(`bad-l-${field}-${i}`, { [field]: [n] }),
          reason: `${field} must be a string of digits, not a list`,
        });
        refused.push({
          record: reportRecord(`bad-o-${field}-${i}`, { [field]: { number: n } }),
          reason: `${field} must be a string of digits, not an object`,
        });
        refused.push({
          record: reportRecord(`bad-b-${field}-${i}`, { [field]: true }),
          reason: `${field} must be a string of digits, not a boolean`,
        });
        refused.push({
          record: reportRecord(`bad-f-${field}-${i}`, { [field]: Number(n) + 0.5 }),
          reason: `${field} is a number that cannot be read exactly; send it as a string of digits`,
        });
      }
    });
    // Text variables in any shape, and numbers in fields the platform may add, or put in its reasons.
    NUMBERS.forEach((n, i) => {
      accepted.push(
        reportRecord(`ok-x-${i}`, {
          callee: n,
          calledInfo: [{ text1: n }],
          terminationReason: `callee ${written(n, i)} busy`,
          extraPhone: written(n, i + 2),
          extraNumber: Number(n),
          extraNested: { list: [n, { [n]: written(n, i + 3) }] },
        }),
      );
      accepted.push(reportRecord(`ok-c-${i}`, { callee: n, calledInfo: { text1: n }, displayNum: null }));
      accepted.push(reportRecord(`ok-d-${i}`, { callee: n, calledInfo: Number(n) }));
    });
    const batch = [...accepted, ...refused.map((r) => r.record)];
    const answer = await push(receiver.url, { array: batch });
    expect(answer.status).toBe(400);
    expect(answer.body["stored"]).toBe(accepted.length);
    expect(answer.body["rejected"]).toEqual(refused.map((r, k) => ({ index: accepted.length + k, reason: r.reason })));
    expect(await store.count()).toBe(accepted.length);

    await receiver.stop();
    await store.close();
    const bytes = await storeBytes(storePath);
    expect(bytes).toContain("ok-x-0"); // the records are there
    for (const [i, n] of NUMBERS.entries()) {
      expect(bytes).not.toContain(n);
      for (let k = 0; k < 5; k++) expect(bytes).not.toContain(written(n, i + k));
      expect(bytes).not.toContain(n.slice(2)); // not even without the country code
    }
    // Ids, times and amounts stay exact; text keeps its shape with the number masked.
    const db = new Database(storePath, { readonly: true });
    const row = db.prepare("SELECT record FROM reports WHERE voice_id = 'ok-x-0'").get() as { record: string };
    db.close();
    const kept = JSON.parse(row.record) as Record<string, unknown>;
    expect(kept).toMatchObject({
      voiceId: "ok-x-0",
      taskId: 100001,
      hangupTime: 1_780_000_000_000,
      cost: "0.0100",
      intent: "101",
      calledInfo: "(not stored: set reports.storeNumbers to keep text variables)",
    });
    expect(kept["terminationReason"]).toMatch(/^callee 9197•+\d{3} busy$/);
    expect(typeof kept["extraNumber"]).toBe("string");
  });

  test("with reports.storeNumbers the record is kept as pushed", async () => {
    const { receiver, store } = await testReceiver({ storeNumbers: true });
    expect((await push(receiver.url, [reportRecord("raw-1", { callee: Number(NUMBERS[0]) })])).status).toBe(200);
    expect(await store.count()).toBe(1);
  });
});

describe("numbers hidden in codes, ids and keys", () => {
  test("a number as an unknown field's name, or inside a code or a recording URL, is masked; ids and times stay exact", async () => {
    const { receiver, storePath } = await testReceiver();
    const records = NUMBERS.map((n, i) =>
      reportRecord(`hid-${i}`, {
        [n]: "key",
        recordingFileId: `https://x/rec/${n}.mp3`,
        intent: `i${n}`,
        sipCode: n,
        terminationCode: n,
        scriptId: n,
        currency: n,
        code: n,
        hangupTime: 1_780_000_000_000 + i,
      }),
    );
    expect((await push(receiver.url, { array: records })).status).toBe(200);
    const bytes = await storeBytes(storePath);
    for (const n of NUMBERS) expect(bytes).not.toContain(n);
    expect(bytes).toContain("hid-3");
    expect(bytes).toContain("1780000000003");
  });
});

describe("voiceId of the wrong kind is refused with the reason", () => {
  test("missing, blank, too large to read exactly, a list, an object, a boolean", async () => {
    const { receiver, store } = await testReceiver();
    const cases: [unknown, string][] = [
      [undefined, "voiceId is missing"],
      ["  ", "voiceId is missing"],
      [null, "voiceId is missing"],
      [2 ** 60 + 1, "voiceId is a number that cannot be read exactly; send it as a string"],
      [["v"], "voiceId must be a string, not a list"],
      [{ id: "v" }, "voiceId must be a string, not an object"],
      [true, "voiceId must be a string, not a boolean"],
    ];
    const records = cases.map(([voiceId]) => ({ ...reportRecord("x"), voiceId }));
    const answer = await push(receiver.url, { array: records });
    expect(answer.status).toBe(400);
    expect((answer.body["rejected"] as { reason: string }[]).map((r) => r.reason)).toEqual(
      cases.map(([, reason]) => reason),
    );
    expect(await store.count()).toBe(0);
  });
});
