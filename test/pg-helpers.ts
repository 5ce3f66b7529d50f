import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, describe } from "vitest";

/**
 * The PostgreSQL the tests use: CAMPAIGN_TEST_PG_URL, or with CI=true the project machine's
 * server (required there: a test fails when it is unreachable). Elsewhere the tests are skipped.
 */
export const PG_URL =
  process.env["CAMPAIGN_TEST_PG_URL"] ??
  (process.env["CI"] === "true" ? "postgres://postgres@127.0.0.1:5432/test" : undefined);

if (!PG_URL) {
  console.warn(
    "note: the PostgreSQL tests are skipped; set CAMPAIGN_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test to run them (with CI=true they are required)",
  );
}

export const describePg = PG_URL ? describe : describe.skip;

const schemas: string[] = [];
afterEach(async () => {
  if (!PG_URL || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
});

/** A schema of its own for one test, dropped after it. */
export function freshSchema(): string {
  const schema = `test_${randomBytes(6).toString("hex")}`;
  schemas.push(schema);
  return schema;
}

/** One query against the test server (for assertions). */
export async function pgQuery<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
