import { closeSync, constants, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ToolError } from "../errors/index.js";
import { kindOf } from "../files/index.js";
import { calleeHasher, newSalt } from "./callee-hash.js";
import { COLUMNS, reportRow } from "./columns.js";
import { checkedVersion, metaTableSql, migrationSql, SALT_KEY, SCHEMA_VERSION, VERSION_KEY } from "./migrations.js";
import type { CallReport, OutcomeClass } from "./record.js";
import {
  bounded,
  calleeOutcomeOf,
  calleeOutcomesParams,
  calleeOutcomesSql,
  optedOutOf,
  optedOutParams,
  optedOutSql,
  prefixCostOf,
  prefixCostParams,
  prefixCostSql,
  timelineParams,
  timelineRowOf,
  timelineSql,
} from "./queries.js";
import { UNATTRIBUTED_CALLEE, type IngestResult, type ReportStore, type TaskAggregate } from "./store.js";

export interface SqliteStoreOptions {
  storeNumbers: boolean;
  /** For readers (outcomes): a missing or empty file is an error, never a new empty store. */
  mustExist?: boolean;
  /** The path as the user sees it, for messages. */
  display?: string;
}

/** The embedded store: SQLite in WAL mode with synchronous=FULL, so a commit is on disk when it returns. */
export function openSqliteStore(path: string, options: SqliteStoreOptions): ReportStore {
  const display = options.display ?? path;
  if (path !== ":memory:") checkStoreFile(path, display, options.mustExist === true);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    return storeOn(db, display, options);
  } catch (error) {
    db?.close();
    throw storeError(error, display);
  }
}

