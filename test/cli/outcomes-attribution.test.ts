import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { outcomesSchema, type CampaignOutcome, type OutcomesReport } from "../../src/schema/generated/index.js";
import type { ReportShape } from "../../src/simulator/index.js";
import {
  campaignYaml,
  daytimeNow,
  reportRecord,
  runCli,
  simulatorEnv,
  tempDir,
  testReceiver,
  testSimulator,
} from "../helpers.js";
import { freshSchema, PG_URL } from "../pg-helpers.js";

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
const validOutcomes = ajv.compile(outcomesSchema);
const numbers = (base: number, n: number) => Array.from({ length: n }, (_, i) => String(base + i));
const RECALL =
  'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 2\n  nodeList: [{agentId: "110"}, {agentId: "111"}]\n';
// The docs' shape cannot tell voicemail from a connected call (both answer SIP 200): left out here.
const NO_VOICEMAIL = {
  connected: 0.5,
  noAnswer: 0.2,
  busy: 0.15,
  voicemail: 0,
  failed: 0.15,
};

/** apply → simulated calls → pushes in the given shape → receiver → `campaign outcomes --json`. */
async function wholeLoop(reportShape: ReportShape) {
  const dir = await tempDir();
  const { receiver, logs } = await testReceiver({ dir });
  const sim = await testSimulator({
    seed: 23,
    pushUrl: receiver.reportUrl,
    pushRetryDelayMs: 0,
    now: daytimeNow,
    outcomes: NO_VOICEMAIL,
    reportShape,
  });
  await writeFile(join(dir, "campaign.config.yaml"), "reports:\n  path: reports.db\n");
  await mkdir(join(dir, "campaigns"));
  await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("shape-recall", RECALL, numbers(919_700_400_000, 40)));
  await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("shape-plain", "", numbers(919_700_500_000, 30)));
  const env = simulatorEnv(sim);
  expect((await runCli(["apply", "--auto-approve"], dir, env, daytimeNow())).code).toBe(0);
  sim.fastForward();
  await sim.drainPushes();
  const run = await runCli(["--json", "outcomes"], dir, env);
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as OutcomesReport;
  expect(validOutcomes(report), JSON.stringify(validOutcomes.errors)).toBe(true);
  const text = await runCli(["outcomes"], dir, env);
  return {
    report,
    text: text.stdout,
    logs,
    sent: sim.stats().pushes.reportsSent,
  };
}

const comparable = (o: CampaignOutcome) => ({
  taskName: o.taskName,
  calls: o.calls,
  outcomes: o.outcomes,
  intents: { ...o.intents },
  billedLineSeconds: o.billedLineSeconds,
  aiAgentBilledSeconds: o.aiAgentBilledSeconds,
  cost: o.cost,
  aiAgentFee: o.aiAgentFee,
});

describe("the whole loop in both report shapes", () => {
  test("docs-shaped pushes (no task ids, no callStatus, yyyyMMddHHmmss times) give the same outcome counts", async () => {
    const convenient = await wholeLoop("convenient");
    const docs = await wholeLoop("docs");
    expect(docs.sent).toBe(convenient.sent);
    expect(convenient.report.campaigns.map(comparable)).toEqual(docs.report.campaigns.map(comparable));
    const recall = docs.report.campaigns.find((c) => c.taskName === "shape-recall")!;
    expect(recall.calls).toBeGreaterThan(40);
    for (const cls of ["connected", "noAnswer", "busy", "failed"] as const)
      expect(recall.outcomes[cls], cls).toBeGreaterThan(0);
    expect(docs.report.campaigns.reduce((n, c) => n + c.calls, 0)).toBe(docs.sent);
    for (const { report } of [convenient, docs]) expect(report).toMatchObject({ unmatched: [], unreadableTimes: 0 });
    // Every record of every docs batch lacked a task id: one log line per batch says so.
    const batches = docs.logs.filter((l) => l["event"] === "batch");
    const noTaskId = docs.logs.filter((l) => l["event"] === "without-task-id");
    expect(noTaskId.length).toBe(batches.length);
    expect(noTaskId.reduce((n, l) => n + (l["records"] as number), 0)).toBe(docs.sent);
    expect(convenient.logs.some((l) => l["event"] === "without-task-id")).toBe(false);
    for (const text of [convenient.text, docs.text]) {
      expect(text).toMatch(/^shape-plain {2}task \d+/);
      expect(text).toMatch(/ {2}billed line time \d+m\d\ds · AI-agent billed time \d+m\d\ds · cost/);
      expect(text).not.toMatch(/no task id|could not be read|9197004000\d\d/);
    }
  });
});

