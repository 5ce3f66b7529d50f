import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { outcomesSchema, type OutcomesReport } from "../../src/schema/generated/index.js";
import { epochMsToWallTime } from "../../src/campaigns/platform-time.js";
import {
  campaignYaml,
  reportRecord,
  runCli,
  simulatorEnv,
  tempDir,
  testReceiver,
  testSimulator,
  daytimeNow,
} from "../helpers.js";

// Within the year ahead the report-time sanity window allows (a 2031 sendTime's calls would be dropped times).
const inTwoDays = (): string =>
  `${epochMsToWallTime(daytimeNow() + 2 * 86_400_000, "Asia/Shanghai").slice(0, 10)} 14:00:00`;

describe("simulator → pushes → receiver → campaign outcomes", () => {
  test("outcome numbers equal the simulator's own counts, recall rounds included", async () => {
    const dir = await tempDir();
    const { receiver } = await testReceiver({ dir });
    const sim = await testSimulator({ seed: 11, pushUrl: receiver.reportUrl, pushRetryDelayMs: 0, now: daytimeNow });
    const numbers = (base: number, n: number) => Array.from({ length: n }, (_, i) => String(base + i));
    const recall =
      'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 2\n  nodeList: [{agentId: "110"}, {agentId: "111"}]\n';
    await writeFile(join(dir, "campaign.config.yaml"), "reports:\n  path: reports.db\n");
    await writeFile(join(dir, "a.yaml"), campaignYaml("e2e-recall", recall, numbers(919_700_100_000, 60)));
    await writeFile(
      join(dir, "b.yaml"),
      campaignYaml("e2e-plain", `sendTime: "${inTwoDays()}"\n`, numbers(919_700_200_000, 25)),
    );
    const env = simulatorEnv(sim);
    expect((await runCli(["apply", "--auto-approve", "a.yaml", "b.yaml"], dir, env, daytimeNow())).code).toBe(0);
    sim.fastForward();
    await sim.drainPushes();

    const run = await runCli(["--json", "outcomes"], dir, env);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as OutcomesReport;
    const ajv = new Ajv({ strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    expect(ajv.validate(outcomesSchema, report), JSON.stringify(ajv.errors)).toBe(true);

    const tasks = [...sim.world.tasks.values()];
    for (const outcome of report.campaigns) {
      const own = tasks.filter((t) => t.taskId === outcome.taskId || t.parentTaskId === outcome.taskId);
      expect(outcome.calls).toBe(own.reduce((n, t) => n + t.success + t.fail, 0));
      expect(outcome.outcomes.connected).toBe(own.reduce((n, t) => n + t.success, 0));
      expect(outcome.recallRounds).toBe(own.filter((t) => t.parentTaskId !== null && t.success + t.fail > 0).length);
    }
    const recallOutcome = report.campaigns.find((c) => c.taskName === "e2e-recall")!;
    expect(recallOutcome.recipients).toBe(60);
    expect(recallOutcome.calls).toBeGreaterThan(60);
    expect(recallOutcome.recallRounds).toBeGreaterThan(0);
    expect(report.campaigns.find((c) => c.taskName === "e2e-plain")!.calls).toBe(25);
    expect(sim.stats().pushes.reportsSent).toBe(report.campaigns.reduce((n, c) => n + c.calls, 0));

    const text = await runCli(["outcomes", "e2e-recall"], dir, env);
    expect(text.stdout).toMatch(
      /^e2e-recall {2}task \d+ · 60 recipients · \d+ calls placed \(\d recall rounds?\) · connect rate \d+%/,
    );
    expect(text.stdout).toMatch(/ {2}connected {2}█+·* +\d+ +\d+%/);
    const markdown = await runCli(["outcomes", "--format", "markdown"], dir, env);
    expect(markdown.stdout).toContain("```mermaid\npie showData title Call outcomes");
    expect(markdown.stdout).toContain("| e2e-plain |");
    for (const output of [run.stdout, text.stdout, markdown.stdout]) expect(output).not.toMatch(/9197001000\d\d/);
  });
});

describe("campaign reports import", () => {
  test("a saved push body and NDJSON go through the receiver's path; bad lines are reported", async () => {
    const dir = await tempDir({
      "push.json": JSON.stringify({ array: [reportRecord("i1"), reportRecord("i2")] }),
      "reports.ndjson": [
        JSON.stringify(reportRecord("i2")),
        "{broken",
        JSON.stringify(reportRecord("i3")),
        JSON.stringify({ noVoiceId: true }),
        "",
      ].join("\n"),
    });
    const first = await runCli(["reports", "import", "push.json", "--store", "r.db"], dir);
    expect(first).toMatchObject({
      code: 0,
      stdout: "Imported 2 reports from push.json (0 already stored, 0 rejected).\n",
    });
    const second = await runCli(["reports", "import", "reports.ndjson", "--store", "r.db"], dir);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe("Imported 1 report from reports.ndjson (1 already stored, 2 rejected).\n");
    expect(second.stderr).toContain("reports.ndjson:2:1: error malformed-json: not a JSON record");
    expect(second.stderr).toContain("reports.ndjson: error bad-record: record 3: voiceId is missing");
  });

  test("outcomes with no state: reports of unknown tasks are listed apart", async () => {
    const dir = await tempDir({ "push.json": JSON.stringify([reportRecord("u1", { taskId: 777 })]) });
    await runCli(["reports", "import", "push.json", "--store", "r.db"], dir);
    const run = await runCli(["outcomes", "--store", "r.db"], dir);
    expect(run.stdout).toBe("(reports for task 777 that is not in the state: 1 calls)\n");
  });
});
