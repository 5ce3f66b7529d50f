import { createHmac, randomBytes } from "node:crypto";
import { ToolError } from "../errors/index.js";
import { ident, inTransaction, migrate, openPool } from "../pg/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import { storedRecord, type CallReport, type OutcomeClass } from "./record.js";
import { UNATTRIBUTED_CALLEE, type IngestResult, type ReportStore, type TaskAggregate } from "./store.js";

const MIGRATIONS = [
  (s: string) => `
    CREATE TABLE ${s}.report_meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE ${s}.reports (
      voice_id text PRIMARY KEY,
      task_id bigint,
      source_task_id bigint,
      recall_round integer,
      callee_hash text,
      callee_masked text,
      callee text,
      outcome text NOT NULL,
      intent text,
      talk_seconds integer NOT NULL DEFAULT 0,
      ai_billed_seconds integer NOT NULL DEFAULT 0,
      cost double precision NOT NULL DEFAULT 0,
      ai_fee double precision NOT NULL DEFAULT 0,
      currency text,
      hangup_time bigint,
      received_at timestamptz NOT NULL DEFAULT now(),
      record jsonb NOT NULL
    );
    CREATE INDEX reports_task ON ${s}.reports (task_id);
    CREATE INDEX reports_callee_hash ON ${s}.reports (callee_hash);`,
  // Report times checked on arrival: how many of a report's could not be read.
  (s: string) => `ALTER TABLE ${s}.reports ADD COLUMN unreadable_times integer NOT NULL DEFAULT 0;`,
];

// The columns in insert order, with the SQL array type unnest reads each from.
const COLUMNS: [string, string, (r: CallReport, x: Extras) => unknown][] = [
  ["voice_id", "text[]", (r) => r.voiceId],
  ["task_id", "bigint[]", (r) => r.taskId],
  ["source_task_id", "bigint[]", (r) => r.sourceTaskId],
  ["recall_round", "integer[]", (r) => r.recallRound],
  ["callee_hash", "text[]", (_r, x) => x.calleeHash],
  ["callee_masked", "text[]", (r) => (r.callee === null ? null : maskPhoneNumber(r.callee))],
  ["callee", "text[]", (r, x) => (x.storeNumbers ? r.callee : null)],
  ["outcome", "text[]", (r) => r.outcome],
  ["intent", "text[]", (r) => r.intent],
  // talk_seconds holds chargedDuration (billed line time): the column keeps its first name.
  ["talk_seconds", "integer[]", (r) => r.billedLineSeconds],
  ["ai_billed_seconds", "integer[]", (r) => r.aiAgentBilledSeconds],
  ["cost", "float8[]", (r) => r.cost],
  ["ai_fee", "float8[]", (r) => r.aiAgentFee],
  ["currency", "text[]", (r) => r.currency],
  ["hangup_time", "bigint[]", (r) => r.hangupTime],
  ["unreadable_times", "integer[]", (r) => r.unreadableTimes],
  ["record", "jsonb[]", (r, x) => JSON.stringify(storedRecord(r, x.storeNumbers))],
];

interface Extras {
  calleeHash: string | null;
  storeNumbers: boolean;
}

/**
 * Reports in PostgreSQL, for several receivers at once: each batch is one transaction inserting
 * all its rows in one statement, idempotent by voiceId (ON CONFLICT DO NOTHING), so duplicated
 * pushes from any receiver store each call once; the 200 goes out after the commit.
 */