for (const backend of ["sqlite", "postgres"] as const) {
  const describeOn = backend === "postgres" && !PG_URL ? describe.skip : describe;
  describeOn(`reports without a task id, attributed by callee (${backend})`, () => {
    test("a number declared by exactly one applied campaign goes there; the rest is said in words", async () => {
      const sim = await testSimulator({ now: daytimeNow });
      const [n1, n2, shared, n4, n5, undeclaredElsewhere, stranger] = numbers(919_700_600_000, 7) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      const config =
        backend === "postgres"
          ? `reports:\n  backend: postgres\n  schema: ${freshSchema()}\n`
          : "reports:\n  path: reports.db\n";
      const dir = await tempDir({ "campaign.config.yaml": config });
      await mkdir(join(dir, "campaigns"));
      await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("attr-a", "", [n1, n2, shared]));
      await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("attr-b", "", [shared, n4, n5]));
      // Declared but never applied: its number attributes nothing.
      await writeFile(join(dir, "campaigns/c.yaml"), campaignYaml("attr-c", "", [undeclaredElsewhere]));
      const env = {
        ...simulatorEnv(sim),
        ...(PG_URL ? { CAMPAIGN_PG_URL: PG_URL } : {}),
      };
      expect(
        (await runCli(["apply", "--auto-approve", "campaigns/a.yaml", "campaigns/b.yaml"], dir, env, daytimeNow()))
          .code,
      ).toBe(0);
      const state = JSON.parse((await runCli(["--json", "state", "show", "attr-a"], dir, env)).stdout) as {
        campaign?: { taskId?: number };
        taskId?: number;
      };
      const taskA = state.campaign?.taskId ?? state.taskId;
      expect(typeof taskA).toBe("number");

      const noTask = (voiceId: string, callee: string, extra: Record<string, unknown> = {}) => {
        const { taskId: _t, callStatus: _c, ...rest } = reportRecord(voiceId, { callee, ...extra });
        return rest;
      };
      const records = [
        noTask("r1", n1, { sipCode: 486, terminationCode: "1" }),
        noTask("r2", n2, { sipCode: "480", terminationCode: "1" }),
        noTask("r3", n4),
        noTask("r4", shared),
        noTask("r5", undeclaredElsewhere),
        noTask("r6", stranger),
        reportRecord("r7", { taskId: taskA, callee: n1 }),
      ];
      await writeFile(join(dir, "push.json"), JSON.stringify({ array: records }));
      expect((await runCli(["reports", "import", "push.json"], dir, env)).code).toBe(0);

      const json = await runCli(["--json", "outcomes"], dir, env);
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as OutcomesReport;
      expect(validOutcomes(report), JSON.stringify(validOutcomes.errors)).toBe(true);
      const a = report.campaigns.find((c) => c.taskName === "attr-a")!;
      const b = report.campaigns.find((c) => c.taskName === "attr-b")!;
      expect(a).toMatchObject({
        calls: 3,
        outcomes: {
          connected: 1,
          busy: 1,
          noAnswer: 1,
          voicemail: 0,
          failed: 0,
        },
      });
      expect(b).toMatchObject({ calls: 1, outcomes: { connected: 1 } });
      expect(report.unmatched).toEqual([{ taskId: null, calls: 3, reason: "no-task-id" }]);

      const text = await runCli(["outcomes"], dir, env);
      expect(text.stdout.split("\n")[0]).toBe("3 reports carry no task id and match no single campaign");
      const one = await runCli(["outcomes", "attr-b"], dir, env);
      expect(one.stdout.split("\n")[0]).toBe("3 reports carry no task id and match no single campaign");
      const markdown = await runCli(["outcomes", "--format", "markdown"], dir, env);
      expect(markdown.stdout).toContain("> **3 reports carry no task id and match no single campaign**");
      for (const output of [json.stdout, text.stdout, markdown.stdout, json.stderr, text.stderr])
        expect(output).not.toMatch(/9197006000\d\d/);
    });
  });
}
