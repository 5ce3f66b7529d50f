import {
  ASSUMED_CALL_STATUS_OUTCOME,
  ASSUMED_CONNECTED_TERMINATION_CODES,
  ASSUMED_SIP_CODE_OUTCOME,
} from "../laaffic/assumptions.js";
import { maskPhoneNumber, maskSensitiveText } from "../privacy/index.js";
import { readReportTime, type ReportTimeContext } from "./report-time.js";

/** How a call ended, in the classes the outcomes report counts. */
export type OutcomeClass = "connected" | "noAnswer" | "busy" | "voicemail" | "failed";
export const OUTCOME_CLASSES: readonly OutcomeClass[] = ["connected", "noAnswer", "busy", "voicemail", "failed"];

const REPORT_TIME_FIELDS = ["submitTime", "callTime", "ringingTime", "answerTime", "hangupTime"] as const;

/** One pushed call report, with the columns the store indexes and aggregates. */
export interface CallReport {
  voiceId: string;
  taskId: number | null;
  sourceTaskId: number | null;
  recallRound: number | null;
  callee: string | null;
  /** The caller id as text (masked before it is stored unless reports.storeNumbers). */
  displayNum: string | null;
  outcome: OutcomeClass;
  intent: string | null;
  /** chargedDuration: billed line time, seconds, rounded up to billPeriod by the platform. */
  billedLineSeconds: number;
  /** aiAgentChargedDuration: AI-agent billed time, seconds (aiAgentBillPeriod is a period like "60+60", never seconds). */
  aiAgentBilledSeconds: number;
  cost: number;
  aiAgentFee: number;
  currency: string | null;
  hangupTime: number | null;
  /** Report times present but unreadable or out of the sanity window: dropped, counted. */
  unreadableTimes: number;
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

/** Reads a batch; times are read on the platform's clock (`timeZone`) and checked against `now`. */
export function parseBatch(records: readonly unknown[], times: ReportTimeContext): ParsedBatch {
  const reports: CallReport[] = [];
  const bad: BadRecord[] = [];
  records.forEach((record, index) => {
    const parsed = parseReport(record, times);
    if (typeof parsed === "string") bad.push({ index, reason: parsed });
    else reports.push(parsed);
  });
  return { reports, bad };
}

function parseReport(value: unknown, times: ReportTimeContext): CallReport | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const raw = value as Record<string, unknown>;
  const voiceId = raw["voiceId"];
  if (typeof voiceId === "number" && !Number.isSafeInteger(voiceId))
    return "voiceId is a number that cannot be read exactly; send it as a string";
  if (voiceId === undefined || voiceId === null || (typeof voiceId === "string" && voiceId.trim() === ""))
    return "voiceId is missing";
  if (typeof voiceId !== "string" && typeof voiceId !== "number")
    return `voiceId must be a string, not ${Array.isArray(voiceId) ? "a list" : typeof voiceId === "object" ? "an object" : `a ${typeof voiceId}`}`;
  if (String(voiceId).length > 128) return "voiceId is longer than 128 characters";
  // A number field that is not a number cannot be masked reliably: the record is refused, named.
  const callee = phoneField(raw, "callee");
  if (typeof callee === "object" && callee !== null) return callee.problem;
  const displayNum = phoneField(raw, "displayNum");
  if (typeof displayNum === "object" && displayNum !== null) return displayNum.problem;
  let unreadableTimes = 0;
  let hangupTime: number | null = null;
  for (const field of REPORT_TIME_FIELDS) {
    const time = readReportTime(raw[field], times);
    if (!time.absent && time.epochMs === null) unreadableTimes++;
    if (field === "hangupTime" && !time.absent) hangupTime = time.epochMs;
  }
  return {
    voiceId: String(voiceId),
    taskId: int(raw["taskId"]),
    sourceTaskId: int(raw["sourceTaskId"]),
    recallRound: int(raw["outRecallCount"]),
    callee,
    displayNum,
    outcome: outcomeOf(raw),
    intent:
      raw["intent"] === undefined || raw["intent"] === null || raw["intent"] === ""
        ? null
        : maskSensitiveText(String(raw["intent"]).slice(0, 32)), // a code; a number in its place is masked
    billedLineSeconds: seconds(raw["chargedDuration"]),
    aiAgentBilledSeconds: seconds(raw["aiAgentChargedDuration"]),
    cost: decimal(raw["cost"]),
    aiAgentFee: decimal(raw["aiAgentQuoteFee"]),
    currency: typeof raw["currency"] === "string" ? raw["currency"].slice(0, 8) : null,
    hangupTime,
    unreadableTimes,
    raw,
  };
}

