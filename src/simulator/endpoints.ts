import type { SimAccount } from "./accounts.js";
import type { EndpointName } from "./faults.js";
import { checkCreateRequest } from "./validate-request.js";
import { FlowStatus, NodeStatus, TaskStatus, type SimFlow, type SimTask, type World } from "./world.js";

export type Envelope = { code: string; msg: string; data: unknown };
type Body = Record<string, unknown>;

const ok = (data: unknown): Envelope => ({ code: "0", msg: "success", data });
const refuse = (code: string, msg: string): Envelope => ({ code, msg, data: null });
const WALL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const CANCELLABLE = new Set<number>([
  TaskStatus.waiting,
  TaskStatus.calling,
  TaskStatus.suspended,
  TaskStatus.submitting,
]);

/** How a create's success carries the task id: the docs do not show it, so the simulator speaks each reading. */
export const CREATE_ANSWERS = ["int", "jobId", "null"] as const;
export type CreateAnswerForm = (typeof CREATE_ANSWERS)[number];

export interface EndpointContext {
  world: World;
  account: SimAccount;
  now: number;
  createAnswer: CreateAnswerForm;
  onCreated(task: SimTask): void;
}

export function handleEndpoint(endpoint: EndpointName, body: Body, ctx: EndpointContext): Envelope {
  switch (endpoint) {
    case "create":
      return create(body, ctx);
    case "query":
      return queryTasks(body, ctx);
    case "cancel":
      return cancelTasks(body, ctx);
    case "recallQueryPage":
      return queryFlows(body, ctx);
    case "recallQueryDetail":
      return withFlow(ctx, body["keyId"], (flow) => ok(flowDetail(flow)));
    case "recallUpdate":
      return updateFlow(body, ctx);
    case "recallCancel":
      return cancelFlow(body, ctx);
  }
}

function create(body: Body, ctx: EndpointContext): Envelope {
  const checked = checkCreateRequest(body, ctx.account, ctx.world.names);
  if ("code" in checked) return refuse(checked.code, checked.msg);
  const task = ctx.world.createTask(checked, ctx.account, ctx.now);
  ctx.onCreated(task);
  return ok(ctx.createAnswer === "jobId" ? { jobId: task.taskId } : ctx.createAnswer === "null" ? null : task.taskId);
}

function page(body: Body): { current: number; size: number; params: Body } | Envelope {
  const current = body["current"];
  const size = body["size"];
  const params = body["params"];
  if (!Number.isInteger(current) || (current as number) < 1)
    return refuse("-22", "parameter exception: current must be an integer >= 1");
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > 100)
    return refuse("-22", "parameter exception: size must be 1-100");
  if (!params || typeof params !== "object") return refuse("-22", "parameter exception: params is required");
  const p = params as Body;
  if (
    typeof p["strTime"] !== "string" ||
    typeof p["endTime"] !== "string" ||
    !WALL.test(p["strTime"]) ||
    !WALL.test(p["endTime"])
  )
    return refuse("-11", "time format error: strTime and endTime are yyyy-MM-dd HH:mm:ss");
  return { current: current as number, size: size as number, params: p };
}

function slice<T>(items: T[], current: number, size: number): { total: number; records: T[] } {
  return { total: items.length, records: items.slice((current - 1) * size, current * size) };
}

function ownTasks(ctx: EndpointContext): SimTask[] {
  return [...ctx.world.tasks.values()].filter((t) => ctx.account.appIds.includes(t.appId));
}

