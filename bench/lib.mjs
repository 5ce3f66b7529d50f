// Shared helpers for the benchmarks: sizes, child processes, and the one output format
// (figure, floor measured in the same run, ratio, target).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FULL = process.argv.includes("--full");
export const BIN = join(ROOT, "bin", "campaign");

export async function withTempDir(fn) {
  const dir = await mkdtemp(join(tmpdir(), "campaign-bench-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `node script args…` and parses the last line of its stdout as JSON. */
export function child(script, args, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (c) => (out += c));
    proc.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1);
      if (code !== 0 || !last) reject(new Error(`${script} ${args.join(" ")} exited ${code}`));
      else resolve(JSON.parse(last));
    });
  });
}

/** Starts a long-running child and resolves with the first stdout match of `pattern`. */
export function serve(command, args, pattern, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    proc.stdout.on("data", (c) => {
      out += c;
      const match = pattern.exec(out);
      if (match)
        resolve({
          proc,
          match,
          stop: () =>
            new Promise((r) => {
              proc.on("exit", r);
              proc.kill("SIGTERM");
            }),
        });
    });
    proc.on("exit", (code) => reject(new Error(`${command} exited ${code} before it was ready`)));
  });
}

/** The PostgreSQL the --pg variants use (CAMPAIGN_BENCH_PG_URL, else the machine's local server). */
export const PG_URL = process.env.CAMPAIGN_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A schema of its own for one benchmark run, dropped afterwards. */
export async function withPgSchema(fn) {
  const { default: pg } = await import("pg");
  const schema = `bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    return await fn(schema);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

export function report({ name, figure, unit, floor, higherIsBetter, target, extra = "" }) {
  const ratio = figure / floor;
  const ok = higherIsBetter ? ratio >= target : ratio <= target;
  const fmt = (n) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
  console.log(
    `${name}: ${fmt(figure)} ${unit} vs floor ${fmt(floor)} ${unit} → ${ratio.toFixed(2)}× (target ${higherIsBetter ? "≥" : "≤"} ${target}×) ${ok ? "✓" : "✗ MISSED"}${extra ? ` · ${extra}` : ""}`,
  );
  return { name, figure, floor, ratio, ok };
}