export async function openPgReportStore(url: string | undefined, schema: string, options: { storeNumbers: boolean; mustExist?: boolean }): Promise<ReportStore> {
  const pool = await openPool(url, "the report store (reports.backend: postgres)", { max: 8 });
  const s = ident(schema);
  let salt: string;
  try {
    // A reader (outcomes) must not create an empty store where none was written.
    if (options.mustExist && (await pool.query("SELECT to_regclass($1) AS t", [`${s}.reports`])).rows[0].t === null) {
      throw new ToolError("not-found", `the PostgreSQL schema ${schema} holds no report store`, "no status reports were stored there yet: run campaign receive (or campaign reports import FILE) first, or check reports.schema");
    }
    await migrate(pool, schema, "reports", MIGRATIONS);
    // Every receiver must hash a number the same way: the first one to start picks the salt.
    await pool.query(`INSERT INTO ${s}.report_meta (key, value) VALUES ('salt', $1) ON CONFLICT (key) DO NOTHING`, [randomBytes(16).toString("hex")]);
    salt = ((await pool.query(`SELECT value FROM ${s}.report_meta WHERE key = 'salt'`)).rows[0] as { value: string }).value;
  } catch (error) {
    await pool.end();
    throw error;
  }
  const hashCallee = (callee: string) => createHmac("sha256", salt).update(callee).digest("hex").slice(0, 32);
  const insert = `INSERT INTO ${s}.reports (${COLUMNS.map(([c]) => c).join(", ")}) SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}`).join(", ")}) ON CONFLICT (voice_id) DO NOTHING`;

  return {
    async ingest(reports): Promise<IngestResult> {
      if (reports.length === 0) return { stored: 0, duplicates: 0 };
      // Within one batch a voiceId twice would make one statement conflict with itself: first wins.
      const seen = new Set<string>();
      // Sorted by voiceId: receivers inserting overlapping batches take row locks in one order,
      // so they wait for each other instead of deadlocking.
      const unique = reports.filter((r) => !seen.has(r.voiceId) && Boolean(seen.add(r.voiceId))).sort((x, y) => (x.voiceId < y.voiceId ? -1 : x.voiceId > y.voiceId ? 1 : 0));
      const columns = COLUMNS.map(() => [] as unknown[]);
      for (const report of unique) {
        const extras = { calleeHash: report.callee === null ? null : hashCallee(report.callee), storeNumbers: options.storeNumbers };
        COLUMNS.forEach(([, , value], i) => columns[i]!.push(value(report, extras)));
      }
      const stored = await inTransaction(pool, async (client) => (await client.query(insert, columns)).rowCount ?? 0);
      return { stored, duplicates: reports.length - stored };
    },
    async aggregate() {
      // Summed in the database: only one row per task, outcome and intent comes back.
      const result = await pool.query(`SELECT task_id AS "taskId", source_task_id AS "sourceTaskId", ${UNATTRIBUTED_CALLEE} AS "calleeHash", outcome, intent, COUNT(*)::int AS calls,
          COALESCE(SUM(talk_seconds), 0)::bigint AS "billedLineSeconds", COALESCE(SUM(ai_billed_seconds), 0)::bigint AS "aiAgentBilledSeconds",
          COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(ai_fee), 0) AS "aiAgentFee", MAX(currency) AS currency, MAX(hangup_time) AS "lastHangupTime",
          COALESCE(SUM(unreadable_times), 0)::bigint AS "unreadableTimes"
        FROM ${s}.reports GROUP BY task_id, source_task_id, 3, outcome, intent`);
      return result.rows.map((row: Record<string, unknown>): TaskAggregate => ({
        taskId: row["taskId"] === null ? null : Number(row["taskId"]),
        sourceTaskId: row["sourceTaskId"] === null ? null : Number(row["sourceTaskId"]),
        calleeHash: row["calleeHash"] as string | null,
        outcome: row["outcome"] as OutcomeClass,
        intent: row["intent"] as string | null,
        calls: Number(row["calls"]),
        billedLineSeconds: Number(row["billedLineSeconds"]),
        aiAgentBilledSeconds: Number(row["aiAgentBilledSeconds"]),
        cost: Number(row["cost"]),
        aiAgentFee: Number(row["aiAgentFee"]),
        currency: row["currency"] as string | null,
        lastHangupTime: row["lastHangupTime"] === null ? null : Number(row["lastHangupTime"]),
        unreadableTimes: Number(row["unreadableTimes"]),
      }));
    },
    count: async () => Number((await pool.query(`SELECT COUNT(*) AS n FROM ${s}.reports`)).rows[0].n),
    hashCallee,
    close: () => pool.end(),
  };
}
