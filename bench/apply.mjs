// Apply of many campaigns against the simulator (its own process) at parallelism 8: submissions
// per second of the apply engine — every write-ahead record durable (fsync) before its request —
// against bare undici POSTs of the same signed bodies at the same concurrency. Targets (issue 21): ≥ 0.95× with the state file, ≥ 0.9× with PostgreSQL.
// With --pg the state is in PostgreSQL (one transaction per group of records, CAS on the serial).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Pool } from "undici";
import { BIN, FULL, PG_URL, ROOT, report, serve, withPgSchema, withTempDir } from "./lib.mjs";

const PG = process.argv.includes("--pg");

const CAMPAIGNS = FULL ? 1000 : 200;
const PER_CAMPAIGN = 1000;
const PARALLELISM = 8;

const { loadCampaigns, discoverCampaignFiles, nodeFileReader } = await import(join(ROOT, "dist/campaigns/index.js"));
const { describeDesired } = await import(join(ROOT, "dist/plan/index.js"));
const { hmacHasher, emptyState, createStateWriter, fileSink, newSalt, openPgStateBackend } = await import(
  join(ROOT, "dist/state/index.js")
);
const { executeApply } = await import(join(ROOT, "dist/apply/engine.js"));
const { createClient, signedHeaders } = await import(join(ROOT, "dist/laaffic/index.js"));

async function desiredIn(dir, prefix) {
  await mkdir(join(dir, prefix), { recursive: true });
  for (let c = 0; c < CAMPAIGNS; c++) {
    const numbers = Array.from(
      { length: PER_CAMPAIGN },
      (_, r) => `  - {calleeNumber: "${919_700_000_000 + c * PER_CAMPAIGN + r}", text1: "N${r}"}`,
    ).join("\n");
    // A future sendTime: the simulator stores the tasks but places no calls during the run.
    await writeFile(
      join(dir, prefix, `${c}.yaml`),
      `taskName: ${prefix}-${c}\nappId: Jgd8oFei\nagentId: 110\nsendTime: "2035-01-01 14:00:00"\nnumberInfoList:\n${numbers}\n`,
    );
  }
  const files = await discoverCampaignFiles([prefix], dir);
  const loaded = await loadCampaigns({
    files,
    reader: nodeFileReader(dir),
    now: Date.now(),
    timeZone: "Asia/Shanghai",
  });
  const hash = hmacHasher(newSalt());
  return loaded.campaigns.map((c) => describeDesired(c, hash));
}

async function floorRun(url, desired) {
  const pool = new Pool(url, { keepAliveTimeout: 4000 });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      while (next < desired.length) {
        const body = JSON.stringify(desired[next++].body);
        const response = await pool.request({
          path: "/voice/group/call/send/agent",
          method: "POST",
          headers: signedHeaders("demo-key", "demo-secret", Date.now()),
          body,
        });
        const answer = await response.body.json();
        if (String(answer.code) !== "0") throw new Error(`floor: platform said ${answer.code}`);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  return desired.length / seconds;
}

async function oursRun(url, desired, dir, pgSchema) {
  const client = createClient({
    baseUrl: url,
    credentials: { apiKey: "demo-key", apiSecret: "demo-secret" },
    timeoutMs: 60_000,
    now: Date.now,
  });
  await mkdir(dir, { recursive: true });
  const backend = pgSchema ? await openPgStateBackend(PG_URL, pgSchema) : undefined;
  const writer = backend
    ? backend.writer(emptyState(`bench-${pgSchema}`, newSalt()), Date.now)
    : createStateWriter(fileSink(join(dir, "state.json")), emptyState("bench", newSalt()), Date.now);
  const start = performance.now();
  const outcomes = await executeApply({
    toSubmit: desired,
    writer,
    client,
    lookup: { timeZone: "Asia/Shanghai" },
    parallelism: PARALLELISM,
    planId: "bench",
    now: Date.now,
    emit: () => undefined,
    stopRequested: () => false,
  });
  const seconds = (performance.now() - start) / 1000;
  await client.close();
  await backend?.close();
  if (outcomes.some((o) => o.status !== "submitted")) throw new Error("ours: not every campaign was submitted");
  return { rate: desired.length / seconds, serial: writer.current().serial };
}

/** The same campaigns under other task names (every run must create new tasks). */
const renamed = (desired, prefix) =>
  desired.map((d, i) => ({ ...d, taskName: `${prefix}-${i}`, body: { ...d.body, taskName: `${prefix}-${i}` } }));

await withTempDir(async (dir) => {
  const sim = await serve(
    process.execPath,
    [BIN, "simulator", "--port", "0"],
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  const url = sim.match[1];
  try {
    const base = await desiredIn(dir, "set");
    await floorRun(url, renamed(base.slice(0, 50), "warm"));
    // Alternate the two sides and keep each one's best run, so neither gains from going second.
    let floor = 0;
    let ours = { rate: 0, serial: 0 };
    for (const round of [1, 2, 3]) {
      floor = Math.max(floor, await floorRun(url, renamed(base, `floor${round}`)));
      const run = PG
        ? await withPgSchema((schema) =>
            oursRun(url, renamed(base, `ours${round}`), join(dir, `state${round}`), schema),
          )
        : await oursRun(url, renamed(base, `ours${round}`), join(dir, `state${round}`));
      if (run.rate > ours.rate) ours = run;
    }
    const where = PG ? "state in PostgreSQL" : "state file";
    report({
      name: `apply, ${where} (${CAMPAIGNS} campaigns × ${PER_CAMPAIGN} recipients, parallelism ${PARALLELISM})`,
      figure: ours.rate,
      unit: "submissions/s",
      floor,
      higherIsBetter: true,
      target: PG ? 0.9 : 0.95,
      extra: `${ours.serial} durable state writes (${PG ? "transactions" : "fsyncs"}) for ${CAMPAIGNS * 2} write-ahead and outcome records`,
    });
  } finally {
    await sim.stop();
  }
});
