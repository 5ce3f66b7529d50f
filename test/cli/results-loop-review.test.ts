import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import {
  outcomesExportSchema,
  type OptOutsExport,
  type RecipientOutcomesReport,
} from "../../src/schema/generated/index.js";
import { fakePlatform, ok, refuse, type Envelope } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, reportRecord, runCli, tempDir } from "../helpers.js";
import { freshSchema, PG_URL } from "../pg-helpers.js";
import { FLOW_STATUS, refreshed, TASK_STATUS } from "./results-loop-refresh.js";

// What review found in the results loop: opt-outs that a later report took back, --unreached
// that wrote people still to be called or never in the task, numbers on stdout with --out, counts
// that did not say what they counted, markdown cells a name could break, unmatchable intents.

const [N1, N2, N3, N4] = ["919700000001", "919700000002", "919700000003", "919700000004"] as const;
const RAW_NUMBER = /9197000000\d\d/;
const CSV = `calleeNumber,text1\n${N1},Asha\n${N2},Ravi\n${N3},Meera\n${N4},Sam\n`;
const CAMPAIGN = "taskName: dues-north\nappId: Jgd8oFei\nagentId: 110\nrecipientsFile: debtors.csv\n";
const T0 = 1_780_000_000_000;
const validExport = new Ajv({ strict: false }).compile(outcomesExportSchema);

interface Options {
  backend?: "sqlite" | "postgres";
  intents?: string;
  files?: Record<string, string>;
  /** Campaign name, task id and the create's answer (ok(taskId) unless given). */
  tasks?: [string, number, Envelope?][];
}

async function project(options: Options = {}) {
  const fake = await fakePlatform({ now: daytimeNow });
  const store =
    options.backend === "postgres" ? `  backend: postgres\n  schema: ${freshSchema()}\n` : "  path: reports.db\n";
  const dir = await tempDir({
    "campaign.config.yaml": `guards:\n  callingHours: false\nreports:\n${store}  optOutIntents: ${options.intents ?? "[STOP]"}\n`,
    "campaigns/dues.yaml": CAMPAIGN,
    "campaigns/debtors.csv": CSV,
    ...options.files,
  });
  const env = { ...fake.env, ...(PG_URL ? { CAMPAIGN_PG_URL: PG_URL } : {}) };
  const cli = (...args: string[]) => runCli(args, dir, env, fake.now());
  for (const [name, taskId, answer] of options.tasks ?? [["dues-north", 5000]])
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === name, answer ?? ok(taskId));
  await cli("apply", "--auto-approve");
  fake.done();
  const receive = async (records: Record<string, unknown>[]) => {
    await writeFile(join(dir, "push.json"), JSON.stringify({ array: records }));
    expect((await cli("reports", "import", "push.json")).code).toBe(0);
  };
  const read = (path: string) => readFile(join(dir, path), "utf8");
  return { fake, dir, cli, receive, read };
}

/** The three reports of the Bar: N1 connected, N2 no answer, N3 connected with STOP; N4 not called. */
const BAR = [
  reportRecord("v1", { taskId: 5000, callee: N1, callStatus: 50, intent: "101", hangupTime: T0 }),
  reportRecord("v2", { taskId: 5000, callee: N2, callStatus: 20, intent: null, hangupTime: T0 + 6e4 }),
  reportRecord("v3", { taskId: 5000, callee: N3, callStatus: 50, intent: "STOP", hangupTime: T0 + 12e4 }),
];
const listed = (text: string) => text.split("\n").filter((l) => l !== "" && !l.startsWith("#"));

