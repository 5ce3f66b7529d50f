import type { SimAccount } from "./accounts.js";

// The platform's own checks of a create request, in its order, written independently of our
// schema so that tests against the simulator catch mistakes in the schema too.

export type Refusal = { code: string; msg: string };
export const MAX_NUMBERS = 200_000;
const SEND_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const TEXT_LIMIT = 30;

export interface AcceptedTask {
  appId: string;
  taskName: string;
  agentId: number;
  displayNum: string;
  maxCalls: number;
  maxRingingTime: number;
  enableRecording: number;
  sendTime: string | null;
  calloutRate: number;
  numbers: { calleeNumber: string; texts: Record<string, string> }[];
  recallFlow: {
    recallType: number;
    recallInterval: number;
    recallNum: number;
    agents: string[];
    recallIntent: string[];
  } | null;
}

type Body = Record<string, unknown>;
const param = (msg: string): Refusal => ({ code: "-22", msg: `parameter exception: ${msg}` });
const invalid = (msg: string): Refusal => ({ code: "-21", msg: `data validation exception: ${msg}` });
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

export function checkCreateRequest(
  body: Body,
  account: SimAccount,
  existingNames: ReadonlySet<string>,
): AcceptedTask | Refusal {
  const shape = checkShape(body);
  if (shape) return shape;
  const ranges = checkRanges(body);
  if (ranges) return ranges;
  const flow = body["recallFlow"] as Body | undefined | null;
  if (flow) {
    const nodes = flow["nodeList"] as unknown[];
    if (nodes.length !== flow["recallNum"])
      return param(`nodeList has ${nodes.length} entries but recallNum is ${String(flow["recallNum"])}`);
  }
  if (!account.appIds.includes(body["appId"] as string))
    return { code: "-32", msg: "API key has no permission for the application" };
  const intents = account.agents[String(body["agentId"])];
  if (!intents) return { code: "-24", msg: `data does not exist: agentId ${String(body["agentId"])}` };
  const recallIntent = (flow?.["recallIntent"] as string[] | undefined) ?? [];
  const foreign = recallIntent.find((i) => !intents.includes(i));
  if (foreign !== undefined)
    return { code: "-67", msg: `recallIntent ${foreign} does not match the agent's industry intents` };
  if (existingNames.has(body["taskName"] as string)) return { code: "-20", msg: "data exists: taskName already used" };
  const list = body["numberInfoList"] as Body[];
  if (list.length > MAX_NUMBERS) return { code: "-23", msg: `data caps: at most ${MAX_NUMBERS} numbers per task` };
  return accepted(body, flow ?? null);
}

function checkShape(body: Body): Refusal | undefined {
  for (const field of ["appId", "taskName", "agentId", "numberInfoList"]) {
    if (body[field] === undefined || body[field] === null || body[field] === "") return param(`${field} is required`);
  }
  const strings = ["appId", "taskName", "displayNum"];
  for (const f of strings)
    if (body[f] !== undefined && typeof body[f] !== "string") return param(`${f} must be a string`);
  for (const f of ["agentId", "maxCalls", "maxRingingTime", "enableRecording", "calloutRate"]) {
    if (body[f] !== undefined && !isInt(body[f])) return param(`${f} must be an integer`);
  }
  if (body["sendTime"] !== undefined && body["sendTime"] !== null && typeof body["sendTime"] !== "string")
    return param("sendTime must be a string");
  const list = body["numberInfoList"];
  if (!Array.isArray(list) || list.length === 0) return param("numberInfoList must be a non-empty list");
  for (const entry of list) {
    if (entry === null || typeof entry !== "object" || typeof (entry as Body)["calleeNumber"] !== "string")
      return param("numberInfoList[].calleeNumber must be a string");
  }
  const flow = body["recallFlow"];
  if (flow === undefined || flow === null) return undefined;
  if (typeof flow !== "object") return param("recallFlow must be an object");
  const f = flow as Body;
  for (const k of ["recallType", "recallInterval", "recallNum"])
    if (!isInt(f[k])) return param(`recallFlow.${k} must be an integer`);
  if (!Array.isArray(f["nodeList"])) return param("recallFlow.nodeList is required");
  if (f["recallType"] === 3 && (!Array.isArray(f["recallIntent"]) || f["recallIntent"].length === 0))
    return param("recallFlow.recallIntent is required for recall by intent");
  if (
    f["recallIntent"] !== undefined &&
    (!Array.isArray(f["recallIntent"]) || f["recallIntent"].some((i) => typeof i !== "string"))
  )
    return param("recallFlow.recallIntent must be a list of strings");
  return undefined;
}