function queryTasks(body: Body, ctx: EndpointContext): Envelope {
  const paging = page(body);
  if ("code" in paging) return paging;
  const { strTime, endTime, statusList, idxAppId, searchCondition } = paging.params as {
    strTime: string;
    endTime: string;
    statusList?: unknown;
    idxAppId?: unknown;
    searchCondition?: unknown;
  };
  const from = ctx.world.epoch(strTime);
  const to = ctx.world.epoch(endTime);
  const matches = ownTasks(ctx).filter(
    (t) =>
      t.createdAt >= from &&
      t.createdAt <= to + 999 &&
      (!Array.isArray(statusList) || statusList.includes(t.status)) &&
      (typeof idxAppId !== "string" || idxAppId === t.appId) &&
      (typeof searchCondition !== "string" || t.taskName.includes(searchCondition)),
  );
  const { total, records } = slice(matches, paging.current, paging.size);
  return ok({
    total,
    current: paging.current,
    size: paging.size,
    records: records.map((t) => taskRecord(t, ctx.world)),
  });
}

function taskRecord(t: SimTask, world: World): Record<string, unknown> {
  const called = t.success + t.fail;
  return {
    taskId: t.taskId,
    taskName: t.taskName,
    taskType: 3,
    appId: t.appId,
    status: t.status,
    rate: t.callees.length === 0 ? "100%" : `${Math.round((called / t.callees.length) * 100)}%`,
    numCnt: t.callees.length,
    callNum: called,
    success: t.success,
    fail: t.fail,
    createdTime: world.wallTime(t.createdAt),
    sendTime: t.task.sendTime,
    ...(t.parentTaskId !== null ? { sourceTaskId: t.parentTaskId } : {}),
  };
}

function cancelTasks(body: Body, ctx: EndpointContext): Envelope {
  const ids = body["taskIdList"];
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every(Number.isInteger))
    return refuse("-22", "parameter exception: taskIdList must be a non-empty list of task ids");
  const own = new Map(ownTasks(ctx).map((t) => [t.taskId, t]));
  const tasks = ids.map((id) => own.get(id as number));
  if (tasks.some((t) => !t)) return refuse("-24", "data does not exist: unknown task id");
  if (tasks.some((t) => !CANCELLABLE.has(t!.status)))
    return refuse("-54", "submitted task is wrong: a task has already finished or was cancelled");
  for (const task of tasks) ctx.world.cancelTask(task!, ctx.now);
  return ok(null);
}

function ownFlows(ctx: EndpointContext): SimFlow[] {
  const own = new Set(ownTasks(ctx).map((t) => t.taskId));
  return [...ctx.world.flows.values()].filter((f) => own.has(f.taskId));
}

function queryFlows(body: Body, ctx: EndpointContext): Envelope {
  const paging = page(body);
  if ("code" in paging) return paging;
  const from = ctx.world.epoch(paging.params["strTime"] as string);
  const to = ctx.world.epoch(paging.params["endTime"] as string);
  const name = paging.params["taskName"];
  const matches = ownFlows(ctx).filter((f) => {
    const parent = ctx.world.tasks.get(f.taskId)!;
    return (
      parent.createdAt >= from &&
      parent.createdAt <= to + 999 &&
      (typeof name !== "string" || f.taskName.includes(name))
    );
  });
  const { total, records } = slice(matches, paging.current, paging.size);
  return ok({ total, records: records.map(flowRecord) });
}

function flowRecord(f: SimFlow): Record<string, unknown> {
  return {
    keyId: f.keyId,
    taskId: f.taskId,
    taskName: f.taskName,
    recallType: f.recallType,
    recallInterval: f.recallInterval,
    recallNum: f.recallNum,
    finishNum: f.finishNum,
    status: f.status,
  };
}

function flowDetail(f: SimFlow): Record<string, unknown> {
  return {
    ...flowRecord(f),
    recallIntent: f.recallIntent,
    nodeList: f.nodes.map((n) => ({
      keyId: n.keyId,
      taskId: n.taskId,
      nodeStatus: n.nodeStatus,
      scriptId: Number(n.scriptId),
    })),
  };
}

function withFlow(ctx: EndpointContext, keyId: unknown, then: (flow: SimFlow) => Envelope): Envelope {
  if (!Number.isInteger(keyId)) return refuse("-22", "parameter exception: keyId is required");
  const flow = ownFlows(ctx).find((f) => f.keyId === keyId);
  return flow ? then(flow) : refuse("-24", "data does not exist: unknown recall flow");
}

