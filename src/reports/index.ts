export {
  parseBatch,
  recordsOf,
  storedRecord,
  OUTCOME_CLASSES,
  type CallReport,
  type OutcomeClass,
  type ParsedBatch,
  type BadRecord,
} from "./record.js";
export type { ReportStore, IngestResult, TaskAggregate } from "./store.js";
export { openSqliteStore } from "./sqlite-store.js";
export { openPgReportStore } from "./pg-store.js";
export { startReceiver, ipMatches, type Receiver, type ReceiverOptions } from "./receiver.js";
export { campaignOutcomes } from "./outcomes.js";
export { calleeIndex, type DeclaredNumbers } from "./attribution.js";
