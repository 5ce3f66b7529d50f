import type { AppliedState } from "../schema/generated/index.js";
import type { LockRequest, StateBackend } from "./backend.js";
import type { HeldLock } from "./lock.js";
import type { StateWriter } from "./writer.js";

/** What a locked command works with: the state as read under the lock, and the one writer. */
export interface LockedState {
  /** As read once the lock was held; undefined = no state yet. */
  state: AppliedState | undefined;
  lock: HeldLock;
  /** Opens the command's one writer, from what it read (or a new state); at most once. */
  openWriter(initial: AppliedState): StateWriter;
}

/**
 * The one sequence of every state-changing command: lock → read → write → compact → release.
 * The journal is folded (compact) and the lock released whatever `work` does, a throw included;
 * a writer whose write failed keeps its journal (its compact skips the fold).
 */
export async function withLockedState<T>(
  backend: StateBackend,
  request: LockRequest,
  now: () => number,
  work: (locked: LockedState) => Promise<T>,
): Promise<T> {
  const lock = await backend.lock(request);
  let writer: StateWriter | undefined;
  try {
    const state = await backend.read();
    return await work({
      state,
      lock,
      openWriter(initial) {
        if (writer) throw new Error("the state writer was opened twice in one command");
        return (writer = backend.writer(initial, now));
      },
    });
  } finally {
    try {
      await writer?.compact();
    } finally {
      await lock.release();
    }
  }
}
