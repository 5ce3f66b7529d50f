export { executeApply, lastError, type ApplyEvent, type ApplyInput, type ApplyOutcome } from "./engine.js";
export { executeChanges, type CancelChange, type RecallChange, type ChangesInput } from "./changes.js";
export { executeMoves, type MoveChange, type MovesInput } from "./moves.js";
export { refreshState, type RefreshFinding, type RefreshOptions, type RefreshResult } from "./refresh.js";
export { plainProgress, terminalProgress, type Progress } from "./progress.js";
