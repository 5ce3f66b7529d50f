import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { RecipientOutcomesReport } from "../../src/schema/generated/index.js";
import { fakePlatform, ok } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, reportRecord, runCli, tempDir } from "../helpers.js";
import { refreshed } from "./results-loop-refresh.js";

// Issue 19's views on bad input: wrong names, flags that do not go together, --reveal, an empty
// store, outputs over the tool's own files, numbers two campaigns declare.

const NUMBERS = ["919700000001", "919700000002", "919700000003", "919700000004"];
const RAW_NUMBER = /9197000000\d\d/;
const CSV = `calleeNumber,text1\n${NUMBERS.map((n, i) => `${n},P${i}`).join("\n")}\n`;
const CAMPAIGN = "taskName: dues-north\nappId: Jgd8oFei\nagentId: 110\nrecipientsFile: debtors.csv\n";

async function project(
  options: { optOuts?: boolean; files?: Record<string, string>; tasks?: [string, number][] } = {},
) {
  const fake = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": `guards:\n  callingHours: false\nreports:\n  path: reports.db\n${options.optOuts === false ? "" : "  optOutIntents: [STOP]\n"}`,
    "campaigns/dues.yaml": CAMPAIGN,
    "campaigns/debtors.csv": CSV,
    ...options.files,
  });
  const cli = (...args: string[]) => runCli(args, dir, fake.env, fake.now());
  for (const [name, taskId] of options.tasks ?? [["dues-north", 5000]])
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === name, ok(taskId));
  expect((await cli("apply", "--auto-approve")).code).toBe(0);
  fake.done();
  await refreshed(fake, cli, options.tasks ?? [["dues-north", 5000]]);
  const receive = async (records: Record<string, unknown>[]) => {
    await writeFile(join(dir, "push.json"), JSON.stringify({ array: records }));
    expect((await cli("reports", "import", "push.json")).code).toBe(0);
  };
  return { dir, cli, receive, fake };
}

const usage = (run: { code: number; stderr: string }, message: RegExp) => {
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/error usage: /);
  expect(run.stderr).toMatch(message);
};

