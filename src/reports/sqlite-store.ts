import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createHmac, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { maskPhoneNumber } from "../privacy/index.js";
import { storedRecord, type CallReport, type OutcomeClass } from "./record.js";
import type { IngestResult, ReportStore, TaskAggregate } from "./store.js";

const SCHEMA_VERSION = 1;

/** The embedded store: SQLite in WAL mode with synchronous=FULL, so a commit is on disk when it returns. */
export function openSqliteStore(path: string, options: { storeNumbers: boolean }): ReportStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  // Fewer, larger checkpoints: each one rewrites pages into the database file and syncs it.
  db.pragma("wal_autocheckpoint = 10000");
  // Random callee-hash keys touch pages all over their index: keep more of it in memory.
  db.pragma("cache_size = -65536");
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS reports (
      voice_id TEXT NOT NULL UNIQUE,
      task_id INTEGER,
      source_task_id INTEGER,
      recall_round INTEGER,
      callee_hash TEXT,
      callee_masked TEXT,
      callee TEXT,
      outcome TEXT NOT NULL,
      intent TEXT,
      talk_seconds INTEGER NOT NULL DEFAULT 0,
      ai_billed_seconds INTEGER NOT NULL DEFAULT 0,
      cost REAL NOT NULL DEFAULT 0,
      ai_fee REAL NOT NULL DEFAULT 0,
      currency TEXT,
      hangup_time INTEGER,
      received_at TEXT NOT NULL,
      record TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reports_task ON reports (task_id);
    CREATE INDEX IF NOT EXISTS reports_callee_hash ON reports (callee_hash);
  `);
  const meta = (key: string): string | undefined => (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  if (meta("schema_version") === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
  if (meta("salt") === undefined) db.prepare("INSERT INTO meta (key, value) VALUES ('salt', ?)").run(randomBytes(16).toString("hex"));
  const salt = meta("salt")!;
  // 128 bits of the HMAC: plenty to find a number's reports, and a smaller index than 256.
  const hashCallee = (callee: string) => createHmac("sha256", salt).update(callee).digest("hex").slice(0, 32);

  const insert = db.prepare(`INSERT OR IGNORE INTO reports
    (voice_id, task_id, source_task_id, recall_round, callee_hash, callee_masked, callee, outcome, intent, talk_seconds, ai_billed_seconds, cost, ai_fee, currency, hangup_time, received_at, record)
    VALUES (@voiceId, @taskId, @sourceTaskId, @recallRound, @calleeHash, @calleeMasked, @callee, @outcome, @intent, @talkSeconds, @aiAgentBilledSeconds, @cost, @aiAgentFee, @currency, @hangupTime, @receivedAt, @record)`);
  const insertAll = (reports: readonly CallReport[], receivedAt: string): IngestResult => {
    let stored = 0;
    for (const r of reports) {
      const result = insert.run({
        voiceId: r.voiceId,
        taskId: r.taskId,
        sourceTaskId: r.sourceTaskId,
        recallRound: r.recallRound,
        calleeHash: r.callee === null ? null : hashCallee(r.callee),
        calleeMasked: r.callee === null ? null : maskPhoneNumber(r.callee),
        callee: options.storeNumbers ? r.callee : null,
        outcome: r.outcome,
        intent: r.intent,
        talkSeconds: r.talkSeconds,
        aiAgentBilledSeconds: r.aiAgentBilledSeconds,
        cost: r.cost,
        aiAgentFee: r.aiAgentFee,
        currency: r.currency,
        hangupTime: r.hangupTime,
        receivedAt,
        record: JSON.stringify(storedRecord(r, options.storeNumbers)),
      });
      stored += result.changes;
    }
    return { stored, duplicates: reports.length - stored };
  };
  // Group commit: batches that arrive while a commit (and its fsync) is running are committed
  // together in the next transaction. Each batch is still all-or-nothing, and each caller is
  // answered only after the commit that holds its batch is on disk.
  const commitGroup = db.transaction((batches: readonly (readonly CallReport[])[], receivedAt: string) => batches.map((reports) => insertAll(reports, receivedAt)));
  let waiting: { reports: readonly CallReport[]; resolve(result: IngestResult): void; reject(error: unknown): void }[] = [];
  const flush = (): void => {
    const group = waiting;
    waiting = [];
    try {
      const results = commitGroup(group.map((g) => g.reports), new Date().toISOString());
      group.forEach((g, i) => g.resolve(results[i]!));
    } catch (error) {
      for (const g of group) g.reject(error);
    }
  };

  const aggregate = db.prepare(`SELECT task_id AS taskId, source_task_id AS sourceTaskId, outcome, intent, COUNT(*) AS calls,
      SUM(talk_seconds) AS talkSeconds, SUM(ai_billed_seconds) AS aiAgentBilledSeconds, SUM(cost) AS cost, SUM(ai_fee) AS aiAgentFee,
      MAX(currency) AS currency, MAX(hangup_time) AS lastHangupTime
    FROM reports GROUP BY task_id, source_task_id, outcome, intent`);

  return {
    ingest: (reports) =>
      new Promise<IngestResult>((resolve, reject) => {
        waiting.push({ reports, resolve, reject });
        if (waiting.length === 1) setImmediate(flush);
      }),
    aggregate: async () => (aggregate.all() as (Omit<TaskAggregate, "outcome"> & { outcome: string })[]).map((row) => ({ ...row, outcome: row.outcome as OutcomeClass })),
    count: async () => (db.prepare("SELECT COUNT(*) AS n FROM reports").get() as { n: number }).n,
    close: async () => void db.close(),
  };
}
