import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FlowStatus, TaskStatus, type Simulator } from "../../src/simulator/index.js";
import { readStateFile } from "../../src/state/index.js";
import type { ApplyReport, CampaignPlan } from "../../src/schema/generated/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// cancel: true stops every future ring: the task unless it has ended, and its recall flow (its
// own object on the platform) — parent waiting / calling / finished × flow pending / in progress /
// completed / absent, each through the real CLI against the simulator over loopback.

const RECALL =
  'recallFlow:\n  recallType: 0\n  recallInterval: 60\n  recallNum: 2\n  nodeList: [{agentId: "110"}, {agentId: "110"}]\n';
const LATER = 'sendTime: "2035-01-01 14:00:00"\n';
const NUMBERS = Array.from({ length: 20 }, (_, i) => String(919_700_000_100 + i));
const NAME = "rc-parent";

async function workspace(extra: string) {
  const clock = daytimeNow;
  const sim = await testSimulator({ now: clock });
  // Calling hours are another rule's business: off, so the rounds here may fall at any hour.
  const dir = await tempDir({
    "campaign.config.yaml": "api:\n  reconcileAfterSeconds: 600\nguards:\n  callingHours: false\n",
    "campaigns/a.yaml": campaignYaml(NAME, extra, NUMBERS),
  });
  const cli = (args: string[]) => runCli(args, dir, simulatorEnv(sim), clock());
  const setCancel = () =>
    writeFile(join(dir, "campaigns/a.yaml"), campaignYaml(NAME, extra + "cancel: true\n", NUMBERS));
  const state = async () => (await readStateFile(join(dir, ".campaign", "state.json")))!.campaigns[NAME]!;
  const parent = () => [...sim.world.tasks.values()].find((t) => t.taskName === NAME)!;
  const flow = () => [...sim.world.flows.values()][0];
  expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
  return { sim, cli, setCancel, state, parent, flow };
}

/** Requests per simulated endpoint made while `run` ran. */
async function requestsDuring(sim: Simulator, run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = sim.stats().requests;
  await run();
  const after = sim.stats().requests;
  return Object.fromEntries(
    Object.entries(after).flatMap(([k, n]) => (n - (before[k] ?? 0) > 0 ? [[k, n - (before[k] ?? 0)]] : [])),
  );
}

/** Round tasks the flow created: none may appear after a cancel. */
const roundTasks = (sim: Simulator, parentId: number) =>
  [...sim.world.tasks.values()].filter((t) => t.parentTaskId === parentId);

interface Case {
  name: string;
  extra: string;
  /** Moves the platform to the parent/flow state of the case. */
  setup(sim: Simulator): void;
  summary(ids: { task: number; key: number }): string;
  cancel: {
    task: { status: string; cancel: boolean };
    recallFlow?: { status: string; rounds: number; roundsLeft: number };
  };
  requests: Record<string, number>;
}

const CASES: Case[] = [
  {
    name: "parent waiting, flow pending",
    extra: LATER + RECALL,
    setup: () => undefined,
    summary: ({ task, key }) => `task ${task} waiting; recall flow ${key} pending: 2 rounds left`,
    cancel: { task: { status: "waiting", cancel: true }, recallFlow: { status: "pending", rounds: 2, roundsLeft: 2 } },
    requests: { recallCancel: 1, cancel: 1, query: 1, recallQueryPage: 1 },
  },
  {
    name: "parent calling, flow pending",
    extra: RECALL,
    setup: (sim) => {
      sim.advance(3_000);
      sim.advance(3_000);
    },
    summary: ({ task, key }) => `task ${task} calling; recall flow ${key} pending: 2 rounds left`,
    cancel: { task: { status: "calling", cancel: true }, recallFlow: { status: "pending", rounds: 2, roundsLeft: 2 } },
    requests: { recallCancel: 1, cancel: 1, query: 1, recallQueryPage: 1 },
  },
  {
    name: "parent finished, flow pending",
    extra: RECALL,
    setup: (sim) => {
      sim.advance(3_000);
      sim.advance(30 * 60_000);
    },
    summary: ({ task, key }) => `task ${task} finished; recall flow ${key} pending: 2 rounds left`,
    cancel: {
      task: { status: "finished", cancel: false },
      recallFlow: { status: "pending", rounds: 2, roundsLeft: 2 },
    },
    requests: { recallCancel: 1, query: 1, recallQueryPage: 1 },
  },
  {
    name: "parent finished, flow in progress (round 1 ringing)",
    extra: RECALL,
    setup: (sim) => {
      sim.advance(3_000);
      sim.advance(30 * 60_000);
      sim.advance(61 * 60_000);
    },
    summary: ({ task, key }) => `task ${task} finished; recall flow ${key} in progress: 2 rounds left`,
    cancel: {
      task: { status: "finished", cancel: false },
      recallFlow: { status: "in-progress", rounds: 2, roundsLeft: 2 },
    },
    // The flow cancel is refused (no longer pending), the flow looked at, round 2 cancelled by its node, round 1 by its task.
    requests: { recallCancel: 2, recallQueryDetail: 1, cancel: 1, query: 1, recallQueryPage: 1 },
  },
  {
    name: "parent waiting, no recall flow",
    extra: LATER,
    setup: () => undefined,
    summary: ({ task }) => `task ${task} waiting`,
    cancel: { task: { status: "waiting", cancel: true } },
    requests: { cancel: 1, query: 1 },
  },
];

