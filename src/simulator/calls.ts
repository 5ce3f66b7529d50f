import { epochMsToWallTime } from "../campaigns/platform-time.js";
import { NOT_CONNECTED_INTENT } from "./accounts.js";

/** How likely each call outcome is; weights, need not sum to 1. */
export interface OutcomeWeights {
  connected: number;
  noAnswer: number;
  busy: number;
  voicemail: number;
  failed: number;
}

export const DEFAULT_OUTCOMES: OutcomeWeights = {
  connected: 0.55,
  noAnswer: 0.2,
  busy: 0.1,
  voicemail: 0.05,
  failed: 0.1,
};

export type CallOutcome = keyof OutcomeWeights;

// callStatus codes of the sibling voice push (laaffic-api.md, assumed).
const CALL_STATUS: Record<CallOutcome, number> = { busy: 10, noAnswer: 20, failed: 30, voicemail: 40, connected: 50 };
const SIP: Record<CallOutcome, string> = {
  connected: "200",
  noAnswer: "480",
  busy: "486",
  voicemail: "200",
  failed: "503",
};
const REASON: Record<CallOutcome, string> = {
  connected: "normal clearing",
  noAnswer: "no answer",
  busy: "user busy",
  voicemail: "voicemail detected",
  failed: "network failure",
};

/** A seedable PRNG (mulberry32): the same seed gives the same calls. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlacedCall {
  outcome: CallOutcome;
  intent: string;
  ringMs: number;
  talkMs: number;
}

export function drawCall(
  random: () => number,
  weights: OutcomeWeights,
  intents: readonly string[],
  maxRingingTime: number,
  maxCalls: number,
): PlacedCall {
  const entries = Object.entries(weights) as [CallOutcome, number][];
  const total = entries.reduce((s, [, w]) => s + Math.max(0, w), 0) || 1;
  let pick = random() * total;
  let outcome: CallOutcome = "failed";
  for (const [name, w] of entries) {
    pick -= Math.max(0, w);
    if (pick < 0) {
      outcome = name;
      break;
    }
  }
  const answered = outcome === "connected" || outcome === "voicemail";
  const spoken = intents.filter((i) => i !== NOT_CONNECTED_INTENT);
  const intent =
    outcome === "connected" && spoken.length > 0 ? spoken[Math.floor(random() * spoken.length)]! : NOT_CONNECTED_INTENT;
  const ringMs =
    outcome === "noAnswer"
      ? maxRingingTime * 1000
      : outcome === "failed"
        ? 0
        : Math.floor((2 + random() * Math.min(15, maxRingingTime - 2)) * 1000);
  const talkMs = answered ? Math.floor((5 + random() * Math.max(1, Math.min(120, maxCalls) - 5)) * 1000) : 0;
  return { outcome, intent, ringMs, talkMs };
}

export interface ReportContext {
  voiceId: string;
  taskId: number;
  sourceTaskId: number | null;
  round: number;
  callee: string;
  displayNum: string;
  agentId: number;
  texts: Record<string, string>;
  submitTime: number;
  callTime: number;
}

/** A status report as the platform pushes it (laaffic-api.md, "Status report push"). */
export function statusReport(call: PlacedCall, ctx: ReportContext): Record<string, unknown> {
  const answered = call.outcome === "connected" || call.outcome === "voicemail";
  const ringingTime = ctx.callTime + 500;
  const answerTime = answered ? ringingTime + call.ringMs : 0;
  const hangupTime = (answered ? answerTime : ringingTime + call.ringMs) + call.talkMs;
  const talkSeconds = Math.ceil(call.talkMs / 1000);
  const billPeriod = answered ? Math.ceil(talkSeconds / 60) * 60 : 0;
  return {
    voiceId: ctx.voiceId,
    type: 1,
    taskId: ctx.taskId,
    ...(ctx.sourceTaskId !== null ? { sourceTaskId: ctx.sourceTaskId } : {}),
    outRecallCount: ctx.round,
    callee: ctx.callee,
    displayNum: ctx.displayNum,
    submitTime: ctx.submitTime,
    callTime: ctx.callTime,
    ringingTime,
    answerTime,
    hangupTime,
    ringDuration: Math.ceil(call.ringMs / 1000),
    chargedDuration: talkSeconds,
    billPeriod,
    code: "SIM",
    recordingFileId: answered ? `rec-${ctx.voiceId}` : "",
    rate: "0.0100",
    cost: ((billPeriod / 60) * 0.01).toFixed(4),
    currency: "USD",
    aiAgentChargedDuration: talkSeconds,
    aiAgentBillPeriod: billPeriod,
    aiAgentQuoteRate: "0.0200",
    aiAgentQuoteFee: ((billPeriod / 60) * 0.02).toFixed(4),
    terminationCode: call.outcome === "connected" ? "0" : String(CALL_STATUS[call.outcome]),
    terminationReason: REASON[call.outcome],
    sipCode: SIP[call.outcome],
    calledInfo: JSON.stringify(ctx.texts),
    scriptId: ctx.agentId,
    intent: call.intent,
    callStatus: CALL_STATUS[call.outcome],
  };
}

/**
 * What a push looks like: "convenient" carries the fields the sibling voice push has (taskId,
 * sourceTaskId, callStatus, epoch-ms times); "docs" only what the AI-agent push's docs confirm.
 */
export type ReportShape = "convenient" | "docs";
export const REPORT_SHAPES: readonly ReportShape[] = ["convenient", "docs"];

const REPORT_TIMES = ["submitTime", "callTime", "ringingTime", "answerTime", "hangupTime"] as const;

/**
 * The sparse shape the docs allow: no taskId, sourceTaskId or callStatus; times as `yyyyMMddHHmmss`
 * on the platform's clock ("" for one that did not happen); billing periods as "60+60"; currency
 * only when not USD.
 */
export function docsShapedReport(report: Record<string, unknown>, timeZone: string): Record<string, unknown> {
  const { taskId: _taskId, sourceTaskId: _sourceTaskId, callStatus: _callStatus, currency, ...rest } = report;
  const shaped: Record<string, unknown> = {
    ...rest,
    billPeriod: "60+60",
    aiAgentBillPeriod: "60+60",
    ...(currency !== "USD" && currency !== undefined ? { currency } : {}),
  };
  for (const field of REPORT_TIMES) {
    const ms = report[field];
    shaped[field] = typeof ms === "number" && ms > 0 ? epochMsToWallTime(ms, timeZone).replace(/[- :]/g, "") : "";
  }
  return shaped;
}
