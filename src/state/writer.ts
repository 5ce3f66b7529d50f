import { nameIndex, ownEntry } from "../plan/by-name.js";
import type { AppliedState, CampaignState, HistoryEntry } from "../schema/generated/index.js";

export type HistoryInput = Omit<HistoryEntry, "serial" | "at">;

/**
 * Changes the state in memory and says what to log. Every campaign it changes must be named by
 * one of its history entries (`taskName`): that is how a record knows what to carry.
 */
export type Mutation = (state: AppliedState) => HistoryInput[];

export interface StateWriter {
  /** The state as last written. */
  current(): AppliedState;
  /** Applies the mutation; resolves once a write containing it is durable. */
  commit(mutation: Mutation): Promise<void>;
  /** Ends the writer: folds anything kept aside (the file's journal) into the main copy. */
  compact(): Promise<void>;
}

/** One group of changes: the serial it makes, the campaigns it changed (null = removed), its log. */
export interface JournalRecord {
  serial: number;
  /** The state the record belongs to (absent in journals written before it was recorded). */
  lineage?: string;
  campaigns: Record<string, CampaignState | null>;
  history: HistoryEntry[];
}

/** Where a backend makes records durable. */
export interface StateSink {
  /** Durable when it resolves. `state` is the whole state after the record (for a full write). */
  write(record: JournalRecord, state: AppliedState): Promise<void>;
  /** The writer ends; `healthy` is false when a write failed (then nothing more is written). */
  compact(state: AppliedState, healthy: boolean): Promise<void>;
}

/**
 * One serialised writer per process (held under the lock). Each group of mutations becomes one
 * record with the next serial, made durable by the sink (file: an fsynced journal line; Postgres:
 * one transaction guarded by the serial). Mutations that arrive while a write is in flight are
 * grouped into the next one; each caller waits until its own is durable.
 */
export function createStateWriter(sink: StateSink, initial: AppliedState, now: () => number): StateWriter {
  const state = structuredClone(initial);
  // structuredClone gives campaigns Object.prototype back: taskNames index a null-prototype object.
  state.campaigns = nameIndex(state.campaigns);
  let queue: { mutation: Mutation; resolve(): void; reject(e: unknown): void }[] = [];
  let writing: Promise<void> | undefined;
  let broken: unknown;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (broken !== undefined) {
        for (const item of batch) item.reject(broken);
        continue;
      }
      state.serial += 1;
      // The lineage goes last: a reader knows a record by its start (`{"serial":`).
      const record: JournalRecord = {
        serial: state.serial,
        campaigns: nameIndex(),
        history: [],
        lineage: state.lineage,
      };
      const at = new Date(now()).toISOString();
      const applied: typeof batch = [];
      for (const item of batch) {
        try {
          for (const entry of item.mutation(state)) {
            const logged = { serial: state.serial, at, ...entry };
            state.history.push(logged);
            record.history.push(logged);
            if (entry.taskName !== undefined)
              record.campaigns[entry.taskName] = ownEntry(state.campaigns, entry.taskName) ?? null;
          }
          applied.push(item);
        } catch (error) {
          item.reject(error);
        }
      }
      try {
        await sink.write(record, state);
        for (const item of applied) item.resolve();
      } catch (error) {
        // Memory is ahead of the store now: refuse every later change rather than diverge.
        broken = error;
        for (const item of applied) item.reject(error);
      }
    }
  };

  const kick = (): void => {
    if (writing) return;
    // A mutation queued just as a drain ends is picked up by the next one.
    writing = drain().finally(() => {
      writing = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    current: () => state,
    commit(mutation) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ mutation, resolve, reject });
        kick();
      });
    },
    async compact() {
      await writing;
      await sink.compact(state, broken === undefined);
    },
  };
}