describe("cancel: true stops the task and its recall flow", () => {
  test.each(CASES)(
    "$name: the plan says what is stopped (text, markdown, JSON), apply stops it and nothing rings after",
    async (c) => {
      const { sim, cli, setCancel, state, parent, flow } = await workspace(c.extra);
      c.setup(sim);
      await setCancel();
      const text = await cli(["plan", "--refresh", "--detailed-exitcode"]);
      expect(text.code).toBe(2);
      const ids = { task: parent().taskId, key: flow()?.keyId ?? 0 };
      expect(text.stdout).toContain(`  - ${NAME} (cancel)  (campaigns/a.yaml:1)\n      ${c.summary(ids)}\n`);
      expect(text.stdout).toContain("Plan: 0 to create, 1 to cancel, 0 unchanged.");
      const markdown = await cli(["plan", "--format", "markdown"]);
      expect(markdown.stdout).toContain(
        `| 🛑 cancel | \`${NAME}\` | 20 | \`campaigns/a.yaml:1\` | ${c.summary(ids)} |`,
      );
      const json = JSON.parse((await cli(["plan", "--json"])).stdout) as CampaignPlan;
      expect(json.entries[0]).toMatchObject({
        action: "cancel",
        cancel: {
          task: { taskId: ids.task, ...c.cancel.task },
          ...(c.cancel.recallFlow ? { recallFlow: { keyId: ids.key, ...c.cancel.recallFlow } } : {}),
        },
      });
      if (!c.cancel.recallFlow) expect(json.entries[0]!.cancel!.recallFlow).toBeUndefined();

      let report: ApplyReport | undefined;
      const sent = await requestsDuring(sim, async () => {
        const apply = await cli(["apply", "--auto-approve", "--json"]);
        expect(apply.code).toBe(0);
        report = JSON.parse(apply.stdout) as ApplyReport;
      });
      expect(sent).toEqual(c.requests);
      expect(report!.outcomes).toEqual([
        expect.objectContaining({ taskName: NAME, status: "cancelled", taskId: ids.task }),
      ]);
      expect(report!.outcomes[0]!.warnings).toBeUndefined();

      // Refreshed after the cancel: the state holds the platform's word on both.
      const after = await state();
      expect(after.status).toBe("cancelled");
      if (c.cancel.recallFlow) expect(after.recall).toMatchObject({ keyId: ids.key, status: "cancelled" });
      expect(after.platform!.status).toBe(c.cancel.task.cancel ? "cancelled" : "finished");
      const rounds = roundTasks(sim, ids.task).length;
      sim.fastForward();
      expect(roundTasks(sim, ids.task)).toHaveLength(rounds);
      for (const t of roundTasks(sim, ids.task)) expect(t.status).toBe(TaskStatus.cancelled);
      if (c.cancel.recallFlow) expect(flow()!.status).toBe(FlowStatus.cancelled);

      const clean = await requestsDuring(sim, async () =>
        expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0),
      );
      expect(clean).toEqual({});
    },
  );

  test("parent finished, flow completed: nothing to cancel (a warning naming both), no request", async () => {
    const { sim, cli, setCancel, parent, flow } = await workspace(RECALL);
    sim.fastForward();
    expect(flow()!.status).toBe(FlowStatus.completed);
    await setCancel();
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `warning nothing-to-cancel: "${NAME}" has cancel: true, but the platform reports it finished and its recall flow ${flow()!.keyId} completed (at `,
    );
    const sent = await requestsDuring(sim, async () =>
      expect((await cli(["apply", "--auto-approve"])).stdout).toContain("No changes. Nothing to submit."),
    );
    expect(sent).toEqual({});
    expect(parent().status).toBe(TaskStatus.finished);
  });

  test("never refreshed: the flow is assumed pending and cancelled by the parent task id (fail safe)", async () => {
    const { sim, cli, setCancel, parent, flow, state } = await workspace(LATER + RECALL);
    await setCancel();
    const plan = await cli(["plan", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      `      task ${parent().taskId} (status not refreshed); recall flow status unknown (run campaign plan --refresh): up to 2 rounds left\n`,
    );
    const json = JSON.parse((await cli(["plan", "--json"])).stdout) as CampaignPlan;
    expect(json.entries[0]!.cancel).toEqual({
      task: { taskId: parent().taskId, status: "not-refreshed", cancel: true },
      recallFlow: { status: "not-refreshed", rounds: 2, roundsLeft: 2 },
    });
    const sent = await requestsDuring(sim, async () => expect((await cli(["apply", "--auto-approve"])).code).toBe(0));
    expect(sent).toEqual({ recallCancel: 1, cancel: 1, query: 1, recallQueryPage: 1 });
    expect(flow()!.status).toBe(FlowStatus.cancelled);
    expect(parent().status).toBe(TaskStatus.cancelled);
    expect((await state()).recall).toMatchObject({ keyId: flow()!.keyId, status: "cancelled" });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test("a cancel made before this rule (task cancelled, flow still pending) is planned again: the flow is cancelled", async () => {
    const { sim, cli, setCancel, parent, flow } = await workspace(LATER + RECALL);
    await setCancel();
    // As the old apply did: the task only (on the platform, as group/call/cancel does).
    sim.world.cancelTask(parent(), sim.simNow());
    const plan = await cli(["plan", "--refresh", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      `task ${parent().taskId} cancelled; recall flow ${flow()!.keyId} pending: 2 rounds left`,
    );
    expect(plan.stdout).toContain("apply cancels the recall flow (its rounds will not ring)");
    const sent = await requestsDuring(sim, async () => expect((await cli(["apply", "--auto-approve"])).code).toBe(0));
    expect(sent).toEqual({ recallCancel: 1, query: 1, recallQueryPage: 1 });
    expect(flow()!.status).toBe(FlowStatus.cancelled);
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });
});