describe("campaign outcomes: bad input", () => {
  test("flags that do not go together are usage errors that say why; nothing is written", async () => {
    const { dir, cli, receive } = await project();
    await receive([reportRecord("v1", { taskId: 5000, callee: NUMBERS[0] })]);
    usage(await cli("outcomes", "dues-north", "--unreached"), /--unreached writes a file and needs --out FILE/);
    usage(await cli("outcomes", "--opt-outs"), /--opt-outs writes a file and needs --out FILE/);
    usage(await cli("outcomes", "--recipients"), /--recipients needs a campaign/);
    usage(await cli("outcomes", "dues-north", "--recipients", "--unreached"), /cannot be combined/);
    usage(await cli("outcomes", "dues-north", "--outcomes", "busy"), /--outcomes narrows --unreached/);
    usage(await cli("outcomes", "dues-north", "--reveal"), /--reveal shows full numbers in --recipients/);
    usage(await cli("outcomes", "--format", "csv"), /--format csv is for --recipients/);
    usage(await cli("outcomes", "dues-north", "--recipients", "--format", "html"), /--format html is for the totals/);
    usage(await cli("plan", "--format", "html"), /--format html is only for campaign outcomes/);
    for (const bad of ["connected", "nobody"]) {
      const run = await cli("outcomes", "dues-north", "--unreached", "--outcomes", `busy,${bad}`, "--out", "u.csv");
      usage(run, bad === "connected" ? /connected recipients were reached/ : /unknown outcome "nobody"/);
    }
    const json = await cli("--json", "outcomes", "dues-north", "--unreached");
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "usage" } });
    await expect(readFile(join(dir, "u.csv"))).rejects.toThrow();
  });

  test("an unknown campaign, and one the files no longer declare, are errors naming them", async () => {
    const { dir, cli, receive } = await project();
    await receive([reportRecord("v1", { taskId: 5000, callee: NUMBERS[0] })]);
    for (const args of [["--recipients"], ["--unreached", "--out", "u.csv"], ["--opt-outs", "--out", "o.txt"]]) {
      const run = await cli("outcomes", "nosuch", ...args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('no campaign file declares "nosuch"');
    }
    await writeFile(join(dir, "campaigns/dues.yaml"), CAMPAIGN.replace("dues-north", "dues-renamed"));
    const gone = await cli("outcomes", "dues-north", "--recipients");
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('"dues-north" is in the state but no campaign file declares it any more');
    await expect(readFile(join(dir, "u.csv"))).rejects.toThrow();
  });

  test("--reveal shows full numbers only when given, and says so", async () => {
    const { cli, receive } = await project();
    await receive([reportRecord("v1", { taskId: 5000, callee: NUMBERS[0] })]);
    const masked = await cli("outcomes", "dues-north", "--recipients");
    expect(masked.stdout).not.toMatch(RAW_NUMBER);
    const revealed = await cli("outcomes", "dues-north", "--recipients", "--reveal");
    expect(revealed.stdout).toContain(NUMBERS[3]);
    expect(revealed.stdout).toContain("full numbers shown (--reveal)");
    const json = JSON.parse((await cli("--json", "outcomes", "dues-north", "--recipients", "--reveal")).stdout);
    expect(json).toMatchObject({ revealed: true, recipients: [{ calleeNumber: NUMBERS[0] }, {}, {}, {}] });
    const csv = await cli("outcomes", "dues-north", "--recipients", "--format", "csv");
    expect(csv.stdout).not.toMatch(RAW_NUMBER);
  });

  test("a store without reports: everyone not called yet, the unreached are everyone, no opt-outs; no store is an error", async () => {
    const { dir, cli } = await project();
    const missing = await cli("outcomes", "dues-north", "--recipients");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the report store reports.db does not exist");
    await writeFile(join(dir, "empty.json"), '{"array": []}');
    expect((await cli("reports", "import", "empty.json")).code).toBe(0);
    const json = JSON.parse(
      (await cli("--json", "outcomes", "dues-north", "--recipients")).stdout,
    ) as RecipientOutcomesReport;
    expect(json.summary).toMatchObject({ recipients: 4, called: 0, notCalled: 4 });
    expect(json.recipients.every((r) => r.outcome === null && r.attempts === 0)).toBe(true);
    expect((await cli("outcomes", "dues-north", "--unreached", "--out", "u.csv")).code).toBe(0);
    expect(await readFile(join(dir, "u.csv"), "utf8")).toBe(CSV);
    const optOuts = await cli("--json", "outcomes", "--opt-outs", "--out", "o.txt");
    expect(JSON.parse(optOuts.stdout)).toMatchObject({ optedOut: 0, written: 0 });
    const html = await cli("outcomes", "--format", "html");
    expect(html.stdout).toContain("No calls reported yet.");
  });

  test("--out never writes over the recipients CSV, the state or the store", async () => {
    const { cli, receive } = await project();
    await receive([reportRecord("v1", { taskId: 5000, callee: NUMBERS[0] })]);
    for (const target of ["campaigns/debtors.csv", ".campaign/state.json", "reports.db"]) {
      const run = await cli("outcomes", "dues-north", "--unreached", "--out", target);
      expect(run.code, target).toBe(1);
      expect(run.stderr).toMatch(/refusing to write the unreached recipients/);
    }
  });

  test("--opt-outs needs reports.optOutIntents", async () => {
    const { cli, receive } = await project({ optOuts: false });
    await receive([reportRecord("v1", { taskId: 5000, callee: NUMBERS[0], intent: "STOP" })]);
    usage(await cli("outcomes", "--opt-outs", "--out", "o.txt"), /reports.optOutIntents is not set/);
  });
});

