import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { openPgStateBackend, readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";
import { describePg, freshSchema, PG_URL, pgQuery } from "../pg-helpers.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");

// The children run on the real clock; calling hours are not what these tests are about.
const config = (schema: string) => `state:\n  backend: postgres\n  schema: ${schema}\nguards:\n  callingHours: false\n`;

function runChild(
  dir: string,
  env: Record<string, string>,
  args: string[],
): { done: Promise<{ code: number | null; output: string }>; kill(): void } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  return {
    done: new Promise((resolve) => child.on("exit", (code) => resolve({ code, output }))),
    kill: () => child.kill("SIGKILL"),
  };
}

async function workspace(campaigns: number) {
  const sim = await testSimulator({ now: Date.now });
  const schema = freshSchema();
  const files: Record<string, string> = { "campaign.config.yaml": config(schema) };
  for (let i = 0; i < campaigns; i++)
    files[`campaigns/c${i}.yaml`] = campaignYaml(`pg-${i}`, "", [String(919_700_000_100 + i)]);
  const dir = await tempDir(files);
  const env = { ...simulatorEnv(sim), CAMPAIGN_PG_URL: PG_URL! };
  return { sim, schema, dir, env, cli: (...args: string[]) => runCli(args, dir, env, Date.now()) };
}