function checkRanges(body: Body): Refusal | undefined {
  const name = body["taskName"] as string;
  if (name.length < 2 || name.length > 64) return invalid("taskName must be 2-64 characters");
  if (body["displayNum"] !== undefined && !/^\d{0,20}$/.test(body["displayNum"] as string))
    return invalid("displayNum must be 0-20 digits");
  const ranges: [string, number, number][] = [
    ["maxCalls", 1, 999],
    ["maxRingingTime", 20, 120],
    ["enableRecording", 0, 1],
    ["calloutRate", 1, 100],
  ];
  for (const [f, lo, hi] of ranges) {
    const v = body[f] as number | undefined;
    if (v !== undefined && (v < lo || v > hi)) return invalid(`${f} must be ${lo}-${hi}`);
  }
  if (typeof body["sendTime"] === "string" && !isRealWallTime(body["sendTime"]))
    return invalid("sendTime must be yyyy-MM-dd HH:mm:ss");
  for (const entry of body["numberInfoList"] as Body[]) {
    if (!/^\d{6,18}$/.test(entry["calleeNumber"] as string)) return invalid("calleeNumber must be 6-18 digits");
  }
  const flow = body["recallFlow"] as Body | undefined | null;
  if (!flow) return undefined;
  if (![0, 1, 3].includes(flow["recallType"] as number)) return invalid("recallFlow.recallType must be 0, 1 or 3");
  const interval = flow["recallInterval"] as number;
  if (interval < 1 || interval > 1440) return invalid("recallFlow.recallInterval must be 1-1440");
  const num = flow["recallNum"] as number;
  if (num < 1 || num > 10) return invalid("recallFlow.recallNum must be 1-10");
  return undefined;
}

function isRealWallTime(text: string): boolean {
  const m = SEND_TIME.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

function accepted(body: Body, flow: Body | null): AcceptedTask {
  const numbers = (body["numberInfoList"] as Body[]).map((entry) => {
    const texts: Record<string, string> = {};
    for (let i = 1; i <= 10; i++) {
      const v = entry[`text${i}`];
      // The platform truncates long variables silently (laaffic-api.md); so does the simulator.
      if (typeof v === "string" && v !== "") texts[`text${i}`] = [...v].slice(0, TEXT_LIMIT).join("");
    }
    return { calleeNumber: entry["calleeNumber"] as string, texts };
  });
  return {
    appId: body["appId"] as string,
    taskName: body["taskName"] as string,
    agentId: body["agentId"] as number,
    displayNum: (body["displayNum"] as string | undefined) ?? "",
    maxCalls: (body["maxCalls"] as number | undefined) ?? 300,
    maxRingingTime: (body["maxRingingTime"] as number | undefined) ?? 60,
    enableRecording: (body["enableRecording"] as number | undefined) ?? 0,
    sendTime: (body["sendTime"] as string | null | undefined) ?? null,
    calloutRate: (body["calloutRate"] as number | undefined) ?? 1,
    numbers,
    recallFlow: flow
      ? {
          recallType: flow["recallType"] as number,
          recallInterval: flow["recallInterval"] as number,
          recallNum: flow["recallNum"] as number,
          agents: (flow["nodeList"] as Body[]).map((n) => String(n["agentId"] ?? n["scriptId"] ?? "")),
          recallIntent: (flow["recallIntent"] as string[] | undefined) ?? [],
        }
      : null,
  };
}
