import type { Campaign, NumberInfo, RecallFlow } from "../schema/generated/index.js";

/** The create-task body: the campaign's platform fields (derived from the schema type, not a twin). */
export type CreateTaskBody = Omit<Campaign, "recipientsFile" | "description" | "numberInfoList" | "sendTime"> & {
  sendTime?: string;
  numberInfoList: NumberInfo[];
};

// The order of the platform documentation's example body; tool-only fields are never sent.
const TOP_LEVEL_ORDER = [
  "appId",
  "taskName",
  "displayNum",
  "maxCalls",
  "maxRingingTime",
  "agentId",
  "enableRecording",
  "sendTime",
  "calloutRate",
] as const;
const RECALL_ORDER = ["recallType", "recallInterval", "recallNum", "nodeList", "recallIntent"] as const;
const TEXT_FIELDS = [
  "text1",
  "text2",
  "text3",
  "text4",
  "text5",
  "text6",
  "text7",
  "text8",
  "text9",
  "text10",
] as const;

/**
 * Builds the exact body the platform receives for a validated campaign and its recipients
 * (inline entries and CSV rows). Empty optional fields are omitted; no sendTime = call now.
 */
export function buildCreateTaskBody(campaign: Campaign, recipients: readonly NumberInfo[]): CreateTaskBody {
  const body: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) {
    const value = campaign[key];
    if (value !== undefined && value !== null && value !== "") body[key] = value;
  }
  body["numberInfoList"] = recipients.map(numberInfo);
  if (campaign.recallFlow) body["recallFlow"] = recallFlow(campaign.recallFlow);
  return body as CreateTaskBody;
}

function numberInfo(recipient: NumberInfo): NumberInfo {
  // Entries read from CSV are already clean: reuse them instead of copying a million objects.
  if (isClean(recipient)) return recipient;
  const entry: NumberInfo = { calleeNumber: recipient.calleeNumber };
  for (const key of TEXT_FIELDS) {
    const value = recipient[key];
    if (value !== undefined && value !== "") entry[key] = value;
  }
  return entry;
}

function isClean(recipient: NumberInfo): boolean {
  const keys = Object.keys(recipient);
  if (keys[0] !== "calleeNumber") return false;
  let previous = 0;
  for (let i = 1; i < keys.length; i++) {
    const n = TEXT_FIELDS.indexOf(keys[i] as (typeof TEXT_FIELDS)[number]);
    if (n < previous || recipient[keys[i] as (typeof TEXT_FIELDS)[number]] === "") return false;
    previous = n;
  }
  return true;
}

function recallFlow(flow: RecallFlow): RecallFlow {
  const out: Record<string, unknown> = {};
  for (const key of RECALL_ORDER) {
    const value = flow[key];
    if (key === "recallIntent" && (!Array.isArray(value) || value.length === 0)) continue;
    if (value !== undefined) out[key] = key === "nodeList" ? flow.nodeList.map((n) => ({ agentId: n.agentId })) : value;
  }
  return out as unknown as RecallFlow;
}
