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
  /** A number's salted hash as this store keeps it (its own salt, separators dropped), to compare declared numbers with callees. */
  hashCallee(callee: string): string;
  close(): Promise<void>;
}

/** SQL for the aggregate queries: reports without any task id are grouped by callee, so outcomes can attribute them by number. */
export const UNATTRIBUTED_CALLEE = "CASE WHEN task_id IS NULL AND source_task_id IS NULL THEN callee_hash END";
