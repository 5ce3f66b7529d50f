export {
  readStateFile,
  writeStateFile,
  journalPathFor,
  fileSink,
  STATE_FORMAT_VERSION,
  type StateReadOptions,
} from "./file-store.js";
export { replayJournal, journalText, type JournalFiles } from "./journal.js";
export { ensureNewSalt, readNewSalt, removeNewSalt, newSaltPathFor } from "./new-salt.js";
export {
  createStateWriter,
  type StateWriter,
  type StateSink,
  type Mutation,
  type HistoryInput,
  type JournalRecord,
} from "./writer.js";
export { fileBackend, type StateBackend, type LockRequest } from "./backend.js";
export { withLockedState, type LockedState } from "./transaction.js";
export { openPgStateBackend } from "./pg-store.js";
export {
  acquireLock,
  forceUnlock,
  readLock,
  lockPathFor,
  ciRunUrl,
  type LockInfo,
  type LockFile,
  type HeldLock,
  type RemovedLock,
} from "./lock.js";
export { hmacHasher, newSalt, newLineage, newId } from "./hash.js";
export {
  emptyState,
  markPending,
  markSubmitted,
  markFailed,
  markResolved,
  forgetCampaign,
  moveCampaign,
  logEvent,
  combineMutations,
  updateCampaign,
  type DefinitionRecord,
} from "./transitions.js";