for (const backend of ["sqlite", "postgres"] as const) {
  const describeOn = backend === "postgres" && !PG_URL ? describe.skip : describe;
  describeOn(`opt-outs are sticky (${backend})`, () => {
    test("a later recall round without the intent, or a STOP whose time is unreadable, does not take an opt-out back", async () => {
      const { cli, receive, read, dir } = await project({ backend });
      await receive([
        ...BAR,
        // N3 called again in a recall round: no answer, no intent, later.
        reportRecord("r1", {
          taskId: 7000,
          sourceTaskId: 5000,
          callee: N3,
          callStatus: 20,
          intent: null,
          outRecallCount: 1,
          hangupTime: T0 + 36e5,
        }),
        // N1 said STOP in a report whose hangup time is unreadable, before the readable one without.
        reportRecord("v4", { taskId: 5000, callee: N1, callStatus: 50, intent: "STOP", hangupTime: null }),
      ]);
      const run = await cli("--json", "outcomes", "--opt-outs", "--out", "opt-outs.txt");
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ optedOut: 2, written: 2 });
      expect(listed(await read("opt-outs.txt"))).toEqual([`+${N1}`, `+${N3}`]);
      const rows = JSON.parse((await cli("--json", "outcomes", "dues-north", "--recipients")).stdout);
      expect((rows as RecipientOutcomesReport).recipients.map((r) => [r.intent, r.optOut])).toEqual([
        ["101", true],
        [null, false],
        [null, true],
        [null, false],
      ]);
      expect((rows as RecipientOutcomesReport).summary.optOuts).toBe(2);
      await writeFile(join(dir, "campaigns/next.yaml"), CAMPAIGN.replace("dues-north", "dues-next"));
      const plan = await cli("plan", "campaigns/next.yaml");
      expect(plan.stdout).toContain('"dues-next" would call 9197•••••001');
      expect(plan.stdout).toContain('"dues-next" would call 9197•••••003');
    });
  });
}

describe("--unreached", () => {
  test("leaves out a callee who opted out in another campaign", async () => {
    const { fake, cli, receive, read } = await project({
      files: { "campaigns/other.yaml": campaignYaml("other-campaign", "", [N2]) },
      tasks: [
        ["dues-north", 5000],
        ["other-campaign", 5001],
      ],
    });
    await receive([...BAR, reportRecord("o1", { taskId: 5001, callee: N2, callStatus: 50, intent: "STOP" })]);
    await refreshed(fake, cli, [
      ["dues-north", 5000],
      ["other-campaign", 5001],
    ]);
    const run = await cli("--json", "outcomes", "dues-north", "--unreached", "--out", "again.csv");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ written: 1, leftOut: { optedOut: 1 } });
    expect(await read("again.csv")).toBe(`calleeNumber,text1\n${N4},Sam\n`);
    const text = await cli("outcomes", "dues-north", "--recipients");
    expect(text.stdout).toMatch(/9197•••••002 +Ravi +1 +no answer +— \(opt-out\)/);
  });

  test("is refused while the task may still ring, until refresh sees it end; --before-finished writes with a warning", async () => {
    const { fake, cli, receive, read } = await project();
    await receive(BAR);
    const never = await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv");
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(
      'error invalid-input: "dues-north" may still call its recipients: the status of task 5000 was never refreshed',
    );
    expect(never.stderr).toContain("run campaign refresh");
    await refreshed(fake, cli, [["dues-north", 5000, TASK_STATUS.calling]]);
    const calling = await cli("--json", "outcomes", "dues-north", "--unreached", "--out", "u.csv");
    expect(calling.code).toBe(1);
    expect(JSON.parse(calling.stdout)).toMatchObject({
      error: { code: "invalid-input", message: expect.stringContaining("task 5000 was calling at the last refresh") },
    });
    await expect(read("u.csv")).rejects.toThrow();
    const anyway = await cli("outcomes", "dues-north", "--unreached", "--before-finished", "--out", "u.csv");
    expect(anyway.code, anyway.stderr).toBe(0);
    expect(anyway.stderr).toContain('warning: "dues-north" may still call its recipients (task 5000 was calling');
    expect(await read("u.csv")).toBe(`calleeNumber,text1\n${N2},Ravi\n${N4},Sam\n`);
    await refreshed(fake, cli, [["dues-north", 5000, TASK_STATUS.cancelled]]);
    const cancelled = await cli("outcomes", "dues-north", "--unreached", "--out", "u2.csv");
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stderr).not.toContain("warning");
    expect((await cli("outcomes", "--help")).stdout).toContain("--before-finished");
  });

  test("waits for the recall flow too: pending is refused, completed writes", async () => {
    const recall =
      'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n';
    const { fake, cli, receive, read } = await project({
      files: { "campaigns/dues.yaml": CAMPAIGN + recall },
    });
    await receive(BAR);
    await refreshed(fake, cli, [["dues-north", 5000, TASK_STATUS.finished, FLOW_STATUS.pending]]);
    const pending = await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv");
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain("its recall flow was pending at the last refresh");
    await expect(read("u.csv")).rejects.toThrow();
    await refreshed(fake, cli, [["dues-north", 5000, TASK_STATUS.finished, FLOW_STATUS.completed]]);
    expect((await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv")).code).toBe(0);
  });

  test("an unknown submission outcome, or a task id not known, is refused even with --before-finished", async () => {
    for (const answer of [refuse("-18", "system exception"), ok({})]) {
      const { cli, receive, read } = await project({ tasks: [["dues-north", 5000, answer]] });
      await receive([]);
      const run = await cli("outcomes", "dues-north", "--unreached", "--before-finished", "--out", "u.csv");
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        answer.code === "-18"
          ? /"dues-north" has an unknown submission outcome \(state: unknown\)/
          : /"dues-north" was submitted but its task id is not known/,
      );
      await expect(read("u.csv")).rejects.toThrow();
    }
  });

  test("recipients added after apply: --unreached is refused, --recipients says so on stderr and in JSON", async () => {
    const { fake, dir, cli, receive, read } = await project();
    await receive(BAR);
    await refreshed(fake, cli, [["dues-north", 5000]]);
    await writeFile(join(dir, "campaigns/debtors.csv"), CSV + "919700000099,New\n");
    const run = await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the recipients of "dues-north" changed since it was submitted');
    await expect(read("u.csv")).rejects.toThrow();
    const json = await cli("--json", "outcomes", "dues-north", "--recipients");
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as RecipientOutcomesReport).recipientsChanged).toBe(true);
    expect(json.stderr).toContain('warning: the recipients of "dues-north" in its campaign files changed');
    const text = await cli("outcomes", "dues-north", "--recipients");
    expect(text.stdout).toContain(
      "warning: the recipients in the campaign files changed since the campaign was submitted",
    );
    await writeFile(join(dir, "campaigns/debtors.csv"), CSV);
    const same = await cli("--json", "outcomes", "dues-north", "--recipients");
    expect((JSON.parse(same.stdout) as RecipientOutcomesReport).recipientsChanged).toBe(false);
    expect(same.stderr).not.toContain("changed");
  });
});