function updateFlow(body: Body, ctx: EndpointContext): Envelope {
  return withFlow(ctx, body["keyId"], (flow) => {
    if (flow.status !== FlowStatus.pending)
      return refuse("-54", "submitted task is wrong: the recall flow is no longer pending");
    const { recallType, recallInterval, recallNum, recallIntent, nodeList } = body as {
      recallType: unknown;
      recallInterval: unknown;
      recallNum: unknown;
      recallIntent?: unknown;
      nodeList?: unknown;
    };
    if (![0, 1, 3].includes(recallType as number))
      return refuse("-21", "data validation exception: recallType must be 0, 1 or 3");
    if (!Number.isInteger(recallInterval) || (recallInterval as number) < 1 || (recallInterval as number) > 1440)
      return refuse("-21", "data validation exception: recallInterval must be 1-1440");
    if (!Number.isInteger(recallNum) || (recallNum as number) < 1 || (recallNum as number) > 10)
      return refuse("-21", "data validation exception: recallNum must be 1-10");
    const nodes = Array.isArray(nodeList) ? nodeList.map((n) => String((n as Body)["scriptId"] ?? "")) : flow.agents;
    if (nodes.length !== recallNum)
      return refuse(
        "-22",
        `parameter exception: nodeList has ${nodes.length} entries but recallNum is ${String(recallNum)}`,
      );
    const intents = Array.isArray(recallIntent) ? recallIntent.map(String) : [];
    if (recallType === 3 && intents.length === 0)
      return refuse("-22", "parameter exception: recallIntent is required for recall by intent");
    const parent = ctx.world.tasks.get(flow.taskId)!;
    const foreign = intents.find((i) => !parent.intents.includes(i));
    if (foreign !== undefined)
      return refuse("-67", `recallIntent ${foreign} does not match the agent's industry intents`);
    Object.assign(flow, { recallType, recallInterval, recallNum, recallIntent: intents, agents: nodes });
    flow.nodes = nodes.map((scriptId, i) => ({
      keyId: flow.nodes[i]?.keyId ?? flow.keyId * 100 + i,
      taskId: null,
      nodeStatus: NodeStatus.waiting,
      scriptId,
    }));
    return ok(null);
  });
}

/**
 * `{type, id}`: 1 a flow by keyId, 2 the flow of a parent task id — only while the flow is
 * pending; 3 a node keyId, that round and the later ones — only while that round has not started
 * (the docs say "only while pending"; for a node the simulator reads it as the node's own state).
 */
function cancelFlow(body: Body, ctx: EndpointContext): Envelope {
  const { type, id } = body as { type: unknown; id: unknown };
  if (![1, 2, 3].includes(type as number) || !Number.isInteger(id))
    return refuse("-22", "parameter exception: type is 1, 2 or 3 and id an integer");
  const flows = ownFlows(ctx);
  const flow =
    type === 1
      ? flows.find((f) => f.keyId === id)
      : type === 2
        ? flows.find((f) => f.taskId === id)
        : flows.find((f) => f.nodes.some((n) => n.keyId === id));
  if (!flow) return refuse("-24", "data does not exist: unknown recall flow");
  if (type === 3) {
    const from = flow.nodes.findIndex((n) => n.keyId === id);
    const open = flow.status === FlowStatus.pending || flow.status === FlowStatus.inProgress;
    if (!open || flow.nodes[from]!.nodeStatus !== NodeStatus.waiting)
      return refuse("-54", "submitted task is wrong: the recall node has already started or ended");
    ctx.world.cancelNodes(flow, from);
    return ok(null);
  }
  if (flow.status !== FlowStatus.pending)
    return refuse("-54", "submitted task is wrong: the recall flow is no longer pending");
  ctx.world.cancelFlow(flow);
  return ok(null);
}
