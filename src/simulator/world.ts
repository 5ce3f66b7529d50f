import { epochMsToWallTime, wallTimeToEpochMs } from "../campaigns/platform-time.js";
import type { SimAccount } from "./accounts.js";
import { drawCall, seededRandom, statusReport, type OutcomeWeights, type PlacedCall } from "./calls.js";
import type { AcceptedTask } from "./validate-request.js";

// Task status codes (laaffic-api.md): 0 waiting, 1 calling, 2 finished, 3 submission failed,
// 4 cancelled, 5 suspended, 6 submitting. Recall flow status: 0 pending, 1 in progress,
// 2 completed, 3 cancelled, 4 exception.
export const TaskStatus = {
  waiting: 0,
  calling: 1,
  finished: 2,
  failed: 3,
  cancelled: 4,
  suspended: 5,
  submitting: 6,
} as const;
export const FlowStatus = { pending: 0, inProgress: 1, completed: 2, cancelled: 3 } as const;
// Node (round) status is not documented [assumed, as our client reads it]: 0 waiting, 1 running,
// 2 finished, 3 cancelled.
export const NodeStatus = { waiting: 0, running: 1, finished: 2, cancelled: 3 } as const;

const SUBMITTING_MS = 2_000;
const WAVE_MS = 30_000;
const CALLS_PER_WAVE = 10;

interface ActiveCall {
  index: number;
  call: PlacedCall;
  startAt: number;
  endAt: number;
}

export interface SimTask {
  taskId: number;
  taskName: string;
  appId: string;
  agentId: number;
  intents: string[];
  task: AcceptedTask;
  /** Indexes into task.numbers of the callees of this task (all of them for a first round). */
  callees: number[];
  status: number;
  createdAt: number;
  sendAt: number;
  statusSince: number;
  nextCall: number;
  active: ActiveCall[];
  success: number;
  fail: number;
  /** Callee indexes a recall round after this one would call again. */
  recallCandidates: number[];
  parentTaskId: number | null;
  round: number;
  flowKeyId: number | null;
}

export interface SimFlow {
  keyId: number;
  taskId: number;
  taskName: string;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  recallIntent: string[];
  agents: string[];
  status: number;
  finishNum: number;
  nextAt: number | null;
  /** The task of the latest round (the parent task before any recall). */
  lastTaskId: number;
  nodes: { keyId: number; taskId: number | null; nodeStatus: number; scriptId: string }[];
}

export interface WorldOptions {
  timeZone: string;
  seed: number;
  outcomes: OutcomeWeights;
  /** Called with each status report when its call ends. */
  emitReport(report: Record<string, unknown>): void;
}

export interface World {
  tasks: Map<number, SimTask>;
  flows: Map<number, SimFlow>;
  names: Set<string>;
  createTask(task: AcceptedTask, account: SimAccount, now: number): SimTask;
  advance(now: number): void;
  /** Cancels one task; its flow (if any) goes on to its next round. */
  cancelTask(task: SimTask, now: number): void;
  /** Cancels a whole flow (the caller checked that it is pending). */
  cancelFlow(flow: SimFlow): void;
  /** Cancels the rounds from node index `from` on (the caller checked that they have not started). */
  cancelNodes(flow: SimFlow, from: number): void;
  wallTime(ms: number): string;
  epoch(wall: string): number;
}

