// Start-up: `campaign --version` against `node -e 0`. Target ≤ 3×.
import { spawnSync } from "node:child_process";
import { BIN, FULL, report } from "./lib.mjs";

const runs = FULL ? 30 : 10;
function median(command, args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${args.join(" ")} failed`);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

median(process.execPath, ["-e", "0"]); // warm the file cache
const floor = median(process.execPath, ["-e", "0"]);
const figure = median(process.execPath, [BIN, "--version"]);
report({
  name: "start-up (campaign --version, median of " + runs + ")",
  figure,
  unit: "ms",
  floor,
  higherIsBetter: false,
  target: 3,
});
