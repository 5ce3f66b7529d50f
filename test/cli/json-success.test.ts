import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import {
  applyReportSchema,
  campaignSchema,
  commandResultSchema,
  configSchema,
  errorSchema,
  outcomesSchema,
  planSchema,
  stateSchema,
  stateViewSchema,
  validationReportSchema,
} from "../../src/schema/generated/index.js";
import {
  campaignYaml,
  daytimeNow,
  reportRecord,
  runCli,
  simulatorEnv,
  tempDir,
  testSimulator,
  type CliRun,
} from "../helpers.js";
import { freshSchema, PG_URL } from "../pg-helpers.js";

// --format json on success: every command that completes prints exactly one JSON document on
// stdout, valid against its schema; warnings and progress go to stderr; no raw phone number.

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
for (const schema of [campaignSchema, configSchema, stateSchema, validationReportSchema]) ajv.addSchema(schema);
const SCHEMAS: Record<string, ValidateFunction> = {
  validation: ajv.compile(validationReportSchema),
  plan: ajv.compile(planSchema),
  apply: ajv.compile(applyReportSchema),
  stateView: ajv.compile(stateViewSchema),
  outcomes: ajv.compile(outcomesSchema),
  result: ajv.compile(commandResultSchema),
  error: ajv.compile(errorSchema),
};

const NUMBERS = ["919700000001", "919700000002", "919700000003"];
const FLAGS = [["--json"], ["--format", "json"], ["--format=json"]];
const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");

interface Expected {
  schema: keyof typeof SCHEMAS;
  /** The exit code this step has (a rejected import record, an unknown outcome after apply). */
  code?: number;
  /** For command-result documents: the `command` field. */
  command?: string;
}

