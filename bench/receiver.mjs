// Receiver ingest: reports per second with every acknowledged report durable (SQLite,
// synchronous=FULL, one transaction per batch). The floor is what a durable store can do: the
// same batches parsed, and the same rows inserted straight into the same table with the same
// indexes and the same durability (one fsynced transaction per batch), without HTTP — target ≥ 1× (group commit
// across concurrent pushes can beat the sequential floor). A server that answers without even
// parsing is printed too, as an informative line: no floor for one that must not lose a report.
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

/**
 * The storage floor on SQLite: the same batches, parsed, and the very rows the store writes for
 * them inserted into the store's own table and indexes (the tool's migrations make them) with the
 * store's pragmas, one fsynced transaction per batch. The rows (salted callee hashes, masked
 * numbers, the kept record) are computed with the tool's own functions before the clock starts,
 * so the floor pays the database's work on the same data — random hash keys in the callee index
 * included — and none of the receiver's checks, hashing or masking.
 */
async function sqliteFloor(dir) {
  const { default: Database } = await import(join(ROOT, "node_modules/better-sqlite3/lib/index.js"));
  const { migrationSql } = await import(join(ROOT, "dist/reports/migrations.js"));
  const { parseBatch } = await import(join(ROOT, "dist/reports/record.js"));
  const { reportRow, COLUMNS } = await import(join(ROOT, "dist/reports/columns.js"));
  const { calleeHasher, newSalt } = await import(join(ROOT, "dist/reports/callee-hash.js"));
  const db = new Database(join(dir, "floor.db"));
  for (const pragma of [
    "journal_mode = WAL",
    "synchronous = FULL",
    "wal_autocheckpoint = 10000",
    "cache_size = -65536",
  ])
    db.pragma(pragma);
  for (const sql of migrationSql({ dialect: "sqlite", table: "reports", present: new Set() }, 0)) db.exec(sql);
  const insert = db.prepare(
    `INSERT OR IGNORE INTO reports (${COLUMNS.map((c) => c.name).join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
  );
  const store = db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
  const context = { hashCallee: calleeHasher(newSalt()), storeNumbers: false, receivedAt: new Date().toISOString() };
  const bodies = Array.from({ length: REPORTS / BATCH }, (_, i) => batchBody("floor", i));
  const rows = bodies.map((body) =>
    parseBatch(JSON.parse(body).array, { timeZone: "Asia/Shanghai", now: Date.now() }).reports.map((r) =>
      reportRow(r, context),
    ),
  );
  const start = performance.now();
  for (let i = 0; i < bodies.length; i++) {
    JSON.parse(bodies[i]); // the receiver parses each body too
    store(rows[i]);
  }
  const rate = REPORTS / ((performance.now() - start) / 1000);
  const stored = db.prepare("SELECT COUNT(*) AS n FROM reports").get().n;
  db.close();
  if (stored !== REPORTS) throw new Error(`floor stored ${stored} of ${REPORTS}`);
  return rate;
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
  const floor = await sqliteFloor(dir);
  const nullServer = await serve(
    process.execPath,
    [join(ROOT, "bench/null-server.mjs")],
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const unstored = await drive(nullServer.match[1], "/", "null").finally(() => nullServer.stop());
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
    target: 1,
    extra: `floor: bare SQLite inserts of the same batches, same table, indexes and durability; all ${stored.toLocaleString("en")} acknowledged reports found in the store`,
  });
  console.log(
    `  informative: a server that answers without parsing or storing takes ${unstored.toFixed(0)} reports/s (the receiver at ${(ours / unstored).toFixed(2)}× of it)`,
  );
});