/** callStatus when present [assumed codes]; else a known sipCode; else terminationCode; else failed. */
function outcomeOf(raw: Record<string, unknown>): OutcomeClass {
  const callStatus = int(raw["callStatus"]);
  const byStatus = callStatus === null ? undefined : ownCode(ASSUMED_CALL_STATUS_OUTCOME, String(callStatus));
  if (byStatus) return byStatus;
  const sipCode = int(raw["sipCode"]);
  const bySip = sipCode === null ? undefined : ownCode(ASSUMED_SIP_CODE_OUTCOME, String(sipCode));
  if (bySip) return bySip;
  const termination = raw["terminationCode"];
  const code =
    typeof termination === "string"
      ? termination.trim()
      : typeof termination === "number"
        ? String(termination)
        : undefined;
  return code !== undefined && ASSUMED_CONNECTED_TERMINATION_CODES.includes(code) ? "connected" : "failed";
}

const ownCode = <T>(table: Readonly<Record<string, T>>, code: string): T | undefined =>
  Object.hasOwn(table, code) ? table[code] : undefined;

/** A duration in whole seconds; anything else (negative, a fraction, "60+60") is no duration. */
const seconds = (value: unknown): number => {
  const n = int(value);
  return n !== null && n >= 0 && n <= 2_147_483_647 ? n : 0;
};

// Fields documented as ids, times and amounts: kept exactly as pushed (when they are plain values).
// Codes and free text (intent, sipCode, recordingFileId, …) go through masking like any text:
// a short code stays as it is, a number hidden in one (a recording URL) does not survive.
const EXACT_FIELDS = new Set([
  "voiceId",
  "type",
  "taskId",
  "sourceTaskId",
  "outRecallCount",
  "callStatus",
  "submitTime",
  "callTime",
  "ringingTime",
  "answerTime",
  "hangupTime",
  "ringDuration",
  "chargedDuration",
  "billPeriod",
  "rate",
  "cost",
  "aiAgentChargedDuration",
  "aiAgentBillPeriod",
  "aiAgentQuoteRate",
  "aiAgentQuoteFee",
]);
const MAX_KEPT_DEPTH = 32;
const REPLACED_FIELDS = new Set(["callee", "displayNum", "calledInfo"]);

/**
 * What the store keeps of a record: numbers and text variables only when the config asks for them.
 * callee and displayNum are masked (a number pushed as a JSON number too), calledInfo is dropped,
 * and every other field that is not a documented id, code, time or amount — terminationReason,
 * fields the platform adds later — keeps its text with number-like runs masked.
 */
export function storedRecord(report: CallReport, storeNumbers: boolean): Record<string, unknown> {
  if (storeNumbers) return report.raw;
  const kept: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [field, value] of Object.entries(report.raw)) {
    // Written below (null stays null): not worth masking first. Set here to keep the field order.
    if (REPLACED_FIELDS.has(field)) {
      kept[field] = null;
      continue;
    }
    // Keys too: an unknown field named by a number is masked like the number.
    kept[maskSensitiveText(field)] =
      EXACT_FIELDS.has(field) && (value === null || typeof value !== "object") ? value : maskedValue(value, 0);
  }
  if (report.callee !== null) kept["callee"] = maskPhoneNumber(report.callee);
  if (report.displayNum !== null) kept["displayNum"] = maskPhoneNumber(report.displayNum);
  if (Object.hasOwn(report.raw, "calledInfo"))
    kept["calledInfo"] = "(not stored: set reports.storeNumbers to keep text variables)";
  return kept;
}

/** A value of a field that may hold anything: strings and numbers with number-like runs masked, keys too. */
function maskedValue(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskSensitiveText(value);
  if (typeof value === "number") {
    const text = String(value);
    const masked = maskSensitiveText(text);
    return masked === text ? value : masked;
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_KEPT_DEPTH) return "(not stored: nested too deeply)";
  if (Array.isArray(value)) return value.map((v: unknown) => maskedValue(v, depth + 1));
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[maskSensitiveText(k)] = maskedValue(v, depth + 1);
  return out;
}

/** callee / displayNum as text: a string, or a whole JSON number read exactly; anything else is a problem. */
function phoneField(raw: Record<string, unknown>, field: string): string | null | { problem: string } {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "number")
    return { problem: `${field} is a number that cannot be read exactly; send it as a string of digits` };
  return {
    problem: `${field} must be a string of digits, not ${Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`}`,
  };
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
