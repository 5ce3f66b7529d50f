import { ToolError } from "../errors/index.js";
import { ident, inTransaction, lockMigrations, openPool, type PoolClient } from "../pg/index.js";
import { calleeHasher, newSalt } from "./callee-hash.js";
import { COLUMNS, reportRow } from "./columns.js";
import { checkedVersion, metaTableSql, migrationSql, SALT_KEY, SCHEMA_VERSION, VERSION_KEY } from "./migrations.js";
import type { OutcomeClass } from "./record.js";
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

/**
 * Reports in PostgreSQL, for several receivers at once: each batch is one transaction inserting
 * all its rows in one statement, idempotent by voiceId (ON CONFLICT DO NOTHING), so duplicated
 * pushes from any receiver store each call once; the 200 goes out after the commit.
 */
export async function openPgReportStore(
  url: string | undefined,
  schema: string,
  options: { storeNumbers: boolean; mustExist?: boolean },
): Promise<ReportStore> {
  const pool = await openPool(url, "the report store (reports.backend: postgres)", { max: 8 });
  const s = ident(schema);
  let salt: string;
  try {
    // A reader (outcomes) must not create an empty store where none was written.
    if (options.mustExist && (await pool.query("SELECT to_regclass($1) AS t", [`${s}.reports`])).rows[0].t === null) {
      throw new ToolError(
        "not-found",
        `the PostgreSQL schema ${schema} holds no report store`,
        "no status reports were stored there yet: run campaign receive (or campaign reports import FILE) first, or check reports.schema",
      );
    }
    salt = await inTransaction(pool, (client) => migrated(client, schema));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const hashCallee = calleeHasher(salt);
  const rows = async (sql: string, params: unknown[]): Promise<Record<string, unknown>[]> =>
    (await pool.query(sql, params)).rows as Record<string, unknown>[];
  const insert = `INSERT INTO ${s}.reports (${COLUMNS.map((c) => c.name).join(", ")}) SELECT * FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c.type.pg}[]`).join(", ")}) ON CONFLICT (voice_id) DO NOTHING`;

  return {
    async ingest(reports): Promise<IngestResult> {
      if (reports.length === 0) return { stored: 0, duplicates: 0 };
      // Within one batch a voiceId twice would make one statement conflict with itself: first wins.
      const seen = new Set<string>();
      // Sorted by voiceId: receivers inserting overlapping batches take row locks in one order,
      // so they wait for each other instead of deadlocking.
      const unique = reports
        .filter((r) => !seen.has(r.voiceId) && Boolean(seen.add(r.voiceId)))
        .sort((x, y) => (x.voiceId < y.voiceId ? -1 : x.voiceId > y.voiceId ? 1 : 0));
      const context = { hashCallee, storeNumbers: options.storeNumbers, receivedAt: new Date().toISOString() };
      // One array per column, for unnest: all the batch's rows in one statement.
      const columns = COLUMNS.map(() => [] as unknown[]);
      for (const report of unique) reportRow(report, context).forEach((value, i) => columns[i]!.push(value));
      const stored = await inTransaction(pool, async (client) => (await client.query(insert, columns)).rowCount ?? 0);
      return { stored, duplicates: reports.length - stored };
    },
    async aggregate() {
      // Summed in the database: only one row per task, outcome and intent comes back.
      const result =
        await pool.query(`SELECT task_id AS "taskId", source_task_id AS "sourceTaskId", ${UNATTRIBUTED_CALLEE} AS "calleeHash", recall_round AS "recallRound", outcome, intent, COUNT(*)::int AS calls,
          COALESCE(SUM(talk_seconds), 0)::bigint AS "billedLineSeconds", COALESCE(SUM(ai_billed_seconds), 0)::bigint AS "aiAgentBilledSeconds",
          COALESCE(SUM(cost), 0) AS cost, COALESCE(SUM(ai_fee), 0) AS "aiAgentFee", currency, MAX(hangup_time) AS "lastHangupTime",
          COALESCE(SUM(unreadable_times), 0)::bigint AS "unreadableTimes"
        FROM ${s}.reports GROUP BY task_id, source_task_id, 3, recall_round, outcome, intent, currency`);
      return result.rows.map((row: Record<string, unknown>): TaskAggregate => ({
        taskId: row["taskId"] === null ? null : Number(row["taskId"]),
        sourceTaskId: row["sourceTaskId"] === null ? null : Number(row["sourceTaskId"]),
        calleeHash: row["calleeHash"] as string | null,
        recallRound: row["recallRound"] === null ? null : Number(row["recallRound"]),
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
    calleeOutcomes: async (query) =>
      (await rows(calleeOutcomesSql("pg", `${s}.reports`), calleeOutcomesParams("pg", query))).map(calleeOutcomeOf),
    optedOut: async (intents) =>
      bounded(
        await rows(optedOutSql("pg", `${s}.reports`), optedOutParams("pg", intents)),
        optedOutOf,
        "opted-out callees",
      ),
    prefixCosts: async () =>
      bounded(
        await rows(prefixCostSql("pg", `${s}.reports`), prefixCostParams()),
        prefixCostOf,
        "task and callee-prefix costs",
      ),
    timeline: async () =>
      bounded(
        await rows(timelineSql("pg", `${s}.reports`), timelineParams()),
        timelineRowOf,
        "hours of calls per task",
      ),
    hashCallee,
    close: () => pool.end(),
  };
}

/**
 * Brings the schema's report tables to SCHEMA_VERSION and returns the salt, under the advisory
 * lock the state tables migrate under too, so processes starting together do not race. Every
 * receiver must hash a number the same way: the first one to start picks the salt.
 */
async function migrated(client: PoolClient, schema: string): Promise<string> {
  const s = ident(schema);
  const meta = `${s}.report_meta`;
  const value = async (key: string): Promise<string | undefined> =>
    (await client.query<{ value: string }>(`SELECT value FROM ${meta} WHERE key = $1`, [key])).rows[0]?.value;
  await lockMigrations(client, schema);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(metaTableSql(meta));
  const where = `the report store in the PostgreSQL schema ${schema}`;
  const recorded = await value(VERSION_KEY);
  const from = checkedVersion(recorded ?? (await legacyVersion(client, schema)), where);
  if (from < SCHEMA_VERSION) {
    const present = await client.query<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'reports'",
      [schema],
    );
    const target = { dialect: "pg" as const, table: `${s}.reports`, present: new Set(present.rows.map((c) => c.name)) };
    for (const sql of migrationSql(target, from)) await client.query(sql);
  }
  if (recorded !== String(SCHEMA_VERSION)) {
    await client.query(
      `INSERT INTO ${meta} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [VERSION_KEY, String(SCHEMA_VERSION)],
    );
    await mirrorLegacyVersion(client, schema);
  }
  await client.query(`INSERT INTO ${meta} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
    SALT_KEY,
    newSalt(),
  ]);
  return (await value(SALT_KEY))!;
}

// Releases before report_meta held the version kept it as the "reports" row of the schema's
// schema_version table (src/pg migrate): read once to adopt such a store, and kept in step so
// that those releases refuse a newer store instead of writing into it.
const LEGACY_COMPONENT = "reports";

async function legacyVersion(client: PoolClient, schema: string): Promise<number | undefined> {
  if (!(await hasLegacyTable(client, schema))) return undefined;
  const row = await client.query<{ version: number }>(
    `SELECT version FROM ${ident(schema)}.schema_version WHERE component = $1`,
    [LEGACY_COMPONENT],
  );
  return row.rows[0]?.version;
}

async function mirrorLegacyVersion(client: PoolClient, schema: string): Promise<void> {
  if (!(await hasLegacyTable(client, schema))) return;
  await client.query(
    `INSERT INTO ${ident(schema)}.schema_version (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, migrated_at = now()`,
    [LEGACY_COMPONENT, SCHEMA_VERSION],
  );
}

const hasLegacyTable = async (client: PoolClient, schema: string): Promise<boolean> =>
  (await client.query("SELECT to_regclass($1) AS t", [`${ident(schema)}.schema_version`])).rows[0].t !== null;
