// Checks of the platform's answers at the boundary: code past this point sees typed data only.

/** Task status on the platform (laaffic-api.md, "Query"). */
export const TASK_STATUS = { 0: "waiting", 1: "calling", 2: "finished", 3: "submission-failed", 4: "cancelled", 5: "suspended", 6: "submitting" } as const;
export type TaskStatusCode = keyof typeof TASK_STATUS;

/** Recall flow status (laaffic-api.md, "recall flows"). */
export const RECALL_FLOW_STATUS = { 0: "pending", 1: "in-progress", 2: "completed", 3: "cancelled", 4: "exception" } as const;

/** A recall node's (round's) status: not documented [assumed]; a node without a task has not started. */
export const RECALL_NODE_STATUS = { 0: "waiting", 1: "running", 2: "finished", 3: "cancelled" } as const;

export interface TaskRecord {
  taskId: number;
  taskName: string;
  status: number;
  numCnt?: number;
  callNum?: number;
  success?: number;
  fail?: number;
  rate?: number | string;
  createdTime?: string;
  [field: string]: unknown;
}

export interface Page<T> {
  total: number;
  records: T[];
}

export interface RecallFlowRecord {
  keyId: number;
  taskId: number;
  taskName?: string;
  recallType: number;
  recallInterval: number;
  recallNum: number;
  finishNum?: number;
  status: number;
  [field: string]: unknown;
}

export interface RecallFlowDetail extends RecallFlowRecord {
  /** In round order. `taskId` null: the round's task does not exist yet. */
  nodeList: { keyId: number; taskId: number | null; nodeStatus: number; scriptId?: number | string }[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const toInt = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** Create answers with the task id [assumed: an integer; a numeric string is accepted]. */
export function checkTaskId(data: unknown): number | null {
  if (isObject(data)) return toInt(data["taskId"] ?? data["id"]) ?? null;
  return toInt(data) ?? null;
}

export function checkPage<T>(data: unknown, item: (v: Record<string, unknown>) => T | undefined, what: string): Checked<Page<T>> {
  if (!isObject(data) || !Array.isArray(data["records"])) return { ok: false, problem: `${what}: the answer has no records list` };
  const records: T[] = [];
  for (const raw of data["records"]) {
    const checked = isObject(raw) ? item(raw) : undefined;
    if (!checked) return { ok: false, problem: `${what}: a record lacks its id, name or status` };
    records.push(checked);
  }
  return { ok: true, value: { total: toInt(data["total"]) ?? records.length, records } };
}

export function taskRecord(raw: Record<string, unknown>): TaskRecord | undefined {
  const taskId = toInt(raw["taskId"]);
  const status = toInt(raw["status"]);
  if (taskId === undefined || status === undefined || typeof raw["taskName"] !== "string") return undefined;
  return { ...raw, taskId, status, taskName: raw["taskName"] };
}

export function recallFlowRecord(raw: Record<string, unknown>): RecallFlowRecord | undefined {
  const ints = ["keyId", "taskId", "recallType", "recallInterval", "recallNum", "status"].map((k) => toInt(raw[k]));
  if (ints.some((v) => v === undefined)) return undefined;
  const [keyId, taskId, recallType, recallInterval, recallNum, status] = ints as number[];
  return { ...raw, keyId: keyId!, taskId: taskId!, recallType: recallType!, recallInterval: recallInterval!, recallNum: recallNum!, status: status! };
}

export function checkRecallFlowDetail(data: unknown): Checked<RecallFlowDetail> {
  const flow = isObject(data) ? recallFlowRecord(data) : undefined;
  if (!flow || !isObject(data) || !Array.isArray(data["nodeList"])) return { ok: false, problem: "recall flow detail: the answer lacks the flow or its nodeList" };
  // A node is acted on by its ids (cancel): one without a readable keyId, or with an unreadable
  // task id or status, makes the whole answer unusable rather than silently skipped.
  const nodes = data["nodeList"] as unknown[];
  const nodeList: RecallFlowDetail["nodeList"] = [];
  for (const n of nodes) {
    const keyId = isObject(n) ? toInt(n["keyId"]) : undefined;
    const taskId = isObject(n) && n["taskId"] !== null && n["taskId"] !== undefined && n["taskId"] !== "" && n["taskId"] !== 0 ? toInt(n["taskId"]) : null;
    const nodeStatus = isObject(n) ? toInt(n["nodeStatus"]) : undefined;
    if (!isObject(n) || keyId === undefined || taskId === undefined || nodeStatus === undefined) return { ok: false, problem: "recall flow detail: a node lacks its keyId, task id or status" };
    nodeList.push({ ...n, keyId, taskId, nodeStatus });
  }
  return { ok: true, value: { ...flow, nodeList } };
}
