// `npm run bench` (quick sizes) or `npm run bench -- --full`: every benchmark, one after another,
// each printing its figure, the floor measured in the same run, and the ratio to its target.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { PG_URL, ROOT } from "./lib.mjs";

const full = process.argv.includes("--full");
console.log(
  `laaffic-campaign benchmarks (${full ? "full" : "quick"} size) on ${cpus().length} cores, Node ${process.version}`,
);
let failed = false;
const runs = [["startup.mjs"], ["plan.mjs"], ["apply.mjs"], ["receiver.mjs"]];
// The Postgres variants need a server: the machine's local one, or CAMPAIGN_BENCH_PG_URL.
const { default: pg } = await import("pg");
const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
const pgUp = await probe.connect().then(
  () => true,
  () => false,
);
await probe.end().catch(() => undefined);
if (pgUp) runs.push(["apply.mjs", "--pg"], ["receiver.mjs", "--pg"]);
else
  console.log(
    `PostgreSQL benchmarks skipped: no server at ${PG_URL.replace(/:[^:@/]*@/, ":***@")} (set CAMPAIGN_BENCH_PG_URL)`,
  );
for (const [script, ...args] of runs) {
  const result = spawnSync(process.execPath, [join(ROOT, "bench", script), ...args, ...(full ? ["--full"] : [])], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
