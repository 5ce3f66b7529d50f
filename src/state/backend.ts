import { access } from "node:fs/promises";
import type { Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import { fileSink, readStateFile, writeStateFile } from "./file-store.js";
import { acquireLock, forceUnlock, lockPathFor, type HeldLock, type RemovedLock } from "./lock.js";
import { createStateWriter, type StateWriter } from "./writer.js";

export interface LockRequest {
  command: string;
  env: Record<string, string | undefined>;
  now: number;
}

/**
 * Where the applied state lives. Every command goes through this: the file beside the campaigns
 * (embedded default) or PostgreSQL (shared by runners and repositories). A write never replaces
 * a state newer than the one the writer started from.
 */
export interface StateBackend {
  readonly kind: "file" | "postgres";
  /** For messages and findings: the path as the user wrote it, or the masked URL and schema. */
  readonly location: string;
  read(): Promise<AppliedState | undefined>;
  /** Exclusive for the whole command; fails at once (state-locked, naming the holder) when held. */
  lock(request: LockRequest): Promise<HeldLock>;
  /** Breaks a lock, given its id only (an unreadable lock file's id is printed by the error that found it). */
  forceUnlock(lockId: string): Promise<RemovedLock>;
  /** The one writer of a locked command, starting from `initial` (what it read, or a new state). */
  writer(initial: AppliedState, now: () => number): StateWriter;
  /** Writes a whole state into a backend that holds none (state migrate). */
  importState(state: AppliedState): Promise<void>;
  close(): Promise<void>;
}

/** The state file (with its journal and lock file beside it); `warn` gets what reading it found (a torn journal line). */
export function fileBackend(
  absolutePath: string,
  displayPath: string,
  warn?: (warning: Diagnostic) => void,
): StateBackend {
  return {
    kind: "file",
    location: displayPath,
    read: () => readStateFile(absolutePath, { display: displayPath, ...(warn ? { warn } : {}) }),
    lock: (request) => acquireLock(absolutePath, request, lockPathFor(displayPath)),
    forceUnlock: (lockId) => forceUnlock(absolutePath, lockId, displayPath),
    writer: (initial, now) => createStateWriter(fileSink(absolutePath), initial, now),
    async importState(state) {
      const exists = await access(absolutePath).then(
        () => true,
        () => false,
      );
      if (exists)
        throw new ToolError(
          "state-exists",
          `there is already a state at ${displayPath}`,
          "move it away first, or migrate into another path (--state FILE)",
        );
      await writeStateFile(absolutePath, state);
    },
    close: async () => undefined,
  };
}
