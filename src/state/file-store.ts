import { mkdir, open, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, readRegularFile, readTextFile, type FileProblem } from "../files/index.js";
import { nameIndex } from "../plan/by-name.js";
import type { AppliedState } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import { journalText, replayJournal } from "./journal.js";
import type { StateSink } from "./writer.js";

export const STATE_FORMAT_VERSION = 1;

export interface StateReadOptions {
  /** The state file as the user sees it, for messages (default: the path). */
  display?: string;
  /** Receives warnings (a torn last journal line); the CLI prints them on stderr. */
  warn?: (warning: Diagnostic) => void;
}

const RESTORE = "restore it from backup or version control (git checkout -- FILE)";

/**
 * Reads the state file and replays its journal; undefined when there is none. A corrupt or newer
 * file, or a journal line that is not a record (other than a torn last one), is an error naming
 * it: nothing is read into the state, so nothing can be lost by a later write.
 */
export async function readStateFile(path: string, options: StateReadOptions = {}): Promise<AppliedState | undefined> {
  const display = options.display ?? path;
  const files = { state: display, journal: journalPathFor(display) };
  const read = await readTextFile(path, { maxBytes: FILE_LIMITS.state, display, what: "the state file" });
  if (!read.ok) {
    if (read.problem.kind === "missing") return noStateWithoutJournal(path, files);
    throw unreadable(read.problem, display);
  }
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    throw new ToolError(
      "state-corrupt",
      `the state file ${display} is not valid JSON`,
      `${RESTORE.replace("FILE", display)}; it is never overwritten while it cannot be read`,
    );
  }
  checkFormatVersion(value, `the state file ${display}`);
  const state = checkedState(value, `the state file ${display}`, RESTORE.replace("FILE", display));
  const journal = await readRegularFile(journalPathFor(path), {
    maxBytes: FILE_LIMITS.state,
    display: files.journal,
    what: "the state journal",
  });
  if (!journal.ok) {
    if (journal.problem.kind === "missing") return state;
    throw unreadable(journal.problem, files.journal);
  }
  for (const warning of replayJournal(state, journalText(journal.bytes, files), files)) options.warn?.(warning);
  return state;
}

/** No state file: a journal beside it would hold records of a state that is gone — never drop it. */
async function noStateWithoutJournal(path: string, files: { state: string; journal: string }): Promise<undefined> {
  const journal = await readRegularFile(journalPathFor(path), { maxBytes: 0, display: files.journal });
  if ((!journal.ok && journal.problem.kind === "missing") || (journal.ok && journal.bytes.length === 0))
    return undefined;
  throw new ToolError(
    "state-corrupt",
    `the state journal ${files.journal} exists, but the state file ${files.state} does not`,
    `its records belong to that state: restore it from git (git checkout -- ${files.state}); move the journal away only if you know it is left over`,
  );
}

function unreadable(problem: FileProblem, display: string): ToolError {
  const hint =
    problem.kind === "invalid-utf8"
      ? RESTORE.replace("FILE", display)
      : `it must be a regular file of at most ${FILE_LIMITS.state / (1024 * 1024)} MiB; nothing was read or changed`;
  return new ToolError(problem.kind === "invalid-utf8" ? "state-corrupt" : "file-unreadable", problem.message, hint);
}

/** A state this version can read: a newer format is refused, so it is never overwritten. */
export function checkFormatVersion(value: unknown, where: string): void {
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === "number" && version > STATE_FORMAT_VERSION) {
    throw new ToolError(
      "state-too-new",
      `${where} has format ${version}; this campaign version reads format ${STATE_FORMAT_VERSION}`,
      "upgrade laaffic-campaign; the state is left untouched",
    );
  }
}

/** The state as read, checked against schemas/state.schema.json (any backend). */
export function checkedState(value: unknown, where: string, restore: string): AppliedState {
  const validate = validators().state;
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new ToolError(
      "state-corrupt",
      `${where} does not match schemas/state.schema.json (${first?.instancePath || "/"} ${first?.message ?? ""})`.trim(),
      `${restore}; it is never overwritten while it cannot be read`,
    );
  }
  // Indexed by taskName: "__proto__" or "constructor" are names like any other.
  value.campaigns = nameIndex(value.campaigns);
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