describePg("applied state on PostgreSQL", () => {
  test("two applies from two processes: exactly one proceeds, the other exits 4 naming the holder", async () => {
    const { sim, dir, env, schema } = await workspace(6);
    sim.setFault("create", { latencyMs: 150 });
    const [a, b] = await Promise.all([
      runChild(dir, env, ["apply", "--auto-approve"]).done,
      runChild(dir, env, ["apply", "--auto-approve"]).done,
    ]);
    expect([a.code, b.code].sort()).toEqual([0, 4]);
    const loser = a.code === 4 ? a : b;
    expect(loser.output).toMatch(
      /error state-locked: the state is locked by \S+@\S+ pid \d+ running "campaign apply --auto-approve" since \S+, lock id [0-9a-f-]+/,
    );
    expect(Object.values(sim.stats().tasksCreatedByName)).toEqual([1, 1, 1, 1, 1, 1]);
    const [head] = await pgQuery<{ serial: string }>(`SELECT serial FROM "${schema}".state`);
    expect(Number(head!.serial)).toBeGreaterThan(6);
    expect(await pgQuery(`SELECT * FROM "${schema}".lock_holder`)).toEqual([]); // released
  });

  test("SIGKILL of the holder frees the lock; the next plan shows its in-flight campaigns as unknown, never lost or resent", async () => {
    const { sim, dir, env, schema, cli } = await workspace(4);
    sim.setFault("create", { hangAfterStore: true });
    const apply = runChild(dir, env, ["apply", "--auto-approve", "--parallelism", "2"]);
    // Wait until two campaigns are pending (their requests in flight), then kill.
    for (let i = 0; i < 200; i++) {
      const pending = await pgQuery(`SELECT 1 FROM "${schema}".campaigns WHERE record->>'status' = 'pending'`).catch(
        () => [],
      );
      // Both write-ahead records durable and both requests arrived: the kill hits two in flight.
      if (pending.length === 2 && (sim.stats().requests["create"] ?? 0) === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    apply.kill();
    await apply.done;
    sim.setFault("create", null);
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("2 unknown");
    expect(plan.stdout.match(/error outcome-unknown/g)).toHaveLength(2);
    // Not locked (exit 4): refused because of the unknown outcomes, and nothing is sent again.
    const again = await cli("apply", "--auto-approve");
    expect(again.code).toBe(1);
    expect(again.stdout + again.stderr).not.toContain("state-locked");
    expect(sim.stats().tasksCreated).toBe(2);
  });

  test("force-unlock LOCK_ID ends a hung but connected holder's session; its lock is free at once", async () => {
    const { sim, dir, env, cli, schema } = await workspace(2);
    await writeFile(
      join(dir, "campaign.config.yaml"),
      (await readFile(join(dir, "campaign.config.yaml"), "utf8")) + "api:\n  timeoutMs: 1500\n",
    );
    sim.setFault("create", { hangAfterStore: true });
    const hung = runChild(dir, env, ["apply", "--auto-approve", "--parallelism", "1"]);
    for (
      let i = 0;
      i < 200 &&
      (await pgQuery(`SELECT 1 FROM "${schema}".campaigns WHERE record->>'status' = 'pending'`).catch(() => []))
        .length === 0;
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    const locked = await cli("apply", "--auto-approve");
    expect(locked.code).toBe(4);
    const lockId = /lock id ([0-9a-f-]+)/.exec(locked.stderr)![1]!;
    expect((await cli("force-unlock", "not-the-id")).code).toBe(1);
    const unlocked = await cli("force-unlock", lockId);
    expect(unlocked.stdout).toContain(`Removed lock ${lockId}`);
    const ended = await hung.done;
    expect(ended.code).not.toBe(0); // its session was ended under it: it records and sends nothing more
    expect(ended.output).toContain("lost its lock on the state");
    expect(sim.stats().tasksCreated).toBe(1);
    sim.setFault("create", null);
    const plan = await cli("plan");
    expect(plan.stdout).toContain("1 unknown"); // the request in flight: never lost, never resent
  });

  test("a writer holding an older serial fails and never overwrites", async () => {
    const schema = freshSchema();
    const backend = await openPgStateBackend(PG_URL, schema);
    try {
      const first = backend.writer(
        { formatVersion: 1, lineage: "lin-a", serial: 0, salt: "c".repeat(32), campaigns: {}, history: [] },
        Date.now,
      );
      await first.commit(() => [{ action: "create-state", detail: "lineage lin-a" }]);
      const stale = await backend.read();
      const one = backend.writer(stale!, Date.now);
      const two = backend.writer(stale!, Date.now);
      await one.commit(() => [{ action: "apply-start", detail: "one" }]);
      await expect(two.commit(() => [{ action: "apply-start", detail: "two" }])).rejects.toThrow(
        /changed under this command \(it is at serial 2 of lineage lin-a, this writer started from serial 1/,
      );
      const after = await backend.read();
      expect(after?.serial).toBe(2);
      expect(after?.history.map((h) => h.detail)).toEqual(["lineage lin-a", "one"]);
    } finally {
      await backend.close();
    }
  });

  test("state migrate: file → postgres → file keeps lineage, serial and every record", async () => {
    const { dir, schema, cli } = await workspace(3);
    // Applied with the file backend (--state picks it), then moved.
    const applied = await cli("--state", ".campaign/state.json", "apply", "--auto-approve");
    if (applied.code !== 0) console.log(applied.stdout, applied.stderr);
    expect(applied.code).toBe(0);
    const original = await readStateFile(join(dir, ".campaign", "state.json"));
    const toPg = await cli("state", "migrate", "--to", "postgres");
    if (toPg.code !== 0) console.log(toPg.stdout, toPg.stderr);
    expect(toPg.code).toBe(0);
    expect(toPg.stdout).toContain(
      `Moved the state (lineage ${original!.lineage}, serial ${original!.serial}, 3 campaigns, ${original!.history.length} history entries) from .campaign/state.json to postgres://postgres@127.0.0.1:5432/test (schema ${schema})`.replace(
        "postgres://postgres@127.0.0.1:5432/test",
        PG_URL!,
      ),
    );
    expect((await cli("state", "list")).stdout).toContain(`serial ${original!.serial}, lineage ${original!.lineage}`);
    const twice = await cli("state", "migrate", "--to", "postgres");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("there is already a state in");
    expect((await cli("--state", "back.json", "state", "migrate", "--to", "file")).code).toBe(0);
    expect(await readStateFile(join(dir, "back.json"))).toEqual(original);
    expect(JSON.parse(await readFile(join(dir, "back.json"), "utf8"))).toEqual(original);
    // And the plan on Postgres sees everything as applied.
    expect((await cli("plan")).stdout).toContain("Plan: 0 to create, 3 unchanged.");
  });

  test("an unreachable server: a clear error with the URL masked, no stack trace", async () => {
    const dir = await tempDir({ "campaign.config.yaml": "state:\n  backend: postgres\n" });
    const run = await runCli(
      ["plan"],
      dir,
      { CAMPAIGN_PG_URL: "postgres://campaigns:hunter2@127.0.0.1:9/db" },
      Date.now(),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error backend-unreachable: cannot reach PostgreSQL for the state (state.backend: postgres) at postgres://campaigns:***@127.0.0.1:9/db",
    );
    expect(run.stderr).not.toContain("hunter2");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