export function createWorld(options: WorldOptions): World {
  const tasks = new Map<number, SimTask>();
  const flows = new Map<number, SimFlow>();
  const names = new Set<string>();
  const random = seededRandom(options.seed);
  let nextTaskId = 100_001;
  let nextKeyId = 5_001;

  const newTask = (
    task: AcceptedTask,
    fields: Partial<SimTask> & Pick<SimTask, "taskName" | "agentId" | "intents" | "callees" | "sendAt" | "createdAt">,
  ): SimTask => {
    const sim: SimTask = {
      taskId: nextTaskId++,
      appId: task.appId,
      task,
      status: fields.sendAt > fields.createdAt ? TaskStatus.waiting : TaskStatus.submitting,
      statusSince: fields.createdAt,
      nextCall: 0,
      active: [],
      success: 0,
      fail: 0,
      recallCandidates: [],
      parentTaskId: null,
      round: 0,
      flowKeyId: null,
      ...fields,
    };
    tasks.set(sim.taskId, sim);
    names.add(sim.taskName);
    return sim;
  };

  const qualifies = (flow: SimFlow, call: PlacedCall): boolean =>
    flow.recallType === 0 ||
    (flow.recallType === 1 ? call.outcome !== "connected" : flow.recallIntent.includes(call.intent));

  /**
   * A round (or the parent) ended, finished or cancelled. The flow is its own object: it goes on
   * to the next round either way — cancelling a task does not cancel its flow.
   */
  const roundEnded = (task: SimTask, now: number, nodeStatus: number): void => {
    const flow = task.flowKeyId !== null ? flows.get(task.flowKeyId) : undefined;
    if (!flow || flow.status === FlowStatus.cancelled || flow.status === FlowStatus.completed) return;
    const node = flow.nodes.find((n) => n.taskId === task.taskId);
    if (node) node.nodeStatus = nodeStatus;
    if (task.round > 0 && nodeStatus === NodeStatus.finished) flow.finishNum++;
    if (flow.nodes.some((n) => n.nodeStatus === NodeStatus.waiting)) flow.nextAt = now + flow.recallInterval * 60_000;
    else endFlow(flow);
  };

  /** No round left to run: completed, or cancelled when a round was stopped. */
  const endFlow = (flow: SimFlow): void => {
    flow.nextAt = null;
    flow.status = flow.nodes.some((n) => n.nodeStatus === NodeStatus.cancelled)
      ? FlowStatus.cancelled
      : FlowStatus.completed;
  };

  const finishTask = (task: SimTask, now: number): void => {
    task.status = TaskStatus.finished;
    task.statusSince = now;
    roundEnded(task, now, NodeStatus.finished);
  };

  const startRound = (flow: SimFlow, now: number): void => {
    const previous = tasks.get(flow.lastTaskId);
    flow.nextAt = null;
    const index = flow.nodes.findIndex((n) => n.nodeStatus === NodeStatus.waiting);
    if (!previous || index < 0) return endFlow(flow);
    const round = index + 1;
    const node = flow.nodes[index]!;
    flow.status = FlowStatus.inProgress;
    const child = newTask(previous.task, {
      taskName: `${flow.taskName}-recall-${round}`,
      agentId: Number(node.scriptId),
      intents: previous.intents,
      callees: previous.recallCandidates,
      sendAt: now,
      createdAt: now,
      parentTaskId: flow.taskId,
      round,
      flowKeyId: flow.keyId,
    });
    flow.lastTaskId = child.taskId;
    node.taskId = child.taskId;
    node.nodeStatus = NodeStatus.running;
    if (child.callees.length === 0) finishTask(child, now);
  };

  const advanceTask = (task: SimTask, now: number): void => {
    if (task.status === TaskStatus.waiting && now >= task.sendAt) {
      task.status = TaskStatus.submitting;
      task.statusSince = Math.max(task.sendAt, task.statusSince);
    }
    if (task.status === TaskStatus.submitting && now >= task.statusSince + SUBMITTING_MS) {
      task.status = TaskStatus.calling;
      task.statusSince = task.statusSince + SUBMITTING_MS;
    }
    if (task.status !== TaskStatus.calling) return;
    const perWave = CALLS_PER_WAVE * task.task.calloutRate;
    while (task.nextCall < task.callees.length) {
      const startAt = task.statusSince + Math.floor(task.nextCall / perWave) * WAVE_MS;
      if (startAt > now) break;
      const call = drawCall(random, options.outcomes, task.intents, task.task.maxRingingTime, task.task.maxCalls);
      task.active.push({ index: task.nextCall, call, startAt, endAt: startAt + 500 + call.ringMs + call.talkMs });
      task.nextCall++;
    }
    const flow = task.flowKeyId !== null ? flows.get(task.flowKeyId) : undefined;
    task.active = task.active.filter((active) => {
      if (active.endAt > now) return true;
      const callee = task.task.numbers[task.callees[active.index]!]!;
      if (active.call.outcome === "connected") task.success++;
      else task.fail++;
      if (flow && qualifies(flow, active.call)) task.recallCandidates.push(task.callees[active.index]!);
      options.emitReport(
        statusReport(active.call, {
          voiceId: `${task.taskId}-${active.index}`,
          taskId: task.taskId,
          sourceTaskId: task.parentTaskId,
          round: task.round,
          callee: callee.calleeNumber,
          displayNum: task.task.displayNum,
          agentId: task.agentId,
          texts: callee.texts,
          submitTime: task.createdAt,
          callTime: active.startAt,
        }),
      );
      return false;
    });
    if (task.nextCall >= task.callees.length && task.active.length === 0) finishTask(task, now);
  };

  return {
    tasks,
    flows,
    names,
    createTask(task, account, now) {
      const sendAt = task.sendTime ? wallTimeToEpochMs(task.sendTime, options.timeZone) : now;
      const intents = account.agents[String(task.agentId)] ?? [];
      const sim = newTask(task, {
        taskName: task.taskName,
        agentId: task.agentId,
        intents,
        callees: task.numbers.map((_, i) => i),
        sendAt,
        createdAt: now,
      });
      if (task.recallFlow) {
        const flow: SimFlow = {
          keyId: nextKeyId++,
          taskId: sim.taskId,
          taskName: task.taskName,
          ...task.recallFlow,
          status: FlowStatus.pending,
          finishNum: 0,
          nextAt: null,
          lastTaskId: sim.taskId,
          nodes: task.recallFlow.agents.map((scriptId) => ({
            keyId: nextKeyId++,
            taskId: null,
            nodeStatus: NodeStatus.waiting,
            scriptId,
          })),
        };
        flows.set(flow.keyId, flow);
        sim.flowKeyId = flow.keyId;
      }
      return sim;
    },
    advance(now) {
      for (const task of tasks.values())
        if (task.status !== TaskStatus.finished && task.status !== TaskStatus.cancelled) advanceTask(task, now);
      for (const flow of flows.values())
        if (
          flow.nextAt !== null &&
          flow.nextAt <= now &&
          (flow.status === FlowStatus.pending || flow.status === FlowStatus.inProgress)
        )
          startRound(flow, now);
    },
    cancelTask(task, now) {
      task.status = TaskStatus.cancelled;
      task.statusSince = now;
      task.active = [];
      roundEnded(task, now, NodeStatus.cancelled);
    },
    cancelFlow(flow) {
      flow.status = FlowStatus.cancelled;
      flow.nextAt = null;
      for (const node of flow.nodes) if (node.nodeStatus === NodeStatus.waiting) node.nodeStatus = NodeStatus.cancelled;
    },
    cancelNodes(flow, from) {
      for (const node of flow.nodes.slice(from)) node.nodeStatus = NodeStatus.cancelled;
      // A round still ringing ends the flow when it ends; with none, the flow ends now.
      if (!flow.nodes.some((n) => n.nodeStatus === NodeStatus.running)) endFlow(flow);
    },
    wallTime: (ms) => epochMsToWallTime(ms, options.timeZone),
    epoch: (wall) => wallTimeToEpochMs(wall, options.timeZone),
  };
}
