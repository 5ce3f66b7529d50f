import { resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, readTextFile } from "../files/index.js";
import { parseBatch, recordsOf } from "../reports/index.js";
import type { ReportsImportReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { openReportStore, reportStoreLocation, type StoreOption } from "./report-store.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace.js";

export type { ReportsImportReport };

/**
 * `campaign reports import FILE`: a saved push body or NDJSON, through the receiver's path. What
 * cannot be stored is said as it is found (compiler form, as notices) and listed in the report.
 */
export async function importReports(
  file: string,
  input: StoreOption,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<ReportsImportReport> {
  const workspace = await openWorkspace(options, context);
  const read = await readTextFile(resolve(context.cwd, file), {
    maxBytes: FILE_LIMITS.reportsImport,
    display: file,
    what: "the reports file",
  });
  if (!read.ok) {
    const { kind, message, line, column } = read.problem;
    throw new ToolError(
      kind === "missing" ? "not-found" : "file-unreadable",
      message,
      'pass a saved push body ({"array": [...]}) or NDJSON with one record per line, as UTF-8',
      { file, ...(line !== undefined ? { line, column: column ?? 1 } : {}) },
    );
  }
  const { records, unreadable } = parseImport(read.text);
  const batch = parseBatch(records, { timeZone: workspace.config.settings.api.timezone, now: context.now() });
  const store = await openReportStore(workspace, input, context, { mustExist: false });
  try {
    const result = await store.ingest(batch.reports);
    for (const line of unreadable)
      context.events.notice(`${file}:${line}:1: error malformed-json: not a JSON record\n`);
    for (const bad of batch.bad)
      context.events.notice(`${file}: error bad-record: record ${bad.index + 1}: ${bad.reason}\n`);
    return {
      formatVersion: 1,
      command: "reports import",
      file,
      store: reportStoreLocation(workspace, input),
      stored: result.stored,
      duplicates: result.duplicates,
      rejected: [
        ...unreadable.map((line) => ({ line, reason: "not a JSON record" })),
        ...batch.bad.map((bad) => ({ record: bad.index + 1, reason: bad.reason })),
      ],
    };
  } finally {
    await store.close();
  }
}

/** One JSON document (a push body, an array or one record), or else NDJSON: one record a line. */
function parseImport(text: string): { records: unknown[]; unreadable: number[] } {
  try {
    const whole = recordsOf(JSON.parse(text));
    if (whole) return { records: whole, unreadable: [] };
  } catch {
    // not one JSON document: read it as NDJSON below
  }
  const records: unknown[] = [];
  const unreadable: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line));
    } catch {
      unreadable.push(i + 1);
    }
  });
  return { records, unreadable };
}
