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
export type {
  ReportStore,
  IngestResult,
  PrefixCost,
  TaskAggregate,
  CalleeOutcome,
  CalleeQuery,
  OptedOutCallee,
  TimelineRow,
} from "./store.js";
export { openSqliteStore } from "./sqlite-store.js";
export { openPgReportStore } from "./pg-store.js";
export { startReceiver, ipMatches, type Receiver, type ReceiverOptions } from "./receiver.js";
export { campaignOutcomes } from "./outcomes.js";
export { calleeIndex, optOutMatcher, type DeclaredNumbers } from "./attribution.js";
export { foldPerRecipient, recipientOutcomes, type Folded, type RecipientsView } from "./recipient-outcomes.js";
export {
  campaignDetails,
  type CampaignDetails,
  type DetailedOutcomes,
  type HourCalls,
  type RoundCalls,
} from "./outcome-details.js";
