import { createHmac } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { ToolError } from "../../src/errors/index.js";
import {
  calleeIndex,
  campaignOutcomes,
  openPgReportStore,
  openSqliteStore,
  parseBatch,
  type CallReport,
  type ReportStore,
} from "../../src/reports/index.js";
import { reportRecord, tempDir } from "../helpers.js";
import { describePg, freshSchema, PG_URL, pgQuery } from "../pg-helpers.js";

const reports = (...records: Record<string, unknown>[]): CallReport[] =>
  parseBatch(records, { timeZone: "Asia/Shanghai", now: Date.now() }).reports;

/** The hash as the previous release computed it: the stores must keep finding what it stored. */
const oldHash = (salt: string, callee: string) => createHmac("sha256", salt).update(callee).digest("hex").slice(0, 32);

const SALT = "0123456789abcdef0123456789abcdef";

/** A store of each backend, fresh; PostgreSQL only where the PG tests run. */
const BACKENDS: [string, () => Promise<ReportStore>][] = [
  ["SQLite", async () => openSqliteStore(join(await tempDir(), "r.db"), { storeNumbers: false })],
  ...(PG_URL
    ? [
        ["PostgreSQL", () => openPgReportStore(PG_URL, freshSchema(), { storeNumbers: false })] as [
          string,
          () => Promise<ReportStore>,
        ],
      ]
    : []),
];

describe.each(BACKENDS)("the %s store hashes callees as declared numbers are hashed", (_name, open) => {
  test('a callee pushed as "+91 97000 00001" is attributed to the campaign that declared 919700000001', async () => {
    const store = await open();
    try {
      await store.ingest(reports(reportRecord("v1", { taskId: null, callee: "+91 97000 00001" })));
      const rows = await store.aggregate();
      expect(rows).toMatchObject([{ taskId: null, sourceTaskId: null, calleeHash: store.hashCallee("919700000001") }]);
      const byCallee = calleeIndex([{ taskName: "reminders", numbers: [919_700_000_001] }], store.hashCallee);
      expect(campaignOutcomes(rows, undefined, undefined, byCallee).campaigns).toMatchObject([
        { taskName: "reminders", calls: 1 },
      ]);
      expect(store.hashCallee("(91) 9700-000.001")).toBe(store.hashCallee("919700000001"));
    } finally {
      await store.close();
    }
  });
});

