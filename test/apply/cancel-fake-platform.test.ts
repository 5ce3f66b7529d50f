import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ApplyReport, CampaignPlan } from "../../src/schema/generated/index.js";
import { readStateFile } from "../../src/state/index.js";
import { fakePlatform, ok, refuse, type Body, type FakePlatform } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, runCli, tempDir } from "../helpers.js";

// The Bar of issue 15, section 1, against the independent fake platform (not the simulator):
// every request the tool makes is scripted here; any other, or any answer left unused, fails.

const NAME = "rc-parent";
const RECALL =
  'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 2\n  nodeList: [{agentId: "110"}, {agentId: "110"}]\n';
const NUMBERS = ["919700000001", "919700000002"];

const taskRecord = (status: number) => ({
  taskId: 5000,
  taskName: NAME,
  status,
  rate: "100%",
  numCnt: 2,
  callNum: 2,
  success: 1,
  fail: 1,
  createdTime: "2026-11-25 20:00:00",
});
const flowRecord = (status: number, finishNum = 0) => ({
  keyId: 900,
  taskId: 5000,
  taskName: NAME,
  recallType: 1,
  recallInterval: 30,
  recallNum: 2,
  finishNum,
  status,
});
const named = (b: Body) => b.params?.searchCondition === NAME && b.params?.taskType === 3;
const flowNamed = (b: Body) => b.params?.taskName === NAME;

/** What refresh asks about one campaign with a recall flow: the task, then its flow. */
function expectRefresh(fake: FakePlatform, taskStatus: number, flowStatus: number, finishNum = 0): void {
  fake.expect("POST /voice/group/call/query", named, ok({ total: 1, records: [taskRecord(taskStatus)] }));
  fake.expect(
    "POST /voice/recallFlow/queryPage",
    flowNamed,
    ok({ total: 1, records: [flowRecord(flowStatus, finishNum)] }),
  );
}

/** A campaign with a recall flow, submitted as task 5000 through the fake, then set to cancel: true. */
async function submittedThenCancelled() {
  const fake = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": "guards:\n  callingHours: false\n",
    "campaigns/a.yaml": campaignYaml(NAME, RECALL, NUMBERS),
  });
  const cli = (args: string[]) => runCli(args, dir, fake.env, fake.now());
  fake.expect(
    "POST /voice/group/call/send/agent",
    (b) => b.taskName === NAME && b.recallFlow?.recallNum === 2,
    ok(5000),
  );
  expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
  fake.done();
  await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml(NAME, RECALL + "cancel: true\n", NUMBERS));
  const sentFrom = (from: number) => fake.requests.slice(from).map((r) => [r.route, r.body]);
  const state = async () => (await readStateFile(join(dir, ".campaign", "state.json")))!;
  return { fake, dir, cli, sentFrom, state };
}

