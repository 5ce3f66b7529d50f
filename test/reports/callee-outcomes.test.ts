import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseBatch, openPgReportStore, openSqliteStore, type ReportStore } from "../../src/reports/index.js";
import { MAX_QUERY_TASKS } from "../../src/reports/store.js";
import { reportRecord, tempDir } from "../helpers.js";
import { freshSchema, PG_URL } from "../pg-helpers.js";

// The store queries behind per-recipient outcomes, opt-outs and the HTML report's timeline, in both stores.

const T = 1_780_000_000_000;
const H = 3_600_000;
const times = { timeZone: "UTC", now: T + 24 * H };
const report = (voiceId: string, extra: Record<string, unknown>) =>
  parseBatch([reportRecord(voiceId, { callStatus: 50, intent: null, chargedDuration: 10, ...extra })], times).reports;

const stores: [string, () => Promise<ReportStore>][] = [
  ["sqlite", async () => openSqliteStore(join(await tempDir(), "r.db"), { storeNumbers: false })],
  ...(PG_URL
    ? [
        ["postgres", () => openPgReportStore(PG_URL, freshSchema(), { storeNumbers: false })] as [
          string,
          () => Promise<ReportStore>,
        ],
      ]
    : []),
];

describe.each(stores)("report store queries (%s)", (_backend, open) => {
  test("prefixCosts: cost and billed time per parent task and callee prefix; no number in the rows", async () => {
    const store = await open();
    try {
      await store.ingest([
        ...report("p1", { taskId: 300, callee: "919700000001", chargedDuration: 60 }),
        ...report("p2", { taskId: 301, sourceTaskId: 300, callee: "919700000002", chargedDuration: 120 }),
        ...report("p3", { taskId: 300, callee: "447700900123", chargedDuration: 30, currency: "GBP" }),
        ...report("p4", { taskId: null, callee: "919700000003" }),
        ...report("p5", { taskId: 300, callee: "1234567", chargedDuration: 5 }),
      ]);
      const rows = (await store.prefixCosts()).sort((x, y) => (x.prefix < y.prefix ? -1 : 1));
      expect(rows).toEqual([
        // A 7-digit number shows two leading digits.
        { taskId: 300, prefix: "12", currency: "USD", cost: expect.closeTo(0.03, 6), billedLineSeconds: 5 },
        { taskId: 300, prefix: "4477", currency: "GBP", cost: expect.closeTo(0.03, 6), billedLineSeconds: 30 },
        { taskId: 300, prefix: "9197", currency: "USD", cost: expect.closeTo(0.06, 6), billedLineSeconds: 180 },
      ]);
    } finally {
      await store.close();
    }
  });

  test("calleeOutcomes: per callee within a task and its recall rounds; reports without task id apart; others' tasks left out", async () => {
    const store = await open();
    try {
      const [a, b, c, d] = ["919700000001", "919700000002", "919700000003", "919700000004"];
      await store.ingest([
        // a: the first round connected, its recall round (a task of its own) did not: the latest is the recall round.
        ...report("a1", { taskId: 100, callee: a, outRecallCount: 0, hangupTime: T }),
        ...report("a2", {
          taskId: 101,
          sourceTaskId: 100,
          callee: a,
          outRecallCount: 1,
          callStatus: 20,
          chargedDuration: 0,
          hangupTime: T + H,
        }),
        // b: busy in the task, then a report without any task id that connected later.
        ...report("b1", { taskId: 100, callee: b, callStatus: 10, hangupTime: T }),
        ...report("b2", { taskId: null, callee: b, intent: "101", hangupTime: T + 2 * H }),
        // c: another campaign's task.
        ...report("c1", { taskId: 200, callee: c, hangupTime: T }),
        // d: the recall round's hangup time cannot be read; it is still the latest.
        ...report("d1", { taskId: 100, callee: d, outRecallCount: 0, hangupTime: T + 3 * H }),
        ...report("d2", {
          taskId: 101,
          sourceTaskId: 100,
          callee: d,
          outRecallCount: 1,
          callStatus: 20,
          hangupTime: "garbage",
        }),
      ]);
      const hashes = [a, b, c, d].map((n) => store.hashCallee(n));
      const rows = await store.calleeOutcomes({ taskIds: [100], calleeHashes: hashes });
      const by = (hash: string, unattributed: boolean) =>
        rows.find((r) => r.calleeHash === hash && r.unattributed === unattributed);
      expect(rows).toHaveLength(4);
      expect(by(hashes[0]!, false)).toEqual({
        calleeHash: hashes[0],
        unattributed: false,
        attempts: 2,
        connectedCalls: 1,
        billedLineSeconds: 10,
        lastCallAt: T + H,
        outcome: "noAnswer",
        intent: null,
      });
      expect(by(hashes[1]!, false)).toMatchObject({ attempts: 1, outcome: "busy" });
      expect(by(hashes[1]!, true)).toMatchObject({
        attempts: 1,
        outcome: "connected",
        intent: "101",
        lastCallAt: T + 2 * H,
      });
      expect(by(hashes[2]!, false)).toBeUndefined();
      expect(by(hashes[3]!, false)).toMatchObject({ attempts: 2, outcome: "noAnswer", lastCallAt: T + 3 * H });
      // Only the callees asked for.
      expect(await store.calleeOutcomes({ taskIds: [100], calleeHashes: [hashes[0]!] })).toHaveLength(1);
      expect(await store.calleeOutcomes({ taskIds: [], calleeHashes: [] })).toEqual([]);
      await expect(
        store.calleeOutcomes({ taskIds: Array.from({ length: MAX_QUERY_TASKS + 1 }, (_, i) => i), calleeHashes: [] }),
      ).rejects.toThrow(/at most 1000 task ids/);
    } finally {
      await store.close();
    }
  });

  test("optedOut: callees with any opt-out report, of any task; a later report never takes it back", async () => {
    const store = await open();
    try {
      const [e, f, g, h] = ["919700000005", "919700000006", "919700000007", "919700000008"];
      await store.ingest([
        ...report("e1", { taskId: 1, callee: e, intent: "STOP", hangupTime: T }),
        ...report("e2", { taskId: 2, callee: e, intent: "101", hangupTime: T + H }), // a later round without it: still out
        ...report("f1", { taskId: 1, callee: f, intent: "101", hangupTime: T }),
        ...report("f2", { taskId: 2, callee: `+91 97000 00006`, intent: "STOP", hangupTime: T + H }),
        ...report("g1", { taskId: 1, callee: g, intent: "DNC", hangupTime: T }),
        ...report("h1", { taskId: 1, callee: h, intent: "STOP", hangupTime: null }), // its time unreadable
        ...report("h2", { taskId: 1, callee: h, intent: null, hangupTime: T + H }),
        ...report("n1", { taskId: 1, callee: null, intent: "STOP", hangupTime: T }),
      ]);
      const found = await store.optedOut(["STOP", "DNC"]);
      expect(found.map((o) => o.calleeHash).sort()).toEqual([e, f, g, h].map((n) => store.hashCallee(n)).sort());
      expect(found.find((o) => o.calleeHash === store.hashCallee(f))).toMatchObject({ intent: "STOP" });
      expect(found.find((o) => o.calleeHash === store.hashCallee(e))).toMatchObject({ intent: "STOP" });
      expect(found.find((o) => o.calleeHash === store.hashCallee(g))!.calleeMasked).toBe("9197•••••007");
      expect(await store.optedOut(["NOPE"])).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test("timeline: calls per task, hour and outcome; reports without a readable hangup time are left out", async () => {
    const store = await open();
    try {
      await store.ingest([
        ...report("t1", { taskId: 1, callee: "919700000008", hangupTime: T + 60_000 }),
        ...report("t2", { taskId: 1, callee: "919700000009", hangupTime: T + 120_000 }),
        ...report("t3", { taskId: 1, callee: "919700000010", callStatus: 20, hangupTime: T + H }),
        ...report("t4", { taskId: 1, callee: "919700000011", hangupTime: null }),
      ]);
      const hour = Math.floor(T / H) * H;
      const rows = (await store.timeline()).sort((x, y) => x.hour - y.hour || (x.outcome < y.outcome ? -1 : 1));
      expect(rows).toEqual([
        { taskId: 1, sourceTaskId: null, calleeHash: null, hour, outcome: "connected", calls: 2 },
        { taskId: 1, sourceTaskId: null, calleeHash: null, hour: hour + H, outcome: "noAnswer", calls: 1 },
      ]);
    } finally {
      await store.close();
    }
  });
});
