import pg from "pg";
import { ToolError } from "../errors/index.js";
import { maskConnectionString } from "../privacy/index.js";

export type { Pool, PoolClient } from "pg";

/** postgres://user:secret@host/db → postgres://user:***@host/db, whatever the password holds (see maskConnectionString). */
export function maskPgUrl(url: string): string {
  return maskConnectionString(url, { whole: true });
}

/**
 * How long one query may take before it fails, on the server (statement_timeout) and in the
 * client (query_timeout, which also ends the wait for a server that stopped answering): no
 * command, and no receiver stopping, waits on a stalled server for ever. Every query of the tool
 * is short; a failed state write leaves its campaigns pending, never sent twice.
 */
export const QUERY_TIMEOUT_MS = 60_000;

/** A pool for one URL; the first query proves the server answers, with an error a user can act on. */
export async function openPool(
  url: string | undefined,
  purpose: string,
  options: { max?: number; queryTimeoutMs?: number } = {},
): Promise<pg.Pool> {
  if (!url) {
    throw new ToolError(
      "config-invalid",
      `${purpose} uses PostgreSQL but no URL is set`,
      "set CAMPAIGN_PG_URL (e.g. postgres://user@127.0.0.1:5432/db), or the url in the config without a password",
    );
  }
  // keepAlive: a holder whose server vanished notices (and stops writing) instead of waiting forever.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 4,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? QUERY_TIMEOUT_MS,
    keepAlive: true,
    application_name: "laaffic-campaign",
  });
  // An idle client that loses its server must not crash the process: the next query reports it.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw unreachable(error, url, purpose);
  }
  return pool;
}

export function unreachable(error: unknown, url: string, purpose: string): ToolError {
  // The driver's message may echo the URL or its password in any form.
  const reason = maskConnectionString(error instanceof Error ? error.message : String(error), { knownUrls: [url] });
  return new ToolError(
    "backend-unreachable",
    `cannot reach PostgreSQL for ${purpose} at ${maskPgUrl(url)}: ${reason}`,
    'check that the server runs and accepts this user and database (CAMPAIGN_PG_URL, or the url in the config); the README\'s "Shared backends" section says how to start a local one',
  );
}

/** An identifier for SQL text (schema names are checked by the config schema, quoted anyway). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Runs `work` in one transaction on one client; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The transaction-scoped lock every component of a schema (state, reports) migrates under. */
export async function lockMigrations(client: pg.PoolClient, schema: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`laaffic-campaign:migrate:${schema}`]);
}

/**
 * Creates the schema and brings its tables to `version`, once, under a transaction-scoped
 * advisory lock so two processes starting together do not race. Each component (state, reports)
 * records its own version.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  component: string,
  migrations: readonly ((s: string) => string)[],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await lockMigrations(client, schema);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${ident(schema)}.schema_version (component text PRIMARY KEY, version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`,
    );
    const row = await client.query<{ version: number }>(
      `SELECT version FROM ${ident(schema)}.schema_version WHERE component = $1`,
      [component],
    );
    const current = row.rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new ToolError(
        "state-too-new",
        `the PostgreSQL schema ${schema} holds ${component} tables of version ${current}; this campaign version knows ${migrations.length}`,
        "upgrade laaffic-campaign; the tables are left untouched",
      );
    }
    for (let version = current + 1; version <= migrations.length; version++)
      await client.query(migrations[version - 1]!(ident(schema)));
    if (current < migrations.length) {
      await client.query(
        `INSERT INTO ${ident(schema)}.schema_version (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, migrated_at = now()`,
        [component, migrations.length],
      );
    }
  });
}
