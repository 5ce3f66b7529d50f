import { ToolError } from "../errors/index.js";
import type { Dialect } from "./columns.js";
import { OUTCOME_CLASSES, type OutcomeClass } from "./record.js";
import {
  MAX_QUERY_CALLEES,
  MAX_QUERY_ROWS,
  MAX_QUERY_TASKS,
  UNATTRIBUTED_CALLEE,
  type CalleeOutcome,
  type CalleeQuery,
  type OptedOutCallee,
  type PrefixCost,
  type TimelineRow,
} from "./store.js";

// The read queries of both stores, written once: SQLite takes a list as one JSON parameter
// (json_each), PostgreSQL as an array parameter. Both number their parameters in the order given.

/** A list parameter: `column IN list` in either dialect (`n` is the parameter's 1-based position). */
function inList(dialect: Dialect, column: string, n: number, pgType: "text" | "bigint"): string {
  return dialect === "sqlite" ? `${column} IN (SELECT value FROM json_each(?))` : `${column} = ANY($${n}::${pgType}[])`;
}

/** A list's value as its dialect binds it. */
export const listParam = (dialect: Dialect, values: readonly (string | number)[]): unknown =>
  dialect === "sqlite" ? JSON.stringify(values) : values;

const limitParam = (dialect: Dialect, n: number): string => (dialect === "sqlite" ? "?" : `$${n}`);

// A callee's latest report within one campaign: its last recall round (a round's hangup time may be
// unreadable), then hangup time, arrival, voiceId (stable). Across campaigns rounds do not compare:
// there the hangup time comes first.
const TIE_BREAK = "received_at DESC, voice_id DESC";
const LATEST_IN_CAMPAIGN = `recall_round DESC NULLS LAST, hangup_time DESC NULLS LAST, ${TIE_BREAK}`;
const LATEST_OF_ALL = `hangup_time DESC NULLS LAST, recall_round DESC NULLS LAST, ${TIE_BREAK}`;
const NO_TASK = "(task_id IS NULL AND source_task_id IS NULL)";

/** Per callee (and, apart, its reports without task id): attempts, connected calls, billed time, latest outcome. */
export function calleeOutcomesSql(dialect: Dialect, table: string): string {
  const count = dialect === "pg" ? "::int" : "";
  return `SELECT callee_hash AS "calleeHash", unattributed, attempts, connected AS "connectedCalls",
      billed AS "billedLineSeconds", last_call AS "lastCallAt", outcome, intent
    FROM (SELECT callee_hash, ${NO_TASK} AS unattributed, outcome, intent,
        COUNT(*) OVER w${count} AS attempts,
        SUM(CASE WHEN outcome = 'connected' THEN 1 ELSE 0 END) OVER w${count} AS connected,
        SUM(talk_seconds) OVER w AS billed,
        MAX(hangup_time) OVER w AS last_call,
        ROW_NUMBER() OVER (w ORDER BY ${LATEST_IN_CAMPAIGN}) AS n
      FROM ${table}
      WHERE ${inList(dialect, "callee_hash", 1, "text")}
        AND (${inList(dialect, "task_id", 2, "bigint")} OR ${inList(dialect, "source_task_id", 2, "bigint")} OR ${NO_TASK})
      WINDOW w AS (PARTITION BY callee_hash, ${NO_TASK})) folded
    WHERE n = 1 LIMIT ${limitParam(dialect, 3)}`;
}

/** The parameters of calleeOutcomesSql, checked against the bounds first. */
export function calleeOutcomesParams(dialect: Dialect, query: CalleeQuery): unknown[] {
  if (query.taskIds.length > MAX_QUERY_TASKS || query.calleeHashes.length > MAX_QUERY_CALLEES)
    throw new ToolError(
      "invalid-input",
      `a per-recipient query takes at most ${MAX_QUERY_TASKS} task ids and ${MAX_QUERY_CALLEES} callees (got ${query.taskIds.length} and ${query.calleeHashes.length})`,
      "ask for one campaign at a time",
    );
  const hashes = listParam(dialect, query.calleeHashes);
  const tasks = listParam(dialect, query.taskIds);
  const limit = 2 * query.calleeHashes.length;
  return dialect === "sqlite" ? [hashes, tasks, tasks, limit] : [hashes, tasks, limit];
}

/**
 * Callees with any report carrying one of the intents (an opt-out is sticky: a later report without
 * it, or one whose time cannot be read, never takes it back), one row each: its latest such report.
 */