describe("--out keeps stdout clear of what it wrote", () => {
  test("--json --recipients --reveal --out prints a small document without numbers; the file has them", async () => {
    const { cli, receive, read } = await project();
    await receive(BAR);
    const run = await cli("--json", "outcomes", "dues-north", "--recipients", "--reveal", "--out", "r.json");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(RAW_NUMBER);
    const printed = JSON.parse(run.stdout);
    expect(validExport(printed), JSON.stringify(validExport.errors)).toBe(true);
    expect(printed).toEqual({ formatVersion: 1, command: "outcomes --recipients", file: "r.json", format: "json" });
    expect(await read("r.json")).toContain(N4);
    const csv = await cli("outcomes", "dues-north", "--recipients", "--reveal", "--format", "csv", "--out", "r.csv");
    expect(csv.stdout).toBe("");
    expect(csv.stderr).toContain("Wrote the recipient outcomes (csv) to r.csv.");
    // The totals hold no number: with --json they are still the document on stdout (as plan --out does).
    const totals = await cli("--json", "outcomes", "--out", "o.json");
    expect(JSON.parse(totals.stdout)).toMatchObject({ formatVersion: 2, campaigns: [{ taskName: "dues-north" }] });
  });
});

describe("--opt-outs NAME", () => {
  test("counts another campaign's opt-outs as such, not as declared by no campaign file", async () => {
    const { cli, receive } = await project({
      files: { "campaigns/other.yaml": campaignYaml("other-campaign", "", ["919700000009"]) },
      tasks: [
        ["dues-north", 5000],
        ["other-campaign", 5001],
      ],
    });
    await receive([
      ...BAR,
      reportRecord("o1", { taskId: 5001, callee: "919700000009", intent: "STOP" }),
      reportRecord("x1", { taskId: 5002, callee: "919700000077", intent: "STOP" }),
    ]);
    const json = await cli("--json", "outcomes", "dues-north", "--opt-outs", "--out", "o.txt");
    const result = JSON.parse(json.stdout) as OptOutsExport;
    expect(validExport(result), JSON.stringify(validExport.errors)).toBe(true);
    expect(result).toMatchObject({ optedOut: 3, written: 1, otherCampaigns: 1, undeclared: 1 });
    const text = await cli("outcomes", "dues-north", "--opt-outs", "--out", "o.txt");
    expect(text.stdout).toContain(
      "1 declared only by other campaign files (not written); 1 declared by no campaign file",
    );
    const all = JSON.parse((await cli("--json", "outcomes", "--opt-outs", "--out", "o.txt")).stdout) as OptOutsExport;
    expect(all).toMatchObject({ optedOut: 3, written: 2, otherCampaigns: 0, undeclared: 1 });
  });
});

