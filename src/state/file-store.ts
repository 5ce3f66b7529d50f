import { mkdir, open, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ToolError } from "../errors/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import type { JournalRecord, StateSink } from "./writer.js";

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
  checkFormatVersion(value, `the state file ${path}`);
  const journal = await readFile(journalPathFor(path), "utf8").catch(() => undefined);
  const base = value as Partial<AppliedState> | null;
  if (journal !== undefined && typeof base?.serial === "number" && Array.isArray(base.history) && base.campaigns && typeof base.campaigns === "object") replayJournal(value as AppliedState, journal);
  return checkedState(value, `the state file ${path}`, "restore it from backup or version control");
}

/** A state this version can read: a newer format is refused, so it is never overwritten. */
export function checkFormatVersion(value: unknown, where: string): void {
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === "number" && version > STATE_FORMAT_VERSION) {
    throw new ToolError("state-too-new", `${where} has format ${version}; this campaign version reads format ${STATE_FORMAT_VERSION}`, "upgrade laaffic-campaign; the state is left untouched");
  }
}

/** The state as read, checked against schemas/state.schema.json (any backend). */
export function checkedState(value: unknown, where: string, restore: string): AppliedState {
  const validate = validators().state;
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new ToolError("state-corrupt", `${where} does not match schemas/state.schema.json (${first?.instancePath || "/"} ${first?.message ?? ""})`.trim(), `${restore}; it is never overwritten while it cannot be read`);
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

/** The file's sink for the state writer: the first write replaces the file, later ones append to the journal. */
export function fileSink(path: string): StateSink {
  const journal = journalPathFor(path);
  let based = false;
  let journalHandle: FileHandle | undefined;
  const closeJournal = async (): Promise<void> => {
    const handle = journalHandle;
    journalHandle = undefined;
    await handle?.close();
  };
  return {
    async write(record, state) {
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
    },
    async compact(state, healthy) {
      await closeJournal();
      if (!healthy || !based) return;
      await writeStateFile(path, state);
      await unlink(journal).catch(() => undefined);
    },
  };
}

export const journalPathFor = (statePath: string): string => `${statePath}.journal`;

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
