import { mkdir, open, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ToolError } from "../errors/index.js";
import type { AppliedState, CampaignState, HistoryEntry } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";

export const STATE_FORMAT_VERSION = 1;

/** Reads the state file; undefined when there is none. A corrupt or newer file is an error naming it. */
export async function readStateFile(path: string): Promise<AppliedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ToolError("state-corrupt", `cannot read the state file ${path}: ${(error as Error).message}`, "check its permissions");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolError("state-corrupt", `the state file ${path} is not valid JSON`, "restore it from backup or version control; it is never overwritten while it cannot be read");
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === "number" && version > STATE_FORMAT_VERSION) {
    throw new ToolError("state-too-new", `the state file ${path} has format ${version}; this campaign version reads format ${STATE_FORMAT_VERSION}`, "upgrade laaffic-campaign; the file is left untouched");
  }
  const journal = await readFile(journalPathFor(path), "utf8").catch(() => undefined);
  const base = value as Partial<AppliedState> | null;
  if (journal !== undefined && typeof base?.serial === "number" && Array.isArray(base.history) && base.campaigns && typeof base.campaigns === "object") replayJournal(value as AppliedState, journal);
  const validate = validators().state;
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new ToolError("state-corrupt", `the state file ${path} does not match schemas/state.schema.json (${first?.instancePath || "/"} ${first?.message ?? ""})`.trim(), "restore it from backup or version control; it is never overwritten while it cannot be read");
  }
  return value;
}

/** Writes a new private file and fsyncs it before returning (the caller renames or links it). */
export async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomic replace: temp file in the same directory, fsync, rename, fsync of the directory. */
export async function writeStateFile(path: string, state: AppliedState): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  await writeSynced(temp, JSON.stringify(state) + "\n");
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dirHandle = await open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export type HistoryInput = Omit<HistoryEntry, "serial" | "at">;

/**
 * Changes the state in memory and says what to log. Every campaign it changes must be named by
 * one of its history entries (`taskName`): that is how the journal knows what to record.
 */
export type Mutation = (state: AppliedState) => HistoryInput[];

export interface StateWriter {
  /** The state as last written. */
  current(): AppliedState;
  /** Applies the mutation; resolves once a write containing it is durable. */
  commit(mutation: Mutation): Promise<void>;
  /** Folds the journal into the state file (atomic rewrite) and removes the journal. */
  compact(): Promise<void>;
}

export const journalPathFor = (statePath: string): string => `${statePath}.journal`;

interface JournalRecord {
  serial: number;
  campaigns: Record<string, CampaignState | null>;
  history: HistoryEntry[];
}

/**
 * One serialised writer per process (held under the lock). The first commit rewrites the state
 * file atomically; later ones append a line to a journal beside it and fsync — a write-ahead
 * record costs one small append, not a rewrite of the whole state. Mutations that arrive while a
 * write is in flight are grouped into the next one; each caller waits until its own is durable.
 * Readers replay the journal (readStateFile), so the state is never behind what was acknowledged.
 */
export function createStateWriter(path: string, initial: AppliedState, now: () => number): StateWriter {
  const state = structuredClone(initial);
  const journal = journalPathFor(path);
  let queue: { mutation: Mutation; resolve(): void; reject(e: unknown): void }[] = [];
  let writing: Promise<void> | undefined;
  let based = false;
  let broken: unknown;
  let journalHandle: FileHandle | undefined;

  const write = async (record: JournalRecord): Promise<void> => {
    if (!based) {
      await writeStateFile(path, state);
      await unlink(journal).catch(() => undefined);
      based = true;
      return;
    }
    // The journal stays open while the writer lives: one write and one fsync per group.
    journalHandle ??= await open(journal, "a", 0o600);
    await journalHandle.write(JSON.stringify(record) + "\n");
    await journalHandle.datasync();
  };
  const closeJournal = async (): Promise<void> => {
    const handle = journalHandle;
    journalHandle = undefined;
    await handle?.close();
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      if (broken !== undefined) {
        for (const item of batch) item.reject(broken);
        continue;
      }
      state.serial += 1;
      const record: JournalRecord = { serial: state.serial, campaigns: {}, history: [] };
      const at = new Date(now()).toISOString();
      const applied: typeof batch = [];
      for (const item of batch) {
        try {
          for (const entry of item.mutation(state)) {
            const logged = { serial: state.serial, at, ...entry };
            state.history.push(logged);
            record.history.push(logged);
            if (entry.taskName !== undefined) record.campaigns[entry.taskName] = state.campaigns[entry.taskName] ?? null;
          }
          applied.push(item);
        } catch (error) {
          item.reject(error);
        }
      }
      try {
        await write(record);
        for (const item of applied) item.resolve();
      } catch (error) {
        // Memory is ahead of the disk now: refuse every later change rather than diverge.
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
      await closeJournal();
      if (broken !== undefined || !based) return;
      await writeStateFile(path, state);
      await unlink(journal).catch(() => undefined);
    },
  };
}

/** Replays the journal's complete lines onto the state; a torn last line was never acknowledged. */
export function replayJournal(state: AppliedState, text: string): AppliedState {
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      break;
    }
    if (record.serial <= state.serial) continue;
    state.serial = record.serial;
    for (const [name, campaign] of Object.entries(record.campaigns)) {
      if (campaign === null) delete state.campaigns[name];
      else state.campaigns[name] = campaign;
    }
    state.history.push(...record.history);
  }
  return state;
}