describe("markdown cells", () => {
  test("a | or backtick in a campaign name or intent cannot break the outcomes tables", async () => {
    const name = "dues | `north`";
    const { cli, receive } = await project({
      files: { "campaigns/dues.yaml": CAMPAIGN.replace("dues-north", JSON.stringify(name)) },
      tasks: [[name, 5000]],
    });
    await receive([...BAR, reportRecord("v5", { taskId: 5000, callee: N4, intent: "a|b" })]);
    const cellsOf = (line: string) => line.split(/(?<!\\)\|/).length;
    const totals = (await cli("outcomes", "--format", "markdown")).stdout.split("\n");
    const header = totals.find((l) => l.startsWith("| campaign | task |"))!;
    const row = totals.find((l) => l.includes("5000"))!;
    expect(row).toContain("dues &#124; &#96;north&#96;");
    expect(cellsOf(row)).toBe(cellsOf(header));
    const recipients = (await cli("outcomes", name, "--recipients", "--format", "markdown")).stdout;
    expect(recipients).toContain("### Recipients of dues &#124; &#96;north&#96;");
  });
});

describe("opt-out intents of 6 or more digits", () => {
  test("a warning at the config line says they can never match (the store masks such runs)", async () => {
    const { fake, dir, cli, receive } = await project({ intents: '["STOP", "1234567"]' });
    await receive(BAR);
    const warning =
      /campaign\.config\.yaml:5:\d+: warning opt-out-intent-unmatchable: reports\.optOutIntents\[1\] "1234567" can never match/;
    const optOuts = await cli("outcomes", "--opt-outs", "--out", "o.txt");
    expect(optOuts.code).toBe(0);
    expect(optOuts.stderr).toMatch(warning);
    await writeFile(join(dir, "campaigns/next.yaml"), CAMPAIGN.replace("dues-north", "dues-next"));
    expect((await cli("plan", "campaigns/next.yaml")).stderr).toMatch(warning);
    await refreshed(fake, cli, [["dues-north", 5000]]);
    expect((await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv")).stderr).toMatch(warning);
    const plain = await cli("outcomes", "--opt-outs", "--out", "o.txt");
    expect(plain.stderr).toMatch(warning);
  });
});

describe("--out over a forEach rows file", () => {
  test("campaign outcomes --format html --out campaigns/regions.csv is refused; the file is untouched", async () => {
    const regions = "region,date\nnorth,2030-05-09\n";
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  callingHours: false\nreports:\n  path: reports.db\n",
      "campaigns/dues.yaml": `forEach: regions.csv\n${campaignYaml("dues-${region}")}`,
      "campaigns/regions.csv": regions,
      "empty.json": '{"array": []}',
    });
    expect((await runCli(["reports", "import", "empty.json"], dir)).code).toBe(0);
    const run = await runCli(["outcomes", "--format", "html", "--out", "campaigns/regions.csv"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to write the outcomes/);
    expect(await readFile(join(dir, "campaigns/regions.csv"), "utf8")).toBe(regions);
  });
});