/** stdout is exactly one JSON document, valid against `schema`; no raw number anywhere. */
function expectDocument(run: CliRun, expected: Expected, what: string): Record<string, unknown> {
  const context = `${what} (exit ${run.code})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(run.code, context).toBe(expected.code ?? 0);
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`stdout is not one JSON document: ${context}`);
  }
  const validate = SCHEMAS[expected.schema]!;
  expect(validate(document), `${JSON.stringify(validate.errors)}: ${context}`).toBe(true);
  // outcomes is at version 2 (talkSeconds became billedLineSeconds, issue 16); every other document at 1.
  expect(document["formatVersion"], context).toBe(expected.schema === "outcomes" ? 2 : 1);
  if (expected.command) expect(document["command"], context).toBe(expected.command);
  for (const number of NUMBERS) expect(run.stdout + run.stderr, context).not.toContain(number);
  return document;
}

describe("--format json: one document on stdout on success, for every command", () => {
  test("the whole life of a project, each command in json mode", async () => {
    const clock = daytimeNow;
    const sim = await testSimulator({ now: clock });
    const config = "api:\n  reconcileAfterSeconds: 600\nguards:\n  callingHours: false\n";
    const dir = await tempDir({
      "campaign.config.yaml": config,
      "campaigns/kept.yaml": campaignYaml("kept", "", NUMBERS.slice(0, 2)),
      "campaigns/lost.yaml": campaignYaml("lost", "", NUMBERS.slice(2)),
      "reports.ndjson": JSON.stringify(reportRecord("v-1")) + "\n",
      "mixed.ndjson": JSON.stringify(reportRecord("v-2")) + "\n{ not json\n" + JSON.stringify({ type: 1 }) + "\n",
    });
    const env = simulatorEnv(sim);
    let n = 0;
    const cli = async (args: string[], expected: Expected, extraEnv: Record<string, string> = {}) => {
      const flag = FLAGS[n++ % FLAGS.length]!;
      const run = await runCli([...flag, ...args], dir, { ...env, ...extraEnv }, clock());
      return { run, document: expectDocument(run, expected, `campaign ${flag.join(" ")} ${args.join(" ")}`) };
    };

    const init = await cli(["init", "scaffold"], { schema: "result", command: "init" });
    expect(init.document["files"]).toContainEqual({ path: "campaigns/example.yaml", action: "created" });
    expect(init.document["files"]).toContainEqual({ path: ".gitignore", action: "created", linesAdded: 7 });
    const again = await cli(["init", "scaffold", "--force"], { schema: "result", command: "init" });
    expect(again.document["files"]).toContainEqual({ path: "campaigns/example.yaml", action: "replaced" });
    expect(again.document["files"]).toContainEqual({ path: ".gitignore", action: "unchanged", linesAdded: 0 });

    await cli(["validate"], { schema: "validation" });
    await cli(["plan"], { schema: "plan" });
    await cli(["plan", "--out", "plan.json"], { schema: "plan" });
    // lost: stored by the platform, but the answer never arrives (unknown, exit 5).
    sim.setFault("create", { resetAfterStore: true, times: 1 });
    const apply = await cli(["apply", "--auto-approve", "--parallelism", "1"], { schema: "apply", code: 5 });
    const unknownName = (apply.document["outcomes"] as { taskName: string; status: string }[]).find(
      (o) => o.status === "unknown",
    )!.taskName;
    const submittedName = unknownName === "kept" ? "lost" : "kept";
    await cli(["state", "list"], { schema: "stateView" });
    await cli(["state", "show", submittedName], { schema: "stateView" });

    const check = await cli(["state", "resolve", unknownName, "--check"], {
      schema: "result",
      command: "state resolve --check",
    });
    expect(check.document).toMatchObject({
      interrupted: false,
      failures: [],
      campaigns: [{ taskName: unknownName, finding: "found", previousStatus: "unknown", status: "submitted" }],
    });
    expect(check.run.stderr).toContain(`asking the platform about ${unknownName}…`);

    sim.advance(3_000);
    sim.advance(3_600_000);
    const refresh = await cli(["refresh"], { schema: "result", command: "refresh" });
    expect(refresh.document["campaigns"]).toContainEqual(
      expect.objectContaining({
        taskName: submittedName,
        finding: "status",
        previousStatus: "submitted",
        status: "submitted",
        platform: expect.objectContaining({ status: "finished" }),
      }),
    );
    // plan --refresh: the refresh's report on stderr, the plan alone on stdout.
    const planRefresh = await cli(["plan", "--refresh"], { schema: "plan" });
    expect(planRefresh.run.stderr).toMatch(/Refreshed 2 campaigns from the platform; state serial \d+\./);

    await cli(["reports", "import", "reports.ndjson"], { schema: "result", command: "reports import" });
    const mixed = await cli(["reports", "import", "mixed.ndjson"], {
      schema: "result",
      command: "reports import",
      code: 1,
    });
    expect(mixed.document).toMatchObject({
      stored: 1,
      duplicates: 0,
      rejected: [
        { line: 2, reason: "not a JSON record" },
        { record: 2, reason: "voiceId is missing" },
      ],
    });
    await cli(["outcomes"], { schema: "outcomes" });
    // Written to the file, and on stdout as plan --out does.
    const outcomesOut = await cli(["outcomes", "--out", "outcomes.json"], { schema: "outcomes" });
    expect(outcomesOut.run.stderr).toContain("Wrote the outcomes (json) to outcomes.json.");

    const forget = await cli(["state", "forget", unknownName], { schema: "result", command: "state forget" });
    expect(forget.document).toMatchObject({
      taskName: unknownName,
      previousStatus: "submitted",
      status: null,
      taskId: expect.any(Number),
      state: { location: ".campaign/state.json" },
    });

    const lock = {
      id: "json-test-lock",
      pid: 999_999,
      host: "elsewhere",
      user: "someone",
      command: "campaign apply",
      startedAt: new Date(clock()).toISOString(),
    };
    await writeFile(join(dir, ".campaign", "state.json.lock"), JSON.stringify(lock));
    const unlock = await cli(["force-unlock", "json-test-lock"], { schema: "result", command: "force-unlock" });
    expect(unlock.document).toMatchObject({ lockId: "json-test-lock", holder: lock, state: ".campaign/state.json" });

    const demo = await cli(["demo"], { schema: "error", code: 1 });
    expect(demo.document).toMatchObject({
      error: { code: "usage", message: "campaign demo is a walkthrough for people; it has no JSON output" },
    });
  });

  test("state resolve --submitted / --not-submitted", async () => {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  callingHours: false\n",
      "campaigns/a.yaml": campaignYaml("by-hand-0", "", NUMBERS.slice(0, 1)),
      "campaigns/b.yaml": campaignYaml("by-hand-1", "", NUMBERS.slice(1, 2)),
    });
    const env = simulatorEnv(sim);
    sim.setFault("create", { resetBeforeStore: true });
    expect((await runCli(["apply", "--auto-approve"], dir, env, daytimeNow())).code).toBe(5);
    const submitted = await runCli(
      ["--json", "state", "resolve", "by-hand-0", "--submitted", "--task-id", "4242"],
      dir,
      env,
      daytimeNow(),
    );
    expect(
      expectDocument(submitted, { schema: "result", command: "state resolve" }, "resolve --submitted"),
    ).toMatchObject({ taskName: "by-hand-0", previousStatus: "unknown", status: "submitted", taskId: 4242 });
    const notSubmitted = await runCli(
      ["--json", "state", "resolve", "by-hand-1", "--not-submitted"],
      dir,
      env,
      daytimeNow(),
    );
    expect(
      expectDocument(notSubmitted, { schema: "result", command: "state resolve" }, "resolve --not-submitted"),
    ).toMatchObject({ taskName: "by-hand-1", previousStatus: "unknown", status: "not-submitted" });
    const empty = await runCli(["--json", "refresh"], await tempDir(), env, daytimeNow());
    expect(expectDocument(empty, { schema: "result", command: "refresh" }, "refresh without state")).toMatchObject({
      state: null,
      campaigns: [],
    });
  });

  test.skipIf(!PG_URL)("state migrate --to postgres and back to a new file", async () => {
    const schema = freshSchema();
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({
      "campaign.config.yaml": `guards:\n  callingHours: false\nstate:\n  schema: ${schema}\n`,
      "campaigns/a.yaml": campaignYaml("migrated", "", NUMBERS.slice(0, 1)),
    });
    // A password in the URL (the test server trusts local connections, so any will do) never shows.
    const env = {
      ...simulatorEnv(sim),
      CAMPAIGN_PG_URL: PG_URL!.replace(/^(postgres(?:ql)?:\/\/[^:@/]+)@/, "$1:pw-s3cret-419@"),
    };
    expect((await runCli(["apply", "--auto-approve"], dir, env, daytimeNow())).code).toBe(0);
    const migrated = await runCli(["--json", "state", "migrate", "--to", "postgres"], dir, env, daytimeNow());
    expect(migrated.stdout + migrated.stderr).not.toContain("pw-s3cret-419");
    const toPg = expectDocument(migrated, { schema: "result", command: "state migrate" }, "migrate --to postgres");
    expect(toPg).toMatchObject({
      campaigns: 1,
      from: { backend: "file", location: ".campaign/state.json" },
      to: { backend: "postgres", location: expect.stringContaining(`(schema ${schema})`) },
    });
    const back = expectDocument(
      await runCli(["--json", "--state", "copy.json", "state", "migrate", "--to", "file"], dir, env, daytimeNow()),
      { schema: "result", command: "state migrate" },
      "migrate --to file",
    );
    expect(back).toMatchObject({
      lineage: toPg["lineage"],
      serial: toPg["serial"],
      to: { backend: "file", location: "copy.json" },
    });
  });
});

describe("--format json: receive and simulator print one line once they listen, nothing more", () => {
  test.each([
    { command: ["simulator", "--port", "0"], name: "simulator" },
    { command: ["receive", "--port", "0", "--store", "r.db"], name: "receive" },
  ])("$name", async ({ command, name }) => {
    const dir = await tempDir({ "campaign.config.yaml": "guards:\n  callingHours: false\n" });
    const child = spawn(process.execPath, [BIN, "--json", ...command], {
      cwd: dir,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const listening = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk) => ((stdout += chunk), stdout.includes("\n") && resolve())),
    );
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await listening;
    child.kill("SIGTERM");
    const code = await exited;
    expectDocument(
      { code: code ?? -1, stdout, stderr },
      { schema: "result", command: name },
      `campaign --json ${command.join(" ")}`,
    );
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
  });
});
