import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TaskStatus, FlowStatus } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator, daytimeNow } from "../helpers.js";

const RECALL = 'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n';
const LATER = 'sendTime: "2035-01-01 14:00:00"\n';

async function workspace(files: Record<string, string>) {
  // One clock for the platform and the tool, so a test can let time pass for both.
  let offset = 0;
  const clock = () => daytimeNow() + offset;
  const sim = await testSimulator({ now: clock });
  const dir = await tempDir({ "campaign.config.yaml": "api:\n  reconcileAfterSeconds: 600\n", ...files });
  const env = simulatorEnv(sim);
  const cli = (args: string[]) => runCli(args, dir, env, clock());
  const passTime = (ms: number) => (offset += ms);
  const state = () => readStateFile(join(dir, ".campaign", "state.json"));
  const taskOf = (name: string) => [...sim.world.tasks.values()].find((t) => t.taskName === name)!;
  return { sim, dir, cli, state, taskOf, passTime };
}

describe("reconciling unknown outcomes with the platform", () => {
  test("interrupted after the platform stored the task: --check finds it and records the task id", async () => {
    const { sim, cli, state, taskOf } = await workspace({ "campaigns/a.yaml": campaignYaml("stored-then-lost") });
    sim.setFault("create", { resetAfterStore: true, times: 1 });
    expect((await cli(["apply", "--auto-approve"])).code).toBe(5);
    const check = await cli(["state", "resolve", "stored-then-lost", "--check"]);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain(`stored-then-lost: found task ${taskOf("stored-then-lost").taskId} → submitted`);
    const after = await state();
    expect(after!.campaigns["stored-then-lost"]).toMatchObject({
      status: "submitted",
      taskId: taskOf("stored-then-lost").taskId,
    });
    expect(after!.history.at(-1)).toMatchObject({
      action: "reconcile",
      detail: expect.stringMatching(
        /^submitted as task \d+; searched "stored-then-lost" in \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\.\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Shanghai: 1 result\(s\), exact matches task \d+ created /,
      ),
    });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test("interrupted before: unknown until the platform had time, then re-creatable, created exactly once", async () => {
    const { sim, cli, state, passTime } = await workspace({ "campaigns/a.yaml": campaignYaml("never-arrived") });
    sim.setFault("create", { resetBeforeStore: true, times: 1 });
    expect((await cli(["apply", "--auto-approve"])).code).toBe(5);
    const early = await cli(["state", "resolve", "never-arrived", "--check"]);
    expect(early.stdout).toContain(
      "never-arrived: not found yet, but the platform may still be recording it → still unknown",
    );
    expect((await state())!.campaigns["never-arrived"]!.status).toBe("unknown");
    passTime(11 * 60_000);
    const settled = await cli(["refresh"]);
    expect(settled.stdout).toContain("never-arrived: no task with this name → not submitted (re-creatable)");
    expect((await state())!.campaigns["never-arrived"]!.status).toBe("not-submitted");
    const plan = await cli(["plan"]);
    expect(plan.stdout).toContain("  + never-arrived (retry)");
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "never-arrived": 1 });
  });
});

describe("refresh", () => {
  test("records platform status and progress; plan shows them; a failed submission becomes re-creatable", async () => {
    const { sim, cli, state, taskOf } = await workspace({
      "campaigns/a.yaml": campaignYaml("refreshed", "", ["919700000001", "919700000002"]),
      "campaigns/b.yaml": campaignYaml("failed-on-platform"),
    });
    await cli(["apply", "--auto-approve"]);
    sim.advance(3_000);
    sim.advance(3_600_000);
    taskOf("failed-on-platform").status = TaskStatus.failed;
    const refresh = await cli(["refresh"]);
    expect(refresh.code).toBe(0);
    expect(refresh.stdout).toMatch(/refreshed: task \d+ finished, 2\/2 called/);
    expect((await state())!.campaigns["refreshed"]!.platform).toMatchObject({
      status: "finished",
      numCnt: 2,
      callNum: 2,
    });
    expect((await state())!.campaigns["failed-on-platform"]).toMatchObject({
      status: "rejected",
      lastError: { code: "submission-failed" },
    });
    expect((await cli(["plan"])).stdout).toContain("  + failed-on-platform (retry)");
  });
});

describe("cancellation reviewed in git", () => {
  test("cancel: true on a waiting task: plan - cancel, apply cancels (platform status 4), then nothing to do", async () => {
    const { dir, cli, state, taskOf } = await workspace({
      "campaigns/a.yaml": campaignYaml("to-cancel", LATER, ["919700000001", "919700000002", "919700000003"]),
    });
    await cli(["apply", "--auto-approve"]);
    await writeFile(
      join(dir, "campaigns/a.yaml"),
      campaignYaml("to-cancel", LATER + "cancel: true\n", ["919700000001", "919700000002", "919700000003"]),
    );
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("  - to-cancel (cancel)  (campaigns/a.yaml:1)");
    expect(plan.stdout).toMatch(/task \d+, 3 recipients; platform status waiting at /);
    expect(plan.stdout).toContain("Plan: 0 to create, 1 to cancel, 0 unchanged.");
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/✓ to-cancel: task \d+ cancelled/);
    expect(taskOf("to-cancel").status).toBe(TaskStatus.cancelled);
    expect((await state())!.campaigns["to-cancel"]).toMatchObject({ status: "cancelled" });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test("cancel: true on a finished task: a warning and no request", async () => {
    const { sim, dir, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("already-done") });
    await cli(["apply", "--auto-approve"]);
    sim.advance(3_000);
    sim.advance(3_600_000);
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("already-done", "cancel: true\n"));
    const plan = await cli(["plan", "--refresh"]);
    expect(plan.stdout).toContain(
      'warning nothing-to-cancel: "already-done" has cancel: true, but the platform reports it finished',
    );
    expect(plan.stdout).toContain("Plan: 0 to create, 1 unchanged.");
    expect((await cli(["apply", "--auto-approve"])).stdout).toContain("No changes. Nothing to submit.");
    expect(sim.stats().requests["cancel"]).toBeUndefined();
  });
});