export function optedOutSql(dialect: Dialect, table: string): string {
  return `SELECT callee_hash AS "calleeHash", callee_masked AS "calleeMasked", intent
    FROM (SELECT callee_hash, callee_masked, intent, ROW_NUMBER() OVER (PARTITION BY callee_hash ORDER BY ${LATEST_OF_ALL}) AS n
      FROM ${table}
      WHERE ${inList(dialect, "intent", 1, "text")} AND callee_hash IS NOT NULL) opted
    WHERE n = 1 LIMIT ${limitParam(dialect, 2)}`;
}

export function optedOutParams(dialect: Dialect, intents: readonly string[]): unknown[] {
  return [listParam(dialect, intents), MAX_QUERY_ROWS + 1];
}

/** Calls per task (and unattributed callee), hour and outcome. */
export function timelineSql(dialect: Dialect, table: string): string {
  const count = dialect === "pg" ? "COUNT(*)::int" : "COUNT(*)";
  return `SELECT task_id AS "taskId", source_task_id AS "sourceTaskId", ${UNATTRIBUTED_CALLEE} AS "calleeHash",
      (hangup_time / 3600000) * 3600000 AS hour, outcome, ${count} AS calls
    FROM ${table} WHERE hangup_time IS NOT NULL
    GROUP BY task_id, source_task_id, 3, 4, outcome LIMIT ${limitParam(dialect, 1)}`;
}

export const timelineParams = (): unknown[] => [MAX_QUERY_ROWS + 1];

/**
 * Cost and billed line time per task (a recall round's under its parent) and callee prefix — the
 * visible head of the masked number, which starts with its country code — for the cost forecast's
 * price per country. Reports without a task id belong to no series and are left out.
 */
export function prefixCostSql(dialect: Dialect, table: string): string {
  return `SELECT COALESCE(source_task_id, task_id) AS "taskId", substr(callee_masked, 1, 4) AS prefix, currency,
      SUM(cost + ai_fee) AS cost, SUM(talk_seconds) AS "billedLineSeconds"
    FROM ${table} WHERE (task_id IS NOT NULL OR source_task_id IS NOT NULL) AND callee_masked IS NOT NULL
    GROUP BY 1, 2, 3 LIMIT ${limitParam(dialect, 1)}`;
}

export const prefixCostParams = (): unknown[] => [MAX_QUERY_ROWS + 1];

/** Rows as both drivers return them (PostgreSQL: bigint as text, booleans as booleans; SQLite: 0/1). */
type Row = Record<string, unknown>;

const int = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const outcomeOf = (value: unknown): OutcomeClass =>
  OUTCOME_CLASSES.includes(value as OutcomeClass) ? (value as OutcomeClass) : "failed";

export const calleeOutcomeOf = (row: Row): CalleeOutcome => ({
  calleeHash: String(row["calleeHash"]),
  unattributed: Boolean(row["unattributed"]),
  attempts: Number(row["attempts"]),
  connectedCalls: Number(row["connectedCalls"]),
  billedLineSeconds: Number(row["billedLineSeconds"] ?? 0),
  lastCallAt: int(row["lastCallAt"]),
  outcome: outcomeOf(row["outcome"]),
  intent: (row["intent"] as string | null) ?? null,
});

export const optedOutOf = (row: Row): OptedOutCallee => ({
  calleeHash: String(row["calleeHash"]),
  calleeMasked: (row["calleeMasked"] as string | null) ?? null,
  intent: String(row["intent"]),
});

export const timelineRowOf = (row: Row): TimelineRow => ({
  taskId: int(row["taskId"]),
  sourceTaskId: int(row["sourceTaskId"]),
  calleeHash: (row["calleeHash"] as string | null) ?? null,
  hour: Number(row["hour"]),
  outcome: outcomeOf(row["outcome"]),
  calls: Number(row["calls"]),
});

export const prefixCostOf = (row: Row): PrefixCost => ({
  taskId: Number(row["taskId"]),
  // Only the leading digits: a short number's head is followed by its mask.
  prefix: /^\d*/.exec(String(row["prefix"] ?? ""))![0],
  currency: (row["currency"] as string | null) ?? null,
  cost: Number(row["cost"] ?? 0),
  billedLineSeconds: Number(row["billedLineSeconds"] ?? 0),
});

/** A result past MAX_QUERY_ROWS is refused in words, never cut silently. */
export function bounded<T>(rows: readonly Row[], read: (row: Row) => T, what: string): T[] {
  if (rows.length > MAX_QUERY_ROWS)
    throw new ToolError(
      "invalid-input",
      `the report store holds more than ${MAX_QUERY_ROWS.toLocaleString("en")} ${what}; this release reads at most that many`,
      "ask for one campaign (campaign outcomes NAME), or move old reports to another store",
    );
  return rows.map(read);
}
