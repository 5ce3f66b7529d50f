// Receiver ingest: reports per second with every acknowledged report durable (SQLite,
// synchronous=FULL, one transaction per batch), against a server that answers without storing.
// Both are separate processes fed by the same load generator. Target ≥ 0.5×.
// With --pg the receiver stores into PostgreSQL, and the floor is the least a durable, idempotent
// Postgres store does: the same batches inserted straight with pg (one transaction each, primary
// key on voiceId, ON CONFLICT DO NOTHING), at the same concurrency, without HTTP.
import { join } from "node:path";
import { Pool } from "undici";
import { writeFile } from "node:fs/promises";
import { BIN, FULL, PG_URL, ROOT, report, serve, withPgSchema, withTempDir } from "./lib.mjs";

const PG = process.argv.includes("--pg");

const REPORTS = FULL ? 500_000 : 50_000;
const BATCH = 500;
const CONCURRENCY = 8;
const TOKEN = "bench-token-0123456789abcdef";

function batchBody(prefix, index) {
  const records = Array.from({ length: BATCH }, (_, i) => ({
    voiceId: `${prefix}-${index}-${i}`,
    type: 1,
    taskId: 100001 + (index % 50),
    callee: String(910_000_000_000 + index * BATCH + i),
    displayNum: "123456",
    callTime: 1_900_000_000_000,
    hangupTime: 1_900_000_060_000,
    chargedDuration: 42,
    aiAgentBillPeriod: 60,
    cost: "0.0100",
    aiAgentQuoteFee: "0.0200",
    currency: "USD",
    terminationCode: "0",
    sipCode: "200",
    intent: "101",
    callStatus: 50,
    calledInfo: '{"text1":"Asha"}',
    scriptId: 110,
  }));
  return JSON.stringify({ array: records });
}

async function drive(baseUrl, path, prefix) {
  const bodies = Array.from({ length: REPORTS / BATCH }, (_, i) => batchBody(prefix, i));
  const pool = new Pool(baseUrl);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const response = await pool.request({
          path,
          method: "POST",
          body: bodies[next++],
          headers: { "content-type": "application/json" },
        });
        await response.body.dump();
        if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return REPORTS / seconds;
}

/** The storage floor on Postgres: the same batches, parsed, inserted with nothing else around them. */
async function pgFloor(schema) {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: PG_URL, max: CONCURRENCY });
  await pool.query(
    `CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".floor (voice_id text PRIMARY KEY, record jsonb NOT NULL)`,
  );
  const bodies = Array.from({ length: REPORTS / BATCH }, (_, i) => batchBody("floor", i));
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const records = JSON.parse(bodies[next++]).array;
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(
            `INSERT INTO "${schema}".floor SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT DO NOTHING`,
            [records.map((r) => r.voiceId), records.map((r) => JSON.stringify(r))],
          );
          await client.query("COMMIT");
        } finally {
          client.release();
        }
      }
    }),
  );
  const rate = REPORTS / ((performance.now() - start) / 1000);
  await pool.end();
  return rate;
}

async function pgRun(dir) {
  await withPgSchema(async (schema) => {
    const floor = await pgFloor(`${schema}_floor`);
    const config = join(dir, "campaign.config.yaml");
    await writeFile(config, `reports:\n  backend: postgres\n  schema: ${schema}\n`);
    const receiver = await serve(
      process.execPath,
      [BIN, "--config", config, "receive", "--port", "0"],
      /POST (http:\/\/127\.0\.0\.1:\d+)\/reports\//,
      { CAMPAIGN_RECEIVER_TOKEN: TOKEN, CAMPAIGN_PG_URL: PG_URL },
    );
    const ours = await drive(receiver.match[1], `/reports/${TOKEN}`, "ours").finally(() => receiver.stop());
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const stored = Number((await client.query(`SELECT COUNT(*) AS n FROM "${schema}".reports`)).rows[0].n);
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_floor" CASCADE`);
    await client.end();
    if (stored !== REPORTS) throw new Error(`stored ${stored} of ${REPORTS}`);
    report({
      name: `receiver ingest into PostgreSQL (${REPORTS.toLocaleString("en")} reports in batches of ${BATCH}, ${CONCURRENCY} concurrent)`,
      figure: ours,
      unit: "reports/s",
      floor,
      higherIsBetter: true,
      target: 0.5,
      extra: `floor: bare pg inserts of the same batches; all ${stored.toLocaleString("en")} acknowledged reports found in the store`,
    });
  });
}

await withTempDir(async (dir) => {
  if (PG) return pgRun(dir);
  const floorServer = await serve(
    process.execPath,
    [join(ROOT, "bench/null-server.mjs")],
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const floor = await drive(floorServer.match[1], "/", "floor").finally(() => floorServer.stop());
  const receiver = await serve(
    process.execPath,
    [BIN, "receive", "--port", "0", "--store", join(dir, "reports.db")],
    /POST (http:\/\/127\.0\.0\.1:\d+)\/reports\//,
    { CAMPAIGN_RECEIVER_TOKEN: TOKEN },
  );
  const ours = await drive(receiver.match[1], `/reports/${TOKEN}`, "ours").finally(() => receiver.stop());
  const { default: Database } = await import(join(ROOT, "node_modules/better-sqlite3/lib/index.js"));
  const db = new Database(join(dir, "reports.db"), { readonly: true });
  const stored = db.prepare("SELECT COUNT(*) AS n FROM reports").get().n;
  db.close();
  if (stored !== REPORTS) throw new Error(`stored ${stored} of ${REPORTS}`);
  report({
    name: `receiver ingest (${REPORTS.toLocaleString("en")} reports in batches of ${BATCH}, ${CONCURRENCY} concurrent)`,
    figure: ours,
    unit: "reports/s",
    floor,
    higherIsBetter: true,
    target: 0.5,
    extra: `all ${stored.toLocaleString("en")} acknowledged reports found in the store`,
  });
});
