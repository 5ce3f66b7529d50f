// Plan over many campaigns and recipients (CSV files generated here): time and peak RSS of
// `campaign plan`, against two floors measured in the same run, each a whole process that only
// reads the same files and parses them: "today's" with the parsers the tool used before (yaml +
// csv-parse, configured as the loader configured it) and "the parse limit" with yaml + uDSV, the
// fastest well-kept CSV parser measured. Targets (issue 21): ≤ 3× the parse limit (2× the goal),
// peak RSS ≤ 512 MiB.
// The plan runs with the default guards (every number checked against its country's metadata,
// calling hours in each callee's zone, the number sets for diffs and duplicates across campaigns).
// Each side runs in its own child process, so peak RSS is its own.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FULL, ROOT, child, report, withTempDir } from "./lib.mjs";

const CAMPAIGNS = FULL ? 1000 : 100;
const PER_CAMPAIGN = 1000;
const mode = process.argv[2];

if (mode === "--floor" || mode === "--floor-udsv" || mode === "--ours" || mode === "--guarded") {
  const dir = process.argv[3];
  const start = performance.now();
  if (mode === "--floor" || mode === "--floor-udsv") {
    // The same module specifiers the loader imports, so the same builds of the parsers run.
    const { parseAllDocuments } = await import("yaml");
    const parseCsv = mode === "--floor" ? await csvParseRows() : await udsvRows();
    let rows = 0;
    for (const name of await readdir(join(dir, "campaigns"))) {
      const text = await readFile(join(dir, "campaigns", name), "utf8");
      if (name.endsWith(".yaml")) for (const doc of parseAllDocuments(text)) doc.toJS();
      else rows += parseCsv(text).length;
    }
    if (rows < CAMPAIGNS * PER_CAMPAIGN) throw new Error(`only ${rows} rows parsed`);
  } else {
    const { main } = await import(join(ROOT, "dist/cli/main.js"));
    let out = "";
    const terminal = { out: (t) => (out += t), err: () => undefined, color: false, isTTY: false };
    const args = mode === "--guarded" ? ["--config", "guards.yaml", "plan", "--json"] : ["plan", "--json"];
    const code = await main(args, { cwd: dir, env: {}, now: () => Date.now() }, terminal);
    const plan = JSON.parse(out);
    if (code !== 0 || plan.summary.create !== CAMPAIGNS || plan.summary.recipientsToSubmit !== CAMPAIGNS * PER_CAMPAIGN)
      throw new Error(`plan failed (${code})`);
  }
  const ms = performance.now() - start;
  console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
} else {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, "campaigns"));
    for (let c = 0; c < CAMPAIGNS; c++) {
      const name = `bench-${String(c).padStart(4, "0")}`;
      await writeFile(
        join(dir, "campaigns", `${name}.yaml`),
        `taskName: ${name}\nappId: Jgd8oFei\nagentId: 110\nmaxCalls: 180\nsendTime: "2030-01-15 14:00:00"\nrecipientsFile: ${name}.csv\nrecallFlow:\n  recallType: 1\n  recallInterval: 60\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n`,
      );
      const rows = ["calleeNumber,text1,text2"];
      for (let r = 0; r < PER_CAMPAIGN; r++)
        rows.push(
          `${919_700_000_000 + c * PER_CAMPAIGN + r},Name${r},2030-01-${String((r % 28) + 1).padStart(2, "0")}`,
        );
      await writeFile(join(dir, "campaigns", `${name}.csv`), rows.join("\n") + "\n");
    }
    const script = new URL(import.meta.url).pathname;
    // A 1,000,000-number suppression list (none of them recipients) for the guarded run.
    await writeFile(
      join(dir, "suppress.txt"),
      Array.from({ length: 1_000_000 }, (_, i) => `+44${7_000_000_000 + i}`).join("\n") + "\n",
    );
    await writeFile(join(dir, "guards.yaml"), "guards:\n  suppressionLists: [suppress.txt]\n");
    // The sides take turns, round after round, and each keeps its best run: on a shared VM a slow
    // minute then hits all three alike instead of one side's whole block.
    const best = { "--floor": undefined, "--floor-udsv": undefined, "--ours": undefined, "--guarded": undefined };
    for (let round = 0; round < 4; round++) {
      for (const side of Object.keys(best)) {
        const run = await child(script, [side, dir, ...(FULL ? ["--full"] : [])]);
        if (!best[side] || run.ms < best[side].ms) best[side] = run;
      }
    }
    const { "--floor": floor, "--floor-udsv": limit, "--ours": ours, "--guarded": guarded } = best;
    const recipients = CAMPAIGNS * PER_CAMPAIGN;
    const name = `plan with the default guards (${CAMPAIGNS} campaigns, ${recipients.toLocaleString("en")} recipients)`;
    report({
      name: `${name}, against the parse limit (yaml + uDSV)`,
      figure: ours.ms,
      unit: "ms",
      floor: limit.ms,
      higherIsBetter: false,
      target: 3,
      extra: `peak RSS ${ours.maxRssMiB.toFixed(0)} MiB (floor ${limit.maxRssMiB.toFixed(0)} MiB, target ≤ 512 MiB) ${ours.maxRssMiB <= 512 ? "✓" : "✗ MISSED"}`,
    });
    console.log(
      `  today's floor (yaml + csv-parse, the parsers the tool used before): ${floor.ms.toFixed(0)} ms → plan at ${(ours.ms / floor.ms).toFixed(2)}× of it`,
    );
    console.log(
      `the same plan with a 1,000,000-number suppression list as well: ${guarded.ms.toFixed(0)} ms (${guarded.ms >= ours.ms ? "+" : ""}${(guarded.ms - ours.ms).toFixed(0)} ms), peak RSS ${guarded.maxRssMiB.toFixed(0)} MiB`,
    );
  });
}

/** csv-parse as the loader configured it before it read the strict form itself. */
async function csvParseRows() {
  const { parse } = await import("csv-parse/sync");
  return (text) => parse(text, { bom: true, trim: true, skip_empty_lines: true });
}

/** uDSV with the delimiters given (its inference reads a one-column header wrong). */
async function udsvRows() {
  const { inferSchema, initParser } = await import("udsv");
  return (text) => {
    const schema = inferSchema(text, { col: ",", row: "\n", encl: '"', trim: true });
    return initParser(schema).stringArrs(text);
  };
}
