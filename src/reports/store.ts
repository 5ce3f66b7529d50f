import type { CallReport, OutcomeClass } from "./record.js";

export interface IngestResult {
  stored: number;
  duplicates: number;
}

/** Aggregated reports of one task, one outcome class and one intent. */
export interface TaskAggregate {
  taskId: number | null;
  sourceTaskId: number | null;
  outcome: OutcomeClass;
  intent: string | null;
  calls: number;
  talkSeconds: number;
  aiAgentBilledSeconds: number;
  cost: number;
  aiAgentFee: number;
  currency: string | null;
  lastHangupTime: number | null;
}

/** Where received reports are kept: idempotent by voiceId, one durable transaction per batch. */
export interface ReportStore {
  ingest(reports: readonly CallReport[]): Promise<IngestResult>;
  aggregate(): Promise<TaskAggregate[]>;
  count(): Promise<number>;
  close(): Promise<void>;
}
