import { maskPhoneNumber } from "../privacy/index.js";
import { storedRecord, type CallReport } from "./record.js";

/** The two SQL dialects the report stores speak. */
export type Dialect = "sqlite" | "pg";

/** What a stored row takes besides its report. */
export interface RowContext {
  /** The store's salted hash (see callee-hash.ts). */
  hashCallee(callee: string): string;
  storeNumbers: boolean;
  /** When the batch was committed, ISO 8601. */
  receivedAt: string;
}

export interface Column {
  name: string;
  type: Readonly<Record<Dialect, string>>;
  constraint?: string | Readonly<Record<Dialect, string>>;
  /** The schema version that added it (see migrations.ts); 1 when absent. */
  since?: number;
  value(report: CallReport, context: RowContext): unknown;
}

const TEXT = { sqlite: "TEXT", pg: "text" };
const INT = { sqlite: "INTEGER", pg: "integer" };
const BIGINT = { sqlite: "INTEGER", pg: "bigint" };
const REAL = { sqlite: "REAL", pg: "double precision" };
const COUNT = "NOT NULL DEFAULT 0";

/** The reports table of both stores, in insert order. */
export const COLUMNS: readonly Column[] = [
  // The idempotency key: a voiceId pushed again is not stored again.
  {
    name: "voice_id",
    type: TEXT,
    constraint: { sqlite: "NOT NULL UNIQUE", pg: "PRIMARY KEY" },
    value: (r) => r.voiceId,
  },
  { name: "task_id", type: BIGINT, value: (r) => r.taskId },
  { name: "source_task_id", type: BIGINT, value: (r) => r.sourceTaskId },
  { name: "recall_round", type: INT, value: (r) => r.recallRound },
  { name: "callee_hash", type: TEXT, value: (r, x) => (r.callee === null ? null : x.hashCallee(r.callee)) },
  { name: "callee_masked", type: TEXT, value: (r) => (r.callee === null ? null : maskPhoneNumber(r.callee)) },
  { name: "callee", type: TEXT, value: (r, x) => (x.storeNumbers ? r.callee : null) },
  { name: "outcome", type: TEXT, constraint: "NOT NULL", value: (r) => r.outcome },
  { name: "intent", type: TEXT, value: (r) => r.intent },
  // talk_seconds holds chargedDuration (billed line time): the column keeps its first name.
  { name: "talk_seconds", type: INT, constraint: COUNT, value: (r) => r.billedLineSeconds },
  { name: "ai_billed_seconds", type: INT, constraint: COUNT, value: (r) => r.aiAgentBilledSeconds },
  { name: "cost", type: REAL, constraint: COUNT, value: (r) => r.cost },
  { name: "ai_fee", type: REAL, constraint: COUNT, value: (r) => r.aiAgentFee },
  { name: "currency", type: TEXT, value: (r) => r.currency },
  { name: "hangup_time", type: BIGINT, value: (r) => r.hangupTime },
  { name: "unreadable_times", type: INT, constraint: COUNT, since: 2, value: (r) => r.unreadableTimes },
  {
    name: "received_at",
    type: { sqlite: "TEXT", pg: "timestamptz" },
    // PostgreSQL keeps its default: receivers of earlier releases insert without this column.
    constraint: { sqlite: "NOT NULL", pg: "NOT NULL DEFAULT now()" },
    value: (_r, x) => x.receivedAt,
  },
  {
    name: "record",
    type: { sqlite: "TEXT", pg: "jsonb" },
    constraint: "NOT NULL",
    value: (r, x) => JSON.stringify(storedRecord(r, x.storeNumbers)),
  },
];

/** The indexes of both stores: by task for outcomes, by callee hash for attribution by number. */
const INDEXES: readonly { name: string; column: string }[] = [
  { name: "reports_task", column: "task_id" },
  { name: "reports_callee_hash", column: "callee_hash" },
];

/** The stored row of a report, values in COLUMNS order: the one place a callee is hashed and masked. */
export function reportRow(report: CallReport, context: RowContext): unknown[] {
  return COLUMNS.map((column) => column.value(report, context));
}

/** The columns the given schema version added. */
export const columnsOf = (version: number): Column[] => COLUMNS.filter((c) => (c.since ?? 1) === version);

function columnSql(dialect: Dialect, column: Column): string {
  const constraint = typeof column.constraint === "string" ? column.constraint : column.constraint?.[dialect];
  return [column.name, column.type[dialect], constraint].filter(Boolean).join(" ");
}

/** `table` is the name as SQL text (PostgreSQL's with its schema). */
export function createTableSql(dialect: Dialect, table: string, columns: readonly Column[]): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (${columns.map((c) => columnSql(dialect, c)).join(", ")})`;
}

export const addColumnSql = (dialect: Dialect, table: string, column: Column): string =>
  `ALTER TABLE ${table} ADD COLUMN ${columnSql(dialect, column)}`;

export const createIndexSql = (table: string): string[] =>
  INDEXES.map((index) => `CREATE INDEX IF NOT EXISTS ${index.name} ON ${table} (${index.column})`);
