export { readStateFile, writeStateFile, createStateWriter, replayJournal, journalPathFor, STATE_FORMAT_VERSION, type StateWriter, type Mutation, type HistoryInput } from "./file-store.js";
export { acquireLock, forceUnlock, readLock, lockPathFor, ciRunUrl, type LockInfo, type HeldLock } from "./lock.js";
export { hmacHasher, newSalt, newLineage, newId } from "./hash.js";
export { emptyState, markPending, markSubmitted, markFailed, markResolved, forgetCampaign, logEvent, updateCampaign, type DefinitionRecord } from "./transitions.js";
