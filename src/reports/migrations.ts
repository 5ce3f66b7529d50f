import { ToolError, type ErrorDetails } from "../errors/index.js";
import { addColumnSql, columnsOf, createIndexSql, createTableSql, type Dialect } from "./columns.js";

/** The meta table's keys, the same in both stores (the table is `meta` in SQLite, `report_meta` in PostgreSQL). */
export const VERSION_KEY = "schema_version";
export const SALT_KEY = "salt";

/** Where a step runs: the reports table as SQL text, and the columns it has already. */
export interface MigrationTarget {
  dialect: Dialect;
  table: string;
  present: ReadonlySet<string>;
}

/**
 * The store's versions in order: step i brings a store from version i to i + 1, in both backends.
 * A step only adds what is missing: SQLite stores of earlier releases recorded version 1 whether or
 * not they had added a later column already.
 */
const MIGRATIONS: readonly ((target: MigrationTarget) => string[])[] = [
  // 1: the reports table as first released, with its indexes.
  (t) => [createTableSql(t.dialect, t.table, columnsOf(1)), ...createIndexSql(t.table)],
  // 2: report times checked on arrival: how many of a report's could not be read.
  (t) => missingColumnsSql(t, 2),
];

/** The version this release writes and the newest it opens. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function missingColumnsSql(target: MigrationTarget, version: number): string[] {
  return columnsOf(version)
    .filter((column) => !target.present.has(column.name))
    .map((column) => addColumnSql(target.dialect, target.table, column));
}

/** The statements that bring a store of version `from` to SCHEMA_VERSION, in order. */
export function migrationSql(target: MigrationTarget, from: number): string[] {
  return MIGRATIONS.slice(from).flatMap((step) => step(target));
}

/** The key-value table that holds the version and the salt (the same SQL in both dialects). */
export const metaTableSql = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, value text NOT NULL)`;

/**
 * A store's recorded version (none: 0, nothing made yet), refused before anything is written
 * when it is not a version number or newer than this release knows.
 */
export function checkedVersion(recorded: string | number | undefined, where: string, details?: ErrorDetails): number {
  if (recorded === undefined) return 0;
  if (!/^\d{1,9}$/.test(String(recorded)))
    throw new ToolError(
      "state-corrupt",
      `${where} records a schema version that is not a number`,
      "restore it from a backup; it was left untouched",
      details,
    );
  const version = Number(recorded);
  if (version > SCHEMA_VERSION)
    throw new ToolError(
      "state-too-new",
      `${where} has schema version ${version}; this campaign version knows versions up to ${SCHEMA_VERSION}`,
      "upgrade laaffic-campaign; the store is left untouched",
      details,
    );
  return version;
}