/** The SQL of the release before one schema definition: columns of version 2, version recorded as 1. */
const PREVIOUS_SQLITE = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE reports (voice_id TEXT NOT NULL UNIQUE, task_id INTEGER, source_task_id INTEGER, recall_round INTEGER,
    callee_hash TEXT, callee_masked TEXT, callee TEXT, outcome TEXT NOT NULL, intent TEXT, talk_seconds INTEGER NOT NULL DEFAULT 0,
    ai_billed_seconds INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0, ai_fee REAL NOT NULL DEFAULT 0, currency TEXT,
    hangup_time INTEGER, unreadable_times INTEGER NOT NULL DEFAULT 0, received_at TEXT NOT NULL, record TEXT NOT NULL);
  CREATE INDEX reports_task ON reports (task_id);
  CREATE INDEX reports_callee_hash ON reports (callee_hash);
  INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('salt', '${SALT}');
  INSERT INTO reports (voice_id, task_id, callee_hash, callee_masked, outcome, intent, talk_seconds, cost, currency, hangup_time,
    unreadable_times, received_at, record)
  VALUES ('old-1', NULL, '${oldHash(SALT, "919700000001")}', '9197•••••001', 'connected', '101', 42, 0.01, 'USD', 1780000000000, 1,
    '2026-01-01T00:00:00.000Z', '{"voiceId":"old-1"}');`;

describe("SQLite stores of the previous release", () => {
  test("open with this release: the report reads back, the salt and hashes hold, the version is recorded", async () => {
    const path = join(await tempDir(), "r.db");
    const old = new Database(path);
    old.exec(PREVIOUS_SQLITE);
    old.close();
    const store = openSqliteStore(path, { storeNumbers: false, mustExist: true });
    try {
      expect(await store.count()).toBe(1);
      expect(store.hashCallee("919700000001")).toBe(oldHash(SALT, "919700000001"));
      const read = await store.aggregate();
      expect(read).toEqual([
        {
          taskId: null,
          sourceTaskId: null,
          calleeHash: oldHash(SALT, "919700000001"),
          recallRound: null,
          outcome: "connected",
          intent: "101",
          calls: 1,
          billedLineSeconds: 42,
          aiAgentBilledSeconds: 0,
          cost: 0.01,
          aiAgentFee: 0,
          currency: "USD",
          lastHangupTime: 1_780_000_000_000,
          unreadableTimes: 1,
        },
      ]);
      // A new report of the same callee joins the old one's group.
      await store.ingest(reports(reportRecord("new-1", { taskId: null, intent: "101", chargedDuration: 8 })));
      expect(await store.aggregate()).toMatchObject([{ calleeHash: oldHash(SALT, "919700000001"), calls: 2 }]);
    } finally {
      await store.close();
    }
    const db = new Database(path);
    expect(db.prepare("SELECT key, value FROM meta ORDER BY key").all()).toEqual([
      { key: "salt", value: SALT },
      { key: "schema_version", value: "2" },
    ]);
    db.close();
  });

  test("a store newer than this release is refused naming the file and its version, and left as it was", async () => {
    const dir = await tempDir();
    const path = join(dir, "r.db");
    await openSqliteStore(path, { storeNumbers: false }).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    db.close();
    const open = () => openSqliteStore(path, { storeNumbers: false, display: "stores/r.db" });
    expect(open).toThrow(ToolError);
    expect(open).toThrow(
      "the report store stores/r.db has schema version 99; this campaign version knows versions up to 2",
    );
    try {
      open();
    } catch (error) {
      expect(error).toMatchObject({ code: "state-too-new", details: { file: "stores/r.db" } });
    }
    const after = new Database(path);
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: "99" });
    after.close();
  });

  test("a version that is not a number is refused, not migrated over", async () => {
    const path = join(await tempDir(), "r.db");
    await openSqliteStore(path, { storeNumbers: false }).close();
    const db = new Database(path);
    db.prepare("UPDATE meta SET value = 'two' WHERE key = 'schema_version'").run();
    db.close();
    expect(() => openSqliteStore(path, { storeNumbers: false })).toThrow(
      "records a schema version that is not a number",
    );
  });
});

/** The SQL of the release before one schema definition, as its migrations ran (version in schema_version). */
const previousPg = (s: string, version: 1 | 2) => `
  CREATE SCHEMA "${s}";
  CREATE TABLE "${s}".schema_version (component text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now());
  INSERT INTO "${s}".schema_version (component, version) VALUES ('reports', ${version});
  CREATE TABLE "${s}".report_meta (key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE "${s}".reports (voice_id text PRIMARY KEY, task_id bigint, source_task_id bigint, recall_round integer,
    callee_hash text, callee_masked text, callee text, outcome text NOT NULL, intent text, talk_seconds integer NOT NULL DEFAULT 0,
    ai_billed_seconds integer NOT NULL DEFAULT 0, cost double precision NOT NULL DEFAULT 0, ai_fee double precision NOT NULL DEFAULT 0,
    currency text, hangup_time bigint, received_at timestamptz NOT NULL DEFAULT now(), record jsonb NOT NULL);
  CREATE INDEX reports_task ON "${s}".reports (task_id);
  CREATE INDEX reports_callee_hash ON "${s}".reports (callee_hash);
  ${version === 2 ? `ALTER TABLE "${s}".reports ADD COLUMN unreadable_times integer NOT NULL DEFAULT 0;` : ""}
  INSERT INTO "${s}".report_meta (key, value) VALUES ('salt', '${SALT}');
  INSERT INTO "${s}".reports (voice_id, task_id, callee_hash, callee_masked, outcome, intent, talk_seconds, record)
  VALUES ('old-1', 5150, '${oldHash(SALT, "919700000001")}', '9197•••••001', 'busy', '101', 42, '{"voiceId":"old-1"}');`;

const columnsIn = async (schema: string) =>
  (
    await pgQuery<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'reports'",
      [schema],
    )
  )
    .map((c) => c.name)
    .sort();

describePg("PostgreSQL stores of the previous release", () => {
  for (const version of [1, 2] as const) {
    test(`version ${version}: the report reads back, the salt and hashes hold, the version moves to report_meta`, async () => {
      const schema = freshSchema();
      await pgQuery(previousPg(schema, version));
      const store = await openPgReportStore(PG_URL, schema, { storeNumbers: false, mustExist: true });
      try {
        expect(await store.count()).toBe(1);
        expect(store.hashCallee("919700000001")).toBe(oldHash(SALT, "919700000001"));
        await store.ingest(reports(reportRecord("new-1", { taskId: 5150, callStatus: 50, hangupTime: "not a time" })));
        expect(await store.aggregate()).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ taskId: 5150, outcome: "busy", intent: "101", calls: 1, billedLineSeconds: 42 }),
            expect.objectContaining({ taskId: 5150, outcome: "connected", calls: 1, unreadableTimes: 1 }),
          ]),
        );
        const [hashes] = await pgQuery<{ n: string }>(
          `SELECT COUNT(DISTINCT callee_hash) AS n FROM "${schema}".reports`,
        );
        expect(hashes!.n).toBe("1");
      } finally {
        await store.close();
      }
      expect(await pgQuery(`SELECT key, value FROM "${schema}".report_meta ORDER BY key`)).toEqual([
        { key: "salt", value: SALT },
        { key: "schema_version", value: "2" },
      ]);
      // The previous release reads its version here: kept in step, so it would refuse a newer store.
      expect(await pgQuery(`SELECT version FROM "${schema}".schema_version WHERE component = 'reports'`)).toEqual([
        { version: 2 },
      ]);
      expect(await columnsIn(schema)).toContain("unreadable_times");
    });
  }

  test("a store made by this release takes the inserts of the previous release (received_at left to its default)", async () => {
    const schema = freshSchema();
    await (await openPgReportStore(PG_URL, schema, { storeNumbers: false })).close();
    // The previous release's insert names no received_at: a receiver of it shares this store during an upgrade.
    await pgQuery(
      `INSERT INTO "${schema}".reports (voice_id, outcome, record) VALUES ('old-receiver-1', 'connected', '{}'::jsonb)`,
    );
    expect(await pgQuery(`SELECT received_at IS NOT NULL AS set FROM "${schema}".reports`)).toEqual([{ set: true }]);
  });

  test("a store newer than this release is refused naming the schema and its version, and left as it was", async () => {
    const schema = freshSchema();
    await (await openPgReportStore(PG_URL, schema, { storeNumbers: false })).close();
    await pgQuery(`UPDATE "${schema}".report_meta SET value = '99' WHERE key = 'schema_version'`);
    await expect(openPgReportStore(PG_URL, schema, { storeNumbers: false })).rejects.toMatchObject({
      code: "state-too-new",
      message: `the report store in the PostgreSQL schema ${schema} has schema version 99; this campaign version knows versions up to 2`,
    });
    expect(await pgQuery(`SELECT value FROM "${schema}".report_meta WHERE key = 'schema_version'`)).toEqual([
      { value: "99" },
    ]);
  });
});

describePg("one schema definition", () => {
  test("a new SQLite store and a new PostgreSQL store have the same columns, indexes and meta keys", async () => {
    const path = join(await tempDir(), "r.db");
    await openSqliteStore(path, { storeNumbers: false }).close();
    const schema = freshSchema();
    await (await openPgReportStore(PG_URL, schema, { storeNumbers: false })).close();
    const db = new Database(path);
    const sqlite = {
      columns: (db.prepare("PRAGMA table_info(reports)").all() as { name: string }[]).map((c) => c.name).sort(),
      indexes: (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as {
          name: string;
        }[]
      )
        .map((i) => i.name)
        .sort(),
      meta: (db.prepare("SELECT key FROM meta ORDER BY key").all() as { key: string }[]).map((m) => m.key),
    };
    db.close();
    const pg = {
      columns: await columnsIn(schema),
      indexes: (
        await pgQuery<{ name: string }>(
          "SELECT indexname AS name FROM pg_indexes WHERE schemaname = $1 AND tablename = 'reports' AND indexname <> 'reports_pkey'",
          [schema],
        )
      )
        .map((i) => i.name)
        .sort(),
      meta: (await pgQuery<{ key: string }>(`SELECT key FROM "${schema}".report_meta ORDER BY key`)).map((m) => m.key),
    };
    expect(pg).toEqual(sqlite);
    expect(sqlite.indexes).toEqual(["reports_callee_hash", "reports_task"]);
    expect(sqlite.meta).toEqual(["salt", "schema_version"]);
  });
});
