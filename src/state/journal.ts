// The journal beside the state file: one JSON record per line, appended and fsynced by the one
// writer under the lock, folded into the state file when the writer ends. A crash in the middle
// of an append leaves a torn LAST line, which was never acknowledged and may be skipped. Anything
// else that does not read as a record (a merge-conflict marker, an edit, a lost line) means
// records may be missing: the state is refused, and nothing is folded, rewritten or deleted.
import { warningAt, type Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { decodeUtf8 } from "../files/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import type { JournalRecord } from "./writer.js";

/** How every record starts: the writer serialises `{ serial, campaigns, history }` in this order. */
const RECORD_START = '{"serial":';
const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})(\s|$)/;

export interface JournalFiles {
  /** The journal as the user sees it (`.campaign/state.json.journal`). */
  journal: string;
  /** The state file beside it, for the repair hint. */
  state: string;
}

/** The journal's text; a multi-byte character cut at the very end (a torn append) is dropped. */
export function journalText(bytes: Uint8Array, files: JournalFiles): string {
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  const cut = decoded.offset;
  let end = bytes.length;
  while (end > cut && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  const tail = bytes.subarray(cut, end);
  const incompleteAtEnd =
    bytes.subarray(0, end).lastIndexOf(0x0a) < cut &&
    tail.length <= 3 &&
    tail[0]! >= 0xc2 &&
    tail.subarray(1).every((b) => b >= 0x80 && b <= 0xbf);
  if (!incompleteAtEnd) throw corrupt(files, decoded.line, `is not valid UTF-8 (column ${decoded.column})`);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, cut));
}

/**
 * Replays the journal onto `state` (which it changes) after checking every line: each record
 * must match the schema, and serials run on by one (records at or below the state file's serial
 * were folded in already and are skipped; the first above it must be the next one). Returns a
 * warning for a torn last line; throws state-corrupt naming the line for anything else.
 */
export function replayJournal(state: AppliedState, text: string, files: JournalFiles): Diagnostic[] {
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === "") last--;
  const records: { record: JournalRecord; line: number }[] = [];
  const warnings: Diagnostic[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === last && isTornRecord(line)) {
        warnings.push(tornWarning(files, i + 1));
        break;
      }
      throw corrupt(
        files,
        i + 1,
        CONFLICT_MARKER.test(line) ? "holds a git merge-conflict marker" : "is not a journal record (not valid JSON)",
      );
    }
    const validate = validators().journalRecord;
    if (!validate(value)) {
      const first = validate.errors?.[0];
      throw corrupt(
        files,
        i + 1,
        `does not match the journal record of schemas/state.schema.json (${first?.instancePath || "/"} ${first?.message ?? ""})`.replace(
          " )",
          ")",
        ),
      );
    }
    records.push({ record: value as JournalRecord, line: i + 1 });
  }
  checkSerials(records, state.serial, state.lineage, files);
  for (const { record } of records) {
    if (record.serial <= state.serial) continue;
    state.serial = record.serial;
    for (const [name, campaign] of Object.entries(record.campaigns)) {
      if (campaign === null) delete state.campaigns[name];
      else state.campaigns[name] = campaign;
    }
    state.history.push(...record.history);
  }
  return warnings;
}

function checkSerials(
  records: readonly { record: JournalRecord; line: number }[],
  base: number,
  lineage: string,
  files: JournalFiles,
): void {
  let previous: number | undefined;
  for (const { record, line } of records) {
    // A journal copied or merged in from another state would fold that state's records into this one.
    if (record.lineage !== undefined && record.lineage !== lineage)
      throw corrupt(files, line, `belongs to another state (lineage ${record.lineage}, not ${lineage})`);
    if (previous === undefined && record.serial > base + 1)
      throw corrupt(
        files,
        line,
        `has serial ${record.serial}, but the state file is at serial ${base}: the records in between are missing`,
      );
    if (previous !== undefined && record.serial !== previous + 1)
      throw corrupt(
        files,
        line,
        `has serial ${record.serial} after serial ${previous}: a writer appends serials one by one`,
      );
    const stray = record.history.find((h) => h.serial !== record.serial);
    if (stray)
      throw corrupt(
        files,
        line,
        `holds a history entry of serial ${stray.serial} in the record of serial ${record.serial}`,
      );
    previous = record.serial;
  }
}

/** A prefix of a record: the start of an append that a crash cut short. */
const isTornRecord = (line: string): boolean => line.startsWith(RECORD_START) || RECORD_START.startsWith(line);

function tornWarning(files: JournalFiles, line: number): Diagnostic {
  return warningAt({
    code: "journal-torn-line",
    message: `the last line of ${files.journal} is incomplete (an append cut short by a crash); it was never acknowledged and is ignored`,
    hint: "the earlier records are kept; the next change to the state folds the journal into the state file without that line",
    at: { file: files.journal, line, column: 1 },
  });
}

export function corrupt(files: JournalFiles, line: number, what: string): ToolError {
  return new ToolError(
    "state-corrupt",
    `the state journal ${what}; records after it could be lost, so the state is not read`,
    `nothing was folded, rewritten or deleted. If a git merge left conflict markers, finish the merge (keep one side's journal lines, with that side's ${files.state}); otherwise restore it from git: git checkout -- ${files.journal}. Only a torn last line (an append cut short by a crash) may be deleted by hand`,
    { file: files.journal, line, column: 1 },
  );
}
