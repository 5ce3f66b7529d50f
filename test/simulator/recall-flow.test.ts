import { describe, expect, test } from "vitest";
import { buildCreateTaskBody, type CreateTaskBody } from "../../src/laaffic/index.js";
import { FlowStatus, NodeStatus, TaskStatus, type Simulator } from "../../src/simulator/index.js";
import { testClient, testSimulator } from "../helpers.js";

// The recall flow is its own object (laaffic-api.md): cancelling a task leaves its flow going;
// the flow's cancel (type 1 keyId, 2 parent task id) works only while it is pending; a node cancel
// (type 3) stops that round and the later ones while they have not started.

const WINDOW = { current: 1, size: 100, strTime: "2020-01-01 00:00:00", endTime: "2040-01-01 00:00:00" };
const recallFlow = {
  recallType: 0 as const,
  recallInterval: 60,
  recallNum: 3,
  nodeList: [{ agentId: "110" }, { agentId: "110" }, { agentId: "110" }],
};

function body(taskName: string, count: number): CreateTaskBody {
  const numbers = Array.from({ length: count }, (_, i) => ({ calleeNumber: String(919_700_000_000 + i) }));
  return { ...buildCreateTaskBody({ taskName, appId: "Jgd8oFei", agentId: 110 }, numbers), recallFlow };
}

async function withFlow(count = 30) {
  const sim = await testSimulator({ seed: 3 });
  const client = testClient(sim);
  const created = await client.createTask(body("flow", count));
  const parentId = created.ok ? created.data.taskId! : 0;
  const flow = () => [...sim.world.flows.values()][0]!;
  const rounds = () => [...sim.world.tasks.values()].filter((t) => t.parentTaskId === parentId);
  return { sim, client, parentId, flow, rounds };
}

/** Finishes the parent and starts round 1 (60 minutes after). */
function intoRoundOne(sim: Simulator): void {
  sim.advance(3_000);
  sim.advance(30 * 60_000);
  sim.advance(61 * 60_000);
}

describe("simulated recall flows", () => {
  test("cancelling a calling parent leaves its flow: round 1 rings those already called", async () => {
    const { sim, client, parentId, flow, rounds } = await withFlow();
    sim.advance(3_000);
    sim.advance(60_000);
    const parent = sim.world.tasks.get(parentId)!;
    expect(parent.status).toBe(TaskStatus.calling);
    expect(await client.cancelTasks([parentId])).toMatchObject({ ok: true });
    expect(flow().status).toBe(FlowStatus.pending);
    sim.advance(61 * 60_000);
    expect(flow().status).toBe(FlowStatus.inProgress);
    expect(rounds()).toHaveLength(1);
    expect(rounds()[0]!.callees.length).toBeGreaterThan(0);
  });

  test("in progress: the flow's cancel is refused; a waiting node is cancelled, a running one is not; round tasks have their own ids", async () => {
    const { sim, client, parentId, flow, rounds } = await withFlow();
    intoRoundOne(sim);
    expect(flow().status).toBe(FlowStatus.inProgress);
    const detail = await client.recallFlowDetail(flow().keyId);
    expect(detail.ok).toBe(true);
    const nodes = detail.ok ? detail.data.nodeList : [];
    expect(nodes.map((n) => [n.taskId, n.nodeStatus])).toEqual([
      [rounds()[0]!.taskId, NodeStatus.running],
      [null, NodeStatus.waiting],
      [null, NodeStatus.waiting],
    ]);
    expect(rounds()[0]!.taskId).not.toBe(parentId);
    for (const [type, id] of [
      [1, flow().keyId],
      [2, parentId],
      [3, nodes[0]!.keyId],
    ] as const)
      expect(await client.cancelRecallFlow(type, id)).toMatchObject({ ok: false, failure: { code: "-54" } });
    expect(await client.cancelRecallFlow(3, nodes[1]!.keyId)).toMatchObject({ ok: true });
    expect(flow().nodes.map((n) => n.nodeStatus)).toEqual([
      NodeStatus.running,
      NodeStatus.cancelled,
      NodeStatus.cancelled,
    ]);
    expect(flow().status).toBe(FlowStatus.inProgress);
    expect(await client.cancelTasks([rounds()[0]!.taskId])).toMatchObject({ ok: true });
    expect(flow().status).toBe(FlowStatus.cancelled);
    sim.fastForward();
    expect(rounds()).toHaveLength(1);
  });

  test("cancelling a round's task ends that round only: the next round starts after the interval", async () => {
    const { sim, client, flow, rounds } = await withFlow();
    intoRoundOne(sim);
    expect(await client.cancelTasks([rounds()[0]!.taskId])).toMatchObject({ ok: true });
    expect(flow().nodes[0]!.nodeStatus).toBe(NodeStatus.cancelled);
    expect(flow().status).toBe(FlowStatus.inProgress);
    sim.advance(61 * 60_000);
    expect(rounds()).toHaveLength(2);
    expect(rounds()[1]!.round).toBe(2);
  });

  test("pending: the flow's cancel by keyId or by parent task id works once; unknown ids are -24", async () => {
    const { sim, client, parentId, flow, rounds } = await withFlow();
    expect(await client.cancelRecallFlow(1, 999_999)).toMatchObject({ ok: false, failure: { code: "-24" } });
    expect(await client.cancelRecallFlow(2, 999_999)).toMatchObject({ ok: false, failure: { code: "-24" } });
    expect(await client.cancelRecallFlow(2, parentId)).toMatchObject({ ok: true });
    expect(await client.cancelRecallFlow(1, flow().keyId)).toMatchObject({ ok: false, failure: { code: "-54" } });
    expect(await client.queryRecallFlows(WINDOW)).toMatchObject({
      ok: true,
      data: { records: [{ status: FlowStatus.cancelled }] },
    });
    sim.fastForward();
    expect(sim.world.tasks.get(parentId)!.status).toBe(TaskStatus.finished);
    expect(rounds()).toHaveLength(0);
  });
});
