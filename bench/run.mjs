// `npm run bench` (quick sizes) or `npm run bench -- --full`: every benchmark, one after another,
// each printing its figure, the floor measured in the same run, and the ratio to its target.
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { ROOT } from "./lib.mjs";

const full = process.argv.includes("--full");
console.log(`laaffic-campaign benchmarks (${full ? "full" : "quick"} size) on ${cpus().length} cores, Node ${process.version}`);
let failed = false;
for (const script of ["startup.mjs", "plan.mjs", "apply.mjs", "receiver.mjs"]) {
  const result = spawnSync(process.execPath, [join(ROOT, "bench", script), ...(full ? ["--full"] : [])], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
