import { mkdtemp, mkdir, writeFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";
import { discoverCampaignFiles, loadCampaigns, nodeFileReader, type LoadResult } from "../src/campaigns/index.js";
import { main } from "../src/cli/main.js";
import type { Terminal } from "../src/cli/terminal.js";

const created: string[] = [];
afterEach(async () => {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A temp directory holding the given files (path → text); removed after the test. */
export async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "campaign-test-"));
  created.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** 2026-11-25 12:00:00 UTC: a fixed clock for tests. */
export const FIXED_NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

/**
 * Real time moved to FIXED_NOW's day at noon UTC (17:30 in India), for tests that talk to the
 * simulator (signatures need a running clock) and must not depend on the hour they run at: the
 * calling-hours guard would otherwise fail them at night. Give it to the simulator and the CLI.
 */
const DAYTIME_OFFSET = FIXED_NOW - Date.now();
export const daytimeNow = (): number => Date.now() + DAYTIME_OFFSET;

export async function loadDir(dir: string, paths: string[] = ["."], now = FIXED_NOW): Promise<LoadResult> {
  const files = await discoverCampaignFiles(paths, dir);
  return loadCampaigns({ files, reader: nodeFileReader(dir), now, timeZone: "Asia/Shanghai" });
}

/** `file:line:col: severity code: message` for compact assertions. */
export function located(result: Pick<LoadResult, "diagnostics">): string[] {
  return result.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in-process against `cwd`, capturing what it prints. */
export async function runCli(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
  now = FIXED_NOW,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const terminal: Terminal = {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    color: false,
    isTTY: false,
  };
  const code = await main(args, { cwd, env, now: () => now }, terminal);
  return { code, stdout, stderr };
}

export const CAMPAIGN_HEAD = `taskName: reminders
appId: Jgd8oFei
agentId: 110
`;

import { createClient, type ClientOptions, type LaafficClient } from "../src/laaffic/index.js";
import { DEMO_ACCOUNT, startSimulator, type Simulator, type SimulatorOptions } from "../src/simulator/index.js";

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of running.splice(0).reverse()) await thing.stop();
});

/** A simulator on an ephemeral loopback port, stopped after the test; the lifecycle runs only on tick()/advance(). */
export async function testSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ tickMs: 0, ...options });
  running.push(sim);
  return sim;
}

/** A client for the demo account, closed after the test. */
export function testClient(sim: Pick<Simulator, "url">, overrides: Partial<ClientOptions> = {}): LaafficClient {
  const client = createClient({
    baseUrl: sim.url,
    credentials: { apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret },
    timeoutMs: 2_000,
    maxAttempts: 3,
    now: Date.now,
    sleep: () => Promise.resolve(),
    ...overrides,
  });
  running.push({ stop: () => client.close() });
  return client;
}

/** A campaign file's text; `extra` is appended as YAML lines. */
export function campaignYaml(taskName: string, extra = "", numbers: string[] = ["919700000001"]): string {
  const list = numbers.map((n, i) => `  - calleeNumber: "${n}"\n    text1: Person${i}\n`).join("");
  return `taskName: ${taskName}\nappId: Jgd8oFei\nagentId: 110\n${extra}numberInfoList:\n${list}`;
}

/** The environment that points the CLI at a simulator with the demo account. */
export function simulatorEnv(sim: Pick<Simulator, "url">): Record<string, string> {
  return {
    LAAFFIC_BASE_URL: sim.url,
    LAAFFIC_API_KEY: DEMO_ACCOUNT.apiKey,
    LAAFFIC_API_SECRET: DEMO_ACCOUNT.apiSecret,
  };
}

import { openSqliteStore, startReceiver, type Receiver, type ReportStore } from "../src/reports/index.js";

export const TEST_TOKEN = "test-token-0123456789abcdef";

/** A receiver on an ephemeral port with a SQLite store in a temp dir; both closed after the test. */
export async function testReceiver(
  options: { storeNumbers?: boolean; allowIps?: string[]; maxBodyBytes?: number; dir?: string } = {},
): Promise<{ receiver: Receiver; store: ReportStore; logs: Record<string, unknown>[]; storePath: string }> {
  const dir = options.dir ?? (await tempDir());
  const storePath = join(dir, "reports.db");
  const store = openSqliteStore(storePath, { storeNumbers: options.storeNumbers ?? false });
  const logs: Record<string, unknown>[] = [];
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    token: TEST_TOKEN,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    store,
    log: (e) => void logs.push(e),
    ...(options.allowIps ? { allowIps: options.allowIps } : {}),
  });
  running.push({
    stop: async () => {
      await receiver.stop();
      await store.close();
    },
  });
  return { receiver, store, logs, storePath };
}

/** A status report record as the platform pushes it. */
export function reportRecord(voiceId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    voiceId,
    type: 1,
    taskId: 100001,
    callee: "919700000001",
    displayNum: "123456",
    callStatus: 50,
    terminationCode: "0",
    intent: "101",
    chargedDuration: 42,
    aiAgentBillPeriod: 60,
    cost: "0.0100",
    aiAgentQuoteFee: "0.0200",
    currency: "USD",
    hangupTime: 1_780_000_000_000,
    calledInfo: '{"text1":"Asha"}',
    ...extra,
  };
}

/** A small seeded generator (mulberry32) for generated test inputs: the same ones on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
