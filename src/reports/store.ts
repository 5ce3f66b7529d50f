import type { CallReport, OutcomeClass } from "./record.js";

export interface IngestResult {
  stored: number;
  duplicates: number;
}

/** Aggregated reports of one task (or, for reports without task ids, one callee), one outcome class and one intent. */
export interface TaskAggregate {
  taskId: number | null;
  sourceTaskId: number | null;
  /** Only for reports with neither taskId nor sourceTaskId: the callee's salted hash, to attribute by number. */
  calleeHash: string | null;
  /** outRecallCount: 0 for the first round, 1… for recall rounds; null when the report did not say. */
  recallRound: number | null;
  outcome: OutcomeClass;
  intent: string | null;
  calls: number;
  billedLineSeconds: number;
  aiAgentBilledSeconds: number;
  cost: number;
  aiAgentFee: number;
  currency: string | null;
  lastHangupTime: number | null;
  unreadableTimes: number;
}

/** Where received reports are kept: idempotent by voiceId, one durable transaction per batch. */
export interface ReportStore {
  ingest(reports: readonly CallReport[]): Promise<IngestResult>;
  aggregate(): Promise<TaskAggregate[]>;
  count(): Promise<number>;
  /** Per callee of a campaign: its reports folded to attempts and the latest outcome (at most two rows a callee). */
  calleeOutcomes(query: CalleeQuery): Promise<CalleeOutcome[]>;
  /** The callees with any report (of any task) carrying one of these intents, each with its latest such report (at most MAX_QUERY_ROWS). */
  optedOut(intents: readonly string[]): Promise<OptedOutCallee[]>;
  /** Calls per task, hour and outcome (reports whose hangup time was read; at most MAX_QUERY_ROWS rows). */
  timeline(): Promise<TimelineRow[]>;
  /** Cost and billed line time per task and callee prefix (at most MAX_QUERY_ROWS rows), for the cost forecast. */
  prefixCosts(): Promise<PrefixCost[]>;
  /** A number's salted hash as this store keeps it (its own salt, separators dropped), to compare declared numbers with callees. */
  hashCallee(callee: string): string;
  close(): Promise<void>;
}

/** SQL for the aggregate queries: reports without any task id are grouped by callee, so outcomes can attribute them by number. */
export const UNATTRIBUTED_CALLEE = "CASE WHEN task_id IS NULL AND source_task_id IS NULL THEN callee_hash END";

/** Which reports `calleeOutcomes` folds: a campaign's tasks and its declared callees. */
export interface CalleeQuery {
  /** The campaign's task ids: reports of these tasks, and of their recall rounds (sourceTaskId). */
  taskIds: readonly number[];
  /** The callees' salted hashes (hashCallee): only their reports are read. Reports with no task id are read too. */
  calleeHashes: readonly string[];
}

/** One callee's reports, folded: what the per-recipient outcomes show. */
export interface CalleeOutcome {
  calleeHash: string;
  /** Reports with neither taskId nor sourceTaskId (their own row): the caller decides whether they are the campaign's. */
  unattributed: boolean;
  attempts: number;
  connectedCalls: number;
  billedLineSeconds: number;
  /** The latest hangup time read (epoch ms), or null. */
  lastCallAt: number | null;
  /** The latest report's outcome and intent: of the last recall round, then by hangup time, then arrival. */
  outcome: OutcomeClass;
  intent: string | null;
}

/** A callee with a report that says "do not call me again" (any report: an opt-out is never taken back); intent: its latest such. */
export interface OptedOutCallee {
  calleeHash: string;
  /** As the store keeps it (masked), for messages about numbers no campaign file declares. */
  calleeMasked: string | null;
  intent: string;
}

export interface TimelineRow {
  taskId: number | null;
  sourceTaskId: number | null;
  /** As in TaskAggregate: only for reports without any task id. */
  calleeHash: string | null;
  /** The start of the hour (epoch ms, UTC) the calls hung up in. */
  hour: number;
  outcome: OutcomeClass;
  calls: number;
}

/** The most rows a store query returns; more is an error that says so, never a silent cut. */
export const MAX_QUERY_ROWS = 1_000_000;
/** The most task ids and callee hashes a `calleeOutcomes` query takes (a campaign has at most 200,000 recipients). */
export const MAX_QUERY_TASKS = 1_000;
export const MAX_QUERY_CALLEES = 400_000;

/** What a task's reports cost, for callees whose masked number starts with `prefix` (its country code first). */
export interface PrefixCost {
  /** The task (a recall round's parent). */
  taskId: number;
  /** Up to four leading digits of the callee. */
  prefix: string;
  currency: string | null;
  /** cost + aiAgentFee */
  cost: number;
  billedLineSeconds: number;
}
