// Checks of the platform's answers at the boundary: code past this point sees typed data only.
import { maskSensitiveText } from "../privacy/index.js";
import { CREATE_ANSWER_ID_KEYS } from "./assumptions.js";

/** Task status on the platform (laaffic-api.md, "Query"). */
export const TASK_STATUS = {
  0: "waiting",
  1: "calling",
  2: "finished",
  3: "submission-failed",
  4: "cancelled",
  5: "suspended",
  6: "submitting",
} as const;
export type TaskStatusCode = keyof typeof TASK_STATUS;

/** Recall flow status (laaffic-api.md, "recall flows"). */
export const RECALL_FLOW_STATUS = {
  0: "pending",
  1: "in-progress",
  2: "completed",
  3: "cancelled",
  4: "exception",
} as const;

/** A recall node's (round's) status: not documented [assumed, see assumptions.ts]. */
export { ASSUMED_RECALL_NODE_STATUS as RECALL_NODE_STATUS } from "./assumptions.js";

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
const toInt = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : undefined;

/**
 * What a create's success said: a task id; no id at all (`submitted`, filled in later by exact
 * name); or something that is not an id (`nonsense`: the outcome is unknown). `shape` is the
 * answer's keys and types, never its values, so it can be shown and stored.
 */
export type CreateAnswer =
  { kind: "id"; taskId: number } | { kind: "no-id"; shape: string } | { kind: "nonsense"; shape: string };

const positiveId = (v: unknown): number | undefined => {
  const n = toInt(v);
  return n !== undefined && n > 0 && Number.isSafeInteger(n) ? n : undefined;
};
const absent = (v: unknown): boolean => v === null || v === undefined || v === "";

/** The task id of a create answer: see CREATE_ANSWER_ID_KEYS for what is read [assumed]. */
export function checkCreateAnswer(data: unknown): CreateAnswer {
  const shape = answerShape(data);
  if (absent(data)) return { kind: "no-id", shape };
  if (isObject(data)) {
    const key = CREATE_ANSWER_ID_KEYS.find((k) => Object.hasOwn(data, k) && !absent(data[k]));
    if (key === undefined) return { kind: "no-id", shape };
    const taskId = positiveId(data[key]);
    return taskId !== undefined ? { kind: "id", taskId } : { kind: "nonsense", shape };
  }
  const taskId = positiveId(data);
  return taskId !== undefined ? { kind: "id", taskId } : { kind: "nonsense", shape };
}

/** `{"result": string, "n": number}`, `number`, `array of 3`: keys and types, masked; values never. */
export function answerShape(data: unknown): string {
  const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (!isObject(data)) return Array.isArray(data) ? `array of ${data.length}` : typeOf(data);
  const keys = Object.keys(data);
  const shown = keys
    .slice(0, MAX_SHAPE_KEYS)
    .map((k) => `${JSON.stringify(maskSensitiveText(k.slice(0, 40)))}: ${typeOf(data[k])}`);
  return `{${shown.join(", ")}${keys.length > MAX_SHAPE_KEYS ? `, … ${keys.length - MAX_SHAPE_KEYS} more` : ""}}`;
}

const MAX_SHAPE_KEYS = 10;

export function checkPage<T>(
  data: unknown,
  item: (v: Record<string, unknown>) => T | undefined,
  what: string,
): Checked<Page<T>> {
  if (!isObject(data) || !Array.isArray(data["records"]))
    return { ok: false, problem: `${what}: the answer has no records list` };
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
  return {
    ...raw,
    keyId: keyId!,
    taskId: taskId!,
    recallType: recallType!,
    recallInterval: recallInterval!,
    recallNum: recallNum!,
    status: status!,
  };
}

export function checkRecallFlowDetail(data: unknown): Checked<RecallFlowDetail> {
  const flow = isObject(data) ? recallFlowRecord(data) : undefined;
  if (!flow || !isObject(data) || !Array.isArray(data["nodeList"]))
    return { ok: false, problem: "recall flow detail: the answer lacks the flow or its nodeList" };
  // A node is acted on by its ids (cancel): one without a readable keyId, or with an unreadable
  // task id or status, makes the whole answer unusable rather than silently skipped.
  const nodes = data["nodeList"] as unknown[];
  const nodeList: RecallFlowDetail["nodeList"] = [];
  for (const n of nodes) {
    const keyId = isObject(n) ? toInt(n["keyId"]) : undefined;
    const taskId =
      isObject(n) && n["taskId"] !== null && n["taskId"] !== undefined && n["taskId"] !== "" && n["taskId"] !== 0
        ? toInt(n["taskId"])
        : null;
    const nodeStatus = isObject(n) ? toInt(n["nodeStatus"]) : undefined;
    if (!isObject(n) || keyId === undefined || taskId === undefined || nodeStatus === undefined)
      return { ok: false, problem: "recall flow detail: a node lacks its keyId, task id or status" };
    nodeList.push({ ...n, keyId, taskId, nodeStatus });
  }
  return { ok: true, value: { ...flow, nodeList } };
}