function storeOn(db: Database.Database, display: string, options: SqliteStoreOptions): ReportStore {
  // Another program's database is never written into; a reader needs a store that was written.
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (t) => t.name,
  );
  if (!tables.includes("reports") && (tables.length > 0 || options.mustExist)) {
    const what =
      tables.length > 0
        ? "a SQLite database of something else (it has no reports table)"
        : "a SQLite database without reports";
    throw new ToolError(
      tables.length > 0 ? "file-unreadable" : "not-found",
      `the report store ${display} is ${what}`,
      tables.length > 0 ? STORE_HINT : MISSING_HINT,
      { file: display },
    );
  }
  const where = `the report store ${display}`;
  // A newer release's store is refused before anything, even the journal mode, is written.
  const recorded = tables.includes("meta") ? checkedVersion(metaValue(db, VERSION_KEY), where, { file: display }) : 0;
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("busy_timeout = 5000");
  // Fewer, larger checkpoints: each one rewrites pages into the database file and syncs it.
  db.pragma("wal_autocheckpoint = 10000");
  // Random callee-hash keys touch pages all over their index: keep more of it in memory.
  db.pragma("cache_size = -65536");
  const salt = (recorded === SCHEMA_VERSION ? metaValue(db, SALT_KEY) : undefined) ?? migrated(db, where, display);
  const hashCallee = calleeHasher(salt);

  const insert = db.prepare(
    `INSERT OR IGNORE INTO reports (${COLUMNS.map((c) => c.name).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
  );
  const insertAll = (reports: readonly CallReport[], receivedAt: string): IngestResult => {
    const context = { hashCallee, storeNumbers: options.storeNumbers, receivedAt };
    let stored = 0;
    for (const report of reports) stored += insert.run(reportRow(report, context)).changes;
    return { stored, duplicates: reports.length - stored };
  };
  // Group commit: batches that arrive while a commit (and its fsync) is running are committed
  // together in the next transaction. Each batch is still all-or-nothing, and each caller is
  // answered only after the commit that holds its batch is on disk.
  const commitGroup = db.transaction((batches: readonly (readonly CallReport[])[], receivedAt: string) =>
    batches.map((reports) => insertAll(reports, receivedAt)),
  );
  let waiting: { reports: readonly CallReport[]; resolve(result: IngestResult): void; reject(error: unknown): void }[] =
    [];
  const flush = (): void => {
    const group = waiting;
    waiting = [];
    try {
      const results = commitGroup(
        group.map((g) => g.reports),
        new Date().toISOString(),
      );
      group.forEach((g, i) => g.resolve(results[i]!));
    } catch (error) {
      for (const g of group) g.reject(error);
    }
  };

  // talk_seconds holds chargedDuration (billed line time): the column keeps its first name.
  const aggregate =
    db.prepare(`SELECT task_id AS taskId, source_task_id AS sourceTaskId, ${UNATTRIBUTED_CALLEE} AS calleeHash, recall_round AS recallRound, outcome, intent, COUNT(*) AS calls,
      SUM(talk_seconds) AS billedLineSeconds, SUM(ai_billed_seconds) AS aiAgentBilledSeconds, SUM(cost) AS cost, SUM(ai_fee) AS aiAgentFee,
      currency, MAX(hangup_time) AS lastHangupTime, SUM(unreadable_times) AS unreadableTimes
    FROM reports GROUP BY task_id, source_task_id, calleeHash, recall_round, outcome, intent, currency`);
  const all = (sql: string, params: unknown[]): Record<string, unknown>[] =>
    reading(display, () => db.prepare(sql).all(...params)) as Record<string, unknown>[];

  return {
    ingest: (reports) =>
      new Promise<IngestResult>((resolve, reject) => {
        waiting.push({ reports, resolve, reject });
        if (waiting.length === 1) setImmediate(flush);
      }),
    aggregate: async () =>
      (reading(display, () => aggregate.all()) as (Omit<TaskAggregate, "outcome"> & { outcome: string })[]).map(
        (row) => ({ ...row, outcome: row.outcome as OutcomeClass }),
      ),
    count: async () =>
      (reading(display, () => db.prepare("SELECT COUNT(*) AS n FROM reports").get()) as { n: number }).n,
    calleeOutcomes: async (query) =>
      all(calleeOutcomesSql("sqlite", "reports"), calleeOutcomesParams("sqlite", query)).map(calleeOutcomeOf),
    optedOut: async (intents) =>
      bounded(
        all(optedOutSql("sqlite", "reports"), optedOutParams("sqlite", intents)),
        optedOutOf,
        "opted-out callees",
      ),
    prefixCosts: async () =>
      bounded(
        all(prefixCostSql("sqlite", "reports"), prefixCostParams()),
        prefixCostOf,
        "task and callee-prefix costs",
      ),
    timeline: async () =>
      bounded(all(timelineSql("sqlite", "reports"), timelineParams()), timelineRowOf, "hours of calls per task"),
    hashCallee,
    close: async () => void db.close(),
  };
}

const metaValue = (db: Database.Database, key: string): string | undefined =>
  (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;

/** Brings the store to SCHEMA_VERSION and gives it a salt, in one transaction that waits for other writers. */
function migrated(db: Database.Database, where: string, display: string): string {
  const migrate = db.transaction((): string => {
    db.exec(metaTableSql("meta"));
    const from = checkedVersion(metaValue(db, VERSION_KEY), where, { file: display });
    if (from < SCHEMA_VERSION) {
      const present = new Set(
        (db.prepare("PRAGMA table_info(reports)").all() as { name: string }[]).map((c) => c.name),
      );
      for (const sql of migrationSql({ dialect: "sqlite", table: "reports", present }, from)) db.exec(sql);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(VERSION_KEY, String(SCHEMA_VERSION));
    }
    db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)").run(SALT_KEY, newSalt());
    return metaValue(db, SALT_KEY)!;
  });
  return migrate.immediate();
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");
const STORE_HINT = "point --store (or reports.path) at the file campaign receive created; this file was left untouched";
const MISSING_HINT =
  "no status reports were stored there yet: run campaign receive (or campaign reports import FILE) first, or pass --store FILE";

/** Before SQLite opens it (which would block on a FIFO, or turn any file into a database): is it one? */
function checkStoreFile(path: string, display: string, mustExist: boolean): void {
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT")
      throw new ToolError(
        "file-unreadable",
        `the report store ${display} cannot be opened (${code ?? "error"})`,
        "check the path in --store or reports.path",
        { file: display },
      );
    if (mustExist)
      throw new ToolError("not-found", `the report store ${display} does not exist`, MISSING_HINT, { file: display });
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (mkdirError) {
      throw new ToolError(
        "file-unreadable",
        `cannot create the report store ${display}: its directory cannot be made (${(mkdirError as NodeJS.ErrnoException).code ?? "error"})`,
        "check the path in --store or reports.path",
        { file: display },
      );
    }
    return;
  }
  if (!info.isFile())
    throw new ToolError(
      "file-unreadable",
      `the report store ${display} is ${kindOf(info)}, not a SQLite database`,
      STORE_HINT,
      { file: display },
    );
  // An empty file is what SQLite makes of a new database: fine to write into, nothing to read.
  if (info.size === 0) {
    if (mustExist)
      throw new ToolError("not-found", `the report store ${display} is empty`, MISSING_HINT, { file: display });
    return;
  }
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    readSync(fd, header, 0, header.length, 0);
  } catch (error) {
    throw new ToolError(
      "file-unreadable",
      `the report store ${display} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      "check its permissions",
      { file: display },
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER))
    throw new ToolError("file-unreadable", `the report store ${display} is not a SQLite database`, STORE_HINT, {
      file: display,
    });
}

/** SQLite's errors on a damaged or foreign file, as errors that name it. */
function storeError(error: unknown, display: string): unknown {
  if (error instanceof ToolError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB") {
    return new ToolError(
      "file-unreadable",
      `the report store ${display} is damaged: ${reason}`,
      "restore it from a backup, or move it aside and load the saved reports again with campaign reports import",
      { file: display },
    );
  }
  return new ToolError(
    "file-unreadable",
    `the report store ${display} cannot be used (${code}: ${reason})`,
    "check its permissions and that no other program holds it",
    { file: display },
  );
}

function reading<T>(display: string, query: () => T): T {
  try {
    return query();
  } catch (error) {
    throw storeError(error, display);
  }
}