describe("cancel: true against an independent fake platform", () => {
  test("Bar: first round finished, recall flow pending → plan exits 2, apply cancels the flow (exactly), then the plan is clean", async () => {
    const { fake, cli, sentFrom, state } = await submittedThenCancelled();

    expectRefresh(fake, 2, 0);
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      `  - ${NAME} (cancel)  (campaigns/a.yaml:1)\n      task 5000 finished; recall flow 900 pending: 2 rounds left\n`,
    );
    expect(plan.stdout).toContain("apply cancels the recall flow (its rounds will not ring)");
    expect((await cli(["plan", "--format", "markdown"])).stdout).toContain(
      "| task 5000 finished; recall flow 900 pending: 2 rounds left |",
    );
    const json = JSON.parse((await cli(["plan", "--json", "--detailed-exitcode"])).stdout) as CampaignPlan;
    expect(json.entries).toEqual([
      expect.objectContaining({
        action: "cancel",
        cancel: {
          task: { taskId: 5000, status: "finished", cancel: false },
          recallFlow: { keyId: 900, status: "pending", rounds: 2, roundsLeft: 2, refreshedAt: expect.any(String) },
        },
      }),
    ]);
    fake.done();

    const before = fake.requests.length;
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, ok(null));
    expectRefresh(fake, 2, 3);
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain(`  ✓ ${NAME}: task 5000 had already ended; recall flow 900 cancelled`);
    // Exactly: the flow's own cancel, then the refresh that records the result. No task cancel.
    expect(sentFrom(before).map(([route]) => route)).toEqual([
      "POST /voice/recallFlow/cancel",
      "POST /voice/group/call/query",
      "POST /voice/recallFlow/queryPage",
    ]);
    fake.done();
    const after = await state();
    expect(after.campaigns[NAME]).toMatchObject({
      status: "cancelled",
      platform: { status: "finished" },
      recall: { keyId: 900, status: "cancelled" },
    });
    expect(after.history.filter((h) => h.action === "cancel").map((h) => h.detail)).toEqual([
      "task 5000 had already ended; recall flow 900 cancelled",
    ]);

    const settled = fake.requests.length;
    const clean = await cli(["plan", "--detailed-exitcode"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("No changes.");
    expect(fake.requests.length).toBe(settled);
  });

  test("flow in progress: round 1's task is cancelled; round 2, refused by the platform, fails the apply, named in the report (JSON) and the history", async () => {
    const { fake, cli, sentFrom, state } = await submittedThenCancelled();
    expectRefresh(fake, 2, 1);
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("task 5000 finished; recall flow 900 in progress: 2 rounds left");

    const before = fake.requests.length;
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, refuse("-54", "submitted task is wrong"));
    fake.expect(
      "POST /voice/recallFlow/queryDetail",
      { keyId: 900 },
      ok({
        ...flowRecord(1),
        recallIntent: [],
        nodeList: [
          { keyId: 901, taskId: 5001, nodeStatus: 1, scriptId: 110 },
          { keyId: 902, taskId: null, nodeStatus: 0, scriptId: 110 },
        ],
      }),
    );
    fake.expect("POST /voice/recallFlow/cancel", { type: 3, id: 902 }, refuse("-54", "submitted task is wrong"));
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [5001] }, ok(null));
    expectRefresh(fake, 2, 1);
    const apply = await cli(["apply", "--auto-approve", "--json"]);
    expect(apply.code).toBe(1);
    expect(sentFrom(before)).toEqual([
      ["POST /voice/recallFlow/cancel", { type: 1, id: 900 }],
      ["POST /voice/recallFlow/queryDetail", { keyId: 900 }],
      ["POST /voice/recallFlow/cancel", { type: 3, id: 902 }],
      ["POST /voice/group/call/cancel", { taskIdList: [5001] }],
      ["POST /voice/group/call/query", expect.anything()],
      ["POST /voice/recallFlow/queryPage", expect.anything()],
    ]);
    fake.done();
    const report = JSON.parse(apply.stdout) as ApplyReport;
    const refused =
      "recall round 2 of recall flow 900 could not be stopped and may still ring: the platform refused the node cancel (submitted task is wrong)";
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        taskName: NAME,
        status: "rejected",
        taskId: 5000,
        detail: "task 5000 had already ended; recall round 1 (task 5001) cancelled",
        error: expect.objectContaining({ code: "-54", message: refused }),
      }),
    ]);
    expect(report.summary.rejected).toBe(1);
    const history = (await state()).history.filter((h) => h.action === "cancel").map((h) => h.detail);
    expect(history).toEqual([
      `task 5000 had already ended; recall round 1 (task 5001) cancelled; failed: platform error -54: ${refused}`,
    ]);
    // Not everything stopped: the campaign stays submitted, the error is kept, and the next plan still shows the flow.
    expect((await state()).campaigns[NAME]).toMatchObject({
      status: "submitted",
      lastError: { code: "-54", message: refused },
    });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(2);
  });

  test("text apply report: the rounds that could not be stopped fail the campaign, with what was done under it", async () => {
    const { fake, cli } = await submittedThenCancelled();
    expectRefresh(fake, 2, 1);
    await cli(["plan", "--refresh"]);
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, refuse("-54", "no longer pending"));
    fake.expect(
      "POST /voice/recallFlow/queryDetail",
      { keyId: 900 },
      ok({
        ...flowRecord(1, 1),
        nodeList: [
          { keyId: 901, taskId: 5001, nodeStatus: 2 },
          { keyId: 902, nodeStatus: 0 },
        ],
      }),
    );
    fake.expect("POST /voice/recallFlow/cancel", { type: 3, id: 902 }, refuse("-54", "no longer pending"));
    expectRefresh(fake, 2, 1, 1);
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(
      `  ✗ ${NAME}: rejected -54: recall round 2 of recall flow 900 could not be stopped and may still ring: the platform refused the node cancel (no longer pending)\n`,
    );
    expect(apply.stdout).toContain(
      "      done: task 5000 had already ended; recall round 1 of recall flow 900 had already ended\n",
    );
  });

  test("flow never found by a refresh: cancelled by the parent task id; 'already' answers are accepted as done", async () => {
    const { fake, cli, sentFrom, state } = await submittedThenCancelled();
    const before = fake.requests.length;
    fake.expect("POST /voice/recallFlow/cancel", { type: 2, id: 5000 }, ok(null));
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [5000] }, refuse("-54", "submitted task is wrong"));
    expectRefresh(fake, 2, 3);
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain(
      `  ✓ ${NAME}: task 5000 had already finished or was cancelled (-54); the recall flow of task 5000 cancelled`,
    );
    expect(sentFrom(before).slice(0, 2)).toEqual([
      ["POST /voice/recallFlow/cancel", { type: 2, id: 5000 }],
      ["POST /voice/group/call/cancel", { taskIdList: [5000] }],
    ]);
    fake.done();
    expect((await state()).campaigns[NAME]).toMatchObject({
      status: "cancelled",
      recall: { keyId: 900, status: "cancelled" },
    });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test("a flow search that lists nothing proves nothing: the flow is still cancelled; only the platform's -24 records it absent", async () => {
    const { fake, cli, sentFrom, state } = await submittedThenCancelled();
    const noFlow = () => {
      fake.expect("POST /voice/group/call/query", named, ok({ total: 1, records: [taskRecord(2)] }));
      fake.expect("POST /voice/recallFlow/queryPage", flowNamed, ok({ total: 0, records: [] }));
    };
    noFlow();
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      "task 5000 finished; recall flow status unknown (run campaign plan --refresh): up to 2 rounds left",
    );
    expect((await state()).campaigns[NAME]!.recall).toBeUndefined();
    expect((await state()).history.at(-1)!.detail).toContain("recall flow not listed in");
    fake.done();

    const before = fake.requests.length;
    fake.expect("POST /voice/recallFlow/cancel", { type: 2, id: 5000 }, refuse("-24", "data does not exist"));
    fake.expect("POST /voice/recallFlow/queryPage", flowNamed, ok({ total: 0, records: [] }));
    noFlow();
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain(
      `  ✓ ${NAME}: task 5000 had already ended; the platform lists no recall flow for task 5000`,
    );
    expect(sentFrom(before)[0]).toEqual(["POST /voice/recallFlow/cancel", { type: 2, id: 5000 }]);
    fake.done();
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "cancelled", recall: { status: "absent" } });
    const clean = await cli(["plan", "--detailed-exitcode"]);
    expect(clean.code).toBe(0);
  });

  test("a flow search that misses after the flow was seen keeps its last status: a pending flow is still cancelled", async () => {
    const { fake, cli, state } = await submittedThenCancelled();
    expectRefresh(fake, 2, 0);
    await cli(["plan", "--refresh"]);
    fake.expect("POST /voice/group/call/query", named, ok({ total: 1, records: [taskRecord(2)] }));
    fake.expect("POST /voice/recallFlow/queryPage", flowNamed, ok({ total: 0, records: [] }));
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("task 5000 finished; recall flow 900 pending: 2 rounds left");
    expect((await state()).campaigns[NAME]!.recall).toMatchObject({ keyId: 900, status: "pending" });
    fake.done();
  });

  test("a parent-id flow cancel refused with -54 while no flow is listed: not stopped, the apply fails", async () => {
    const { fake, cli, state } = await submittedThenCancelled();
    fake.expect("POST /voice/recallFlow/cancel", { type: 2, id: 5000 }, refuse("-54", "submitted task is wrong"));
    fake.expect("POST /voice/recallFlow/queryPage", flowNamed, ok({ total: 0, records: [] }));
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [5000] }, refuse("-54", "submitted task is wrong"));
    fake.expect("POST /voice/group/call/query", named, ok({ total: 1, records: [taskRecord(2)] }));
    fake.expect("POST /voice/recallFlow/queryPage", flowNamed, ok({ total: 0, records: [] }));
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    fake.done();
    const campaign = (await state()).campaigns[NAME]!;
    expect(campaign.recall).toBeUndefined();
    expect(campaign.lastError).toMatchObject({ code: "-54" });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(2);
  });

  test("a flow query that fails fails the refresh: no plan from a stale flow status", async () => {
    const { fake, cli } = await submittedThenCancelled();
    fake.expect("POST /voice/group/call/query", named, ok({ total: 1, records: [taskRecord(2)] }));
    fake.expect("POST /voice/recallFlow/queryPage", flowNamed, refuse("-18", "system exception"));
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(
      `error refresh-failed: ${NAME}: recall flow query failed: platform error -18: system exception`,
    );
    fake.done();
  });

  test("a failure that is not 'already ended' fails the apply and is recorded; nothing is marked cancelled", async () => {
    const { fake, dir, cli, state } = await submittedThenCancelled();
    expectRefresh(fake, 0, 0);
    await cli(["plan", "--refresh"]);
    fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, refuse("-1", "authentication error"));
    fake.expect("POST /voice/recallFlow/queryDetail", { keyId: 900 }, refuse("-1", "authentication error"));
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [5000] }, ok(null));
    expectRefresh(fake, 4, 0);
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`  ✗ ${NAME}: rejected -1: authentication error`);
    expect(apply.stdout).toContain("      done: task 5000 cancelled");
    fake.done();
    const campaign = (await state()).campaigns[NAME]!;
    expect(campaign).toMatchObject({ status: "cancelled", recall: { status: "pending" }, lastError: { code: "-1" } });
    // The flow is still to be stopped: the next plan says so.
    const again = await cli(["plan", "--detailed-exitcode"]);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain("task 5000 cancelled; recall flow 900 pending: 2 rounds left");
    // Removing the file now is no way out: a cancelled task whose flow may ring is orphaned, not finished business.
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("other", "cancel: true\n"));
    const removed = await cli(["plan"]);
    expect(removed.stdout).toContain(
      "task 5000 was cancelled, but its recall flow may still ring; removing the file cancels nothing",
    );
    expect(removed.stdout).toContain(
      `warning orphaned: "${NAME}" (task 5000) is no longer declared but its recall flow may still ring`,
    );
  });

  const GOOD_NODE = { keyId: 902, taskId: null, nodeStatus: 0, scriptId: 110 };
  const BAD_NODES: [string, unknown][] = [
    ...(["keyId", "nodeStatus"] as const).flatMap((field): [string, unknown][] => [
      [`${field} missing`, Object.fromEntries(Object.entries(GOOD_NODE).filter(([k]) => k !== field))],
      ...[null, "abc", 1.5, true, {}].map((v): [string, unknown] => [
        `${field} ${JSON.stringify(v)}`,
        { ...GOOD_NODE, [field]: v },
      ]),
    ]),
    ...["x", 1.5, true, {}, []].map((v): [string, unknown] => [
      `taskId ${JSON.stringify(v)}`,
      { ...GOOD_NODE, taskId: v },
    ]),
    ...[null, 7, "node", []].map((v): [string, unknown] => [`node ${JSON.stringify(v)}`, v]),
  ];
  test.each(BAD_NODES)(
    "a recall node with %s: the answer is refused, no cancel is built from it, apply fails",
    async (_name, node) => {
      const { fake, cli } = await submittedThenCancelled();
      expectRefresh(fake, 2, 1);
      await cli(["plan", "--refresh"]);
      const before = fake.requests.length;
      fake.expect("POST /voice/recallFlow/cancel", { type: 1, id: 900 }, refuse("-54", "no longer pending"));
      fake.expect("POST /voice/recallFlow/queryDetail", { keyId: 900 }, ok({ ...flowRecord(1), nodeList: [node] }));
      expectRefresh(fake, 2, 1);
      const apply = await cli(["apply", "--auto-approve"]);
      expect(apply.code).toBe(1);
      expect(apply.stdout).toContain("recall flow detail: a node lacks its keyId, task id or status");
      expect(fake.requests.slice(before).map((r) => r.route)).toEqual([
        "POST /voice/recallFlow/cancel",
        "POST /voice/recallFlow/queryDetail",
        "POST /voice/group/call/query",
        "POST /voice/recallFlow/queryPage",
      ]);
    },
  );
});