describe("campaign outcomes: attribution and shapes", () => {
  test("a report without task id counts for the one campaign that declares its number, for neither when two do", async () => {
    const shared = NUMBERS[0]!;
    const { cli, receive } = await project({
      files: { "campaigns/other.yaml": campaignYaml("other-campaign", "", [shared, "919700000009"]) },
      tasks: [
        ["dues-north", 5000],
        ["other-campaign", 5001],
      ],
    });
    const noTask = (voiceId: string, callee: string) => {
      const { taskId: _t, ...rest } = reportRecord(voiceId, { callee });
      return rest;
    };
    await receive([
      noTask("u1", shared),
      noTask("u2", NUMBERS[1]!),
      reportRecord("r1", { taskId: 5000, callee: NUMBERS[2] }),
    ]);
    const json = JSON.parse(
      (await cli("--json", "outcomes", "dues-north", "--recipients")).stdout,
    ) as RecipientOutcomesReport;
    expect(json.recipients.map((r) => r.attempts)).toEqual([0, 1, 1, 0]);
    const other = JSON.parse(
      (await cli("--json", "outcomes", "other-campaign", "--recipients")).stdout,
    ) as RecipientOutcomesReport;
    expect(other.recipients.map((r) => r.attempts)).toEqual([0, 0]);
  });

  test("recall rounds belong to their parent: attempts add up, the latest round's outcome counts", async () => {
    const { cli, receive } = await project();
    await receive([
      reportRecord("r0", {
        taskId: 5000,
        callee: NUMBERS[0],
        callStatus: 20,
        outRecallCount: 0,
        hangupTime: 1_780_000_000_000,
      }),
      reportRecord("r1", {
        taskId: 7000,
        sourceTaskId: 5000,
        callee: NUMBERS[0],
        callStatus: 10,
        outRecallCount: 1,
        hangupTime: 1_780_003_600_000,
      }),
      reportRecord("r2", { taskId: 7001, sourceTaskId: 5000, callee: NUMBERS[1], callStatus: 50, outRecallCount: 1 }),
    ]);
    const json = JSON.parse(
      (await cli("--json", "outcomes", "dues-north", "--recipients")).stdout,
    ) as RecipientOutcomesReport;
    expect(json.recipients[0]).toMatchObject({ attempts: 2, connectedCalls: 0, outcome: "busy" });
    expect(json.recipients[1]).toMatchObject({ attempts: 1, outcome: "connected" });
    const unreached = JSON.parse(
      (await cli("--json", "outcomes", "dues-north", "--unreached", "--outcomes", "busy", "--out", "busy.csv")).stdout,
    );
    expect(unreached).toMatchObject({ written: 1, latest: { busy: 1 }, leftOut: { notAsked: 2 } });
  });

  test("inline numbers: the unreached file has a calleeNumber,text1… header; opt-outs and suppressed numbers are left out", async () => {
    const { dir, cli, receive } = await project({
      files: {
        "campaign.config.yaml":
          "guards:\n  callingHours: false\n  suppressionLists: [lists/dnc.txt]\nreports:\n  path: reports.db\n  optOutIntents: [STOP]\n",
        "lists/dnc.txt": "+919700000009\n",
        "campaigns/dues.yaml": campaignYaml("dues-north", "suppressed: skip\n", [...NUMBERS, "919700000009"]),
      },
    });
    await receive([
      reportRecord("v1", { taskId: 5000, callee: NUMBERS[0], callStatus: 20, intent: "STOP" }),
      reportRecord("v2", { taskId: 5000, callee: NUMBERS[1], callStatus: 20 }),
    ]);
    const run = await cli("--json", "outcomes", "dues-north", "--unreached", "--out", "again.csv");
    expect(JSON.parse(run.stdout)).toMatchObject({
      header: ["calleeNumber", "text1"],
      written: 3,
      leftOut: { suppressed: 1, optedOut: 1 },
    });
    expect(await readFile(join(dir, "again.csv"), "utf8")).toBe(
      `calleeNumber,text1\n${NUMBERS[1]},Person1\n${NUMBERS[2]},Person2\n${NUMBERS[3]},Person3\n`,
    );
    expect(run.stdout + run.stderr).not.toMatch(RAW_NUMBER);
  });
});

describe("the plan's opt-out check", () => {
  test("optional: no store is no warning and no error; an unreadable store is a note and the plan goes on", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "guards:\n  callingHours: false\nreports:\n  path: reports.db\n  optOutIntents: [STOP]\n",
      "campaigns/a.yaml": campaignYaml("fresh", "", NUMBERS),
    });
    const none = await runCli(["plan"], dir);
    expect(none.code).toBe(0);
    expect(none.stdout + none.stderr).not.toMatch(/opt-out/);
    await writeFile(join(dir, "reports.db"), "not a database at all");
    const broken = await runCli(["plan"], dir);
    expect(broken.code).toBe(0);
    expect(broken.stderr).toContain(
      "note: the plan did not check for opt-outs: the report store reports.db is not a SQLite database",
    );
  });
});