describe("recall-flow changes", () => {
  test("only recallFlow changed while the flow is pending: ~ update, applied on the platform", async () => {
    const { sim, dir, cli, state } = await workspace({
      "campaigns/a.yaml": campaignYaml("recall-edit", LATER + RECALL),
    });
    await cli(["apply", "--auto-approve"]);
    const edited = RECALL.replace("recallInterval: 30", "recallInterval: 90").replace("recallType: 1", "recallType: 0");
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("recall-edit", LATER + edited));
    const blind = await cli(["plan"]);
    expect(blind.stdout).toContain(
      "a recall flow can change only while it is pending: run campaign plan --refresh to check",
    );
    const plan = await cli(["plan", "--refresh"]);
    expect(plan.stdout).toContain("  ~ recall-edit (update recall flow)");
    expect(plan.stdout).toContain("  ~ recallFlow.recallType: 1 → 0");
    expect(plan.stdout).toContain("  ~ recallFlow.recallInterval: 30 → 90");
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    const flow = [...sim.world.flows.values()][0]!;
    expect(flow).toMatchObject({ recallType: 0, recallInterval: 90, status: FlowStatus.pending });
    expect((await state())!.history.some((h) => h.action === "recall-update")).toBe(true);
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test("an update is guarded like a create: recall rounds as updated, timed from the task's real start, must fall in the calling hours", async () => {
    const { sim, dir, cli, state } = await workspace({
      "campaigns/a.yaml": campaignYaml("recall-night", LATER + RECALL),
    });
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    // sendTime 14:00 Shanghai = 11:30 in India; ten hours after the first round ends is past 21:00 there.
    await writeFile(
      join(dir, "campaigns/a.yaml"),
      campaignYaml("recall-night", LATER + RECALL.replace("recallInterval: 30", "recallInterval: 600")),
    );
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("  ~ recall-night (update recall flow)");
    expect(plan.stdout).toMatch(
      /error calling-hours: recall round 1 of "recall-night" would ring from 21:3\d in IN \(Asia\/Calcutta\) on 2035-01-01, outside the calling hours 08:00–21:00 .* — the updated recall flow, first round from sendTime 2035-01-01 14:00:00 \(Asia\/Shanghai\)/,
    );
    expect(plan.stdout).toContain(
      "rounds as updated = 1st 2035-01-01 14:00–14:01, recall 1 2035-01-02 00:00–00:01 (Asia/Shanghai; 30 dials/min, assumed)",
    );
    expect(plan.stdout).toContain(
      "hint: change the recall flow so that every recall round falls inside the calling hours",
    );
    const json = JSON.parse((await cli(["plan", "--json"])).stdout) as {
      entries: { action: string; rounds?: { times: unknown[] } }[];
    };
    expect(json.entries[0]).toMatchObject({
      action: "update-recall",
      rounds: { times: [expect.anything(), expect.anything()] },
    });
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    expect(sim.stats().requests["recallUpdate"]).toBeUndefined();
    expect([...sim.world.flows.values()][0]!).toMatchObject({ recallInterval: 30 });
    expect((await state())!.history.some((h) => h.action === "recall-update")).toBe(false);
    // Two hours instead: inside the window, updated.
    await writeFile(
      join(dir, "campaigns/a.yaml"),
      campaignYaml("recall-night", LATER + RECALL.replace("recallInterval: 30", "recallInterval: 120")),
    );
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect([...sim.world.flows.values()][0]!).toMatchObject({ recallInterval: 120 });
  });

  test("removing recallFlow while pending cancels the flow", async () => {
    const { sim, dir, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("recall-drop", LATER + RECALL) });
    await cli(["apply", "--auto-approve"]);
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("recall-drop", LATER));
    const plan = await cli(["plan", "--refresh"]);
    expect(plan.stdout).toContain("  ~ recall-drop (update recall flow)");
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect([...sim.world.flows.values()][0]!.status).toBe(FlowStatus.cancelled);
  });

  test("after the flow started, the same change is blocked", async () => {
    const { sim, dir, cli } = await workspace({
      "campaigns/a.yaml": campaignYaml("recall-late", RECALL, [
        "919700000001",
        "919700000002",
        "919700000003",
        "919700000004",
      ]),
    });
    await cli(["apply", "--auto-approve"]);
    sim.advance(3_000);
    sim.advance(3_600_000);
    sim.advance(3_600_000);
    await writeFile(
      join(dir, "campaigns/a.yaml"),
      campaignYaml("recall-late", RECALL.replace("recallInterval: 30", "recallInterval: 90"), [
        "919700000001",
        "919700000002",
        "919700000003",
        "919700000004",
      ]),
    );
    const plan = await cli(["plan", "--refresh"]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("  ! recall-late");
    expect(plan.stdout).toMatch(/its recall flow is (in-progress|completed) \(at .*\), so it can no longer change/);
  });
});
