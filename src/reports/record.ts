import { maskPhoneNumber } from "../privacy/index.js";

/** How a call ended, in the classes the outcomes report counts. */
export type OutcomeClass = "connected" | "noAnswer" | "busy" | "voicemail" | "failed";
export const OUTCOME_CLASSES: readonly OutcomeClass[] = ["connected", "noAnswer", "busy", "voicemail", "failed"];

// callStatus of the push [assumed from the sibling voice push]: 10 busy, 20 no answer,
// 30 not connected (other), 40 voicemail, 50 connected, 60 other.
const BY_CALL_STATUS: Record<number, OutcomeClass> = { 10: "busy", 20: "noAnswer", 30: "failed", 40: "voicemail", 50: "connected", 60: "failed" };

/** One pushed call report, with the columns the store indexes and aggregates. */
export interface CallReport {
  voiceId: string;
  taskId: number | null;
  sourceTaskId: number | null;
  recallRound: number | null;
  callee: string | null;
  outcome: OutcomeClass;
  intent: string | null;
  talkSeconds: number;
  aiAgentBilledSeconds: number;
  cost: number;
  aiAgentFee: number;
  currency: string | null;
  hangupTime: number | null;
  /** Every field as pushed, unknown ones included. */
  raw: Record<string, unknown>;
}

export interface BadRecord {
  index: number;
  reason: string;
}

export interface ParsedBatch {
  reports: CallReport[];
  bad: BadRecord[];
}

/** A push body: {"array": [...]}, a bare array, or one record. */
export function recordsOf(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") {
    const array = (body as Record<string, unknown>)["array"];
    if (Array.isArray(array)) return array;
    return [body];
  }
  return undefined;
}

export function parseBatch(records: readonly unknown[]): ParsedBatch {
  const reports: CallReport[] = [];
  const bad: BadRecord[] = [];
  records.forEach((record, index) => {
    const parsed = parseReport(record);
    if (typeof parsed === "string") bad.push({ index, reason: parsed });
    else reports.push(parsed);
  });
  return { reports, bad };
}

function parseReport(value: unknown): CallReport | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const raw = value as Record<string, unknown>;
  const voiceId = raw["voiceId"];
  if ((typeof voiceId !== "string" || voiceId.trim() === "") && !(typeof voiceId === "number" && Number.isSafeInteger(voiceId))) return "voiceId is missing";
  if (String(voiceId).length > 128) return "voiceId is longer than 128 characters";
  const callStatus = int(raw["callStatus"]);
  const termination = raw["terminationCode"] === undefined || raw["terminationCode"] === null ? null : String(raw["terminationCode"]);
  const outcome = (callStatus !== null ? BY_CALL_STATUS[callStatus] : undefined) ?? (termination === "0" ? "connected" : "failed");
  return {
    voiceId: String(voiceId),
    taskId: int(raw["taskId"]),
    sourceTaskId: int(raw["sourceTaskId"]),
    recallRound: int(raw["outRecallCount"]),
    callee: typeof raw["callee"] === "string" || typeof raw["callee"] === "number" ? String(raw["callee"]) : null,
    outcome,
    intent: raw["intent"] === undefined || raw["intent"] === null || raw["intent"] === "" ? null : String(raw["intent"]).slice(0, 32),
    talkSeconds: int(raw["chargedDuration"]) ?? 0,
    aiAgentBilledSeconds: int(raw["aiAgentBillPeriod"]) ?? int(raw["aiAgentChargedDuration"]) ?? 0,
    cost: decimal(raw["cost"]),
    aiAgentFee: decimal(raw["aiAgentQuoteFee"]),
    currency: typeof raw["currency"] === "string" ? raw["currency"].slice(0, 8) : null,
    hangupTime: int(raw["hangupTime"]),
    raw,
  };
}

/** What the store keeps of a record: numbers and text variables only when the config asks for them. */
export function storedRecord(report: CallReport, storeNumbers: boolean): Record<string, unknown> {
  if (storeNumbers) return report.raw;
  const kept: Record<string, unknown> = { ...report.raw };
  if (report.callee !== null) kept["callee"] = maskPhoneNumber(report.callee);
  if (typeof kept["displayNum"] === "string") kept["displayNum"] = maskPhoneNumber(kept["displayNum"]);
  if (kept["calledInfo"] !== undefined) kept["calledInfo"] = "(not stored: set reports.storeNumbers to keep text variables)";
  return kept;
}

function int(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

function decimal(value: unknown): number {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}
