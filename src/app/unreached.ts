import { parse } from "csv-parse/sync";
import { readPlainCsv } from "../campaigns/csv-plain.js";
import { suppressedBy } from "../campaigns/suppression.js";
import { ToolError } from "../errors/index.js";
import type { NumberInfo, UnreachedCounts, UnreachedExport } from "../schema/generated/index.js";
import { csvText } from "../views/csv.js";
import { assertCallsEnded } from "./calls-ended.js";
import type { AppContext } from "./context.js";
import type { DeclaredRecipients } from "./declared-recipients.js";
import { toolFiles, writeOutput } from "./outputs.js";
import { recipientResults } from "./recipient-results.js";
import type { StoreOption } from "./report-store.js";
import { loadSuppressionLists } from "./suppression.js";
import { campaignFileReader, type Workspace, type WorkspaceOptions } from "./workspace.js";

export type { UnreachedExport };

export interface UnreachedInput extends StoreOption {
  /** The recipients CSV to write (required: the numbers are never printed). */
  out: string;
  /** --outcomes no-answer,busy: only those whose latest call ended so (not-called: no report yet). */
  outcomes?: string;
  /** --before-finished: write even though the campaign may still ring (a warning says so). */
  beforeFinished?: boolean;
}

type Key = keyof UnreachedCounts;
const OUTCOME_NAMES: ReadonlyMap<string, Key> = new Map([
  ["no-answer", "noAnswer"],
  ["busy", "busy"],
  ["voicemail", "voicemail"],
  ["failed", "failed"],
  ["not-called", "notCalled"],
]);

/**
 * `campaign outcomes NAME --unreached --out FILE`: the recipients no call reached, as a recipients
 * CSV with the source's own header and values (full numbers: the file is the next campaign's input).
 * Left out: numbers a suppression list holds, and callees with an opt-out report in any campaign.
 * Refused while the campaign may still ring, and when its recipients changed since it was submitted.
 */
export async function writeUnreached(
  name: string,
  input: UnreachedInput,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<UnreachedExport> {
  const wanted = outcomesAsked(input.outcomes);
  const store = input.store !== undefined ? { store: input.store } : {};
  const results = await recipientResults(name, { ...store, optOuts: true }, options, context);
  const { workspace, declared, folded, optedOut } = results;
  if (results.recipientsChanged)
    throw new ToolError(
      "invalid-input",
      `the recipients of "${name}" changed since it was submitted: its files no longer declare the numbers its task calls, so the unreached cannot be told from them. Nothing was written`,
      "restore the recipients as submitted (git shows them) to write the unreached; campaign plan shows the change",
    );
  assertCallsEnded(name, results.applied, input.beforeFinished === true, context);
  const { lists } = await loadSuppressionLists(workspace.config, campaignFileReader(workspace, context), context);
  const latest: UnreachedCounts = { noAnswer: 0, busy: 0, voicemail: 0, failed: 0, notCalled: 0 };
  const leftOut = { notAsked: 0, suppressed: 0, optedOut: 0 };
  const chosen: number[] = [];
  declared.recipients.forEach((recipient, index) => {
    const calls = folded[index];
    if (calls !== undefined && calls.connectedCalls > 0) return;
    const key: Key = calls === undefined ? "notCalled" : calls.outcome === "connected" ? "failed" : calls.outcome;
    if (optedOut[index]) leftOut.optedOut++;
    else if (suppressedBy(lists, recipient.calleeNumber) !== undefined) leftOut.suppressed++;
    else if (!wanted.has(key)) leftOut.notAsked++;
    else {
      latest[key]++;
      chosen.push(index);
    }
  });
  const { header, rows } = await asRecipientsFile(declared, workspace, context);
  const protect = await toolFiles(workspace, context, { inputFiles: results.inputFiles, ...store });
  await writeOutput(input.out, csvText(header, chosen.map(rows)), "unreached recipients", protect, context);
  return {
    formatVersion: 1,
    command: "outcomes --unreached",
    taskName: name,
    file: input.out,
    header,
    recipients: declared.recipients.length,
    written: chosen.length,
    latest,
    leftOut,
  };
}

/** --outcomes as a set of counts' keys; an unknown name is a usage error listing the known ones. */
function outcomesAsked(list: string | undefined): Set<Key> {
  if (list === undefined) return new Set(OUTCOME_NAMES.values());
  const asked = new Set<Key>();
  for (const item of list.split(",").map((s) => s.trim())) {
    const key = OUTCOME_NAMES.get(item);
    if (key === undefined)
      throw new ToolError(
        "usage",
        `--outcomes: ${item === "connected" ? "connected recipients were reached, so they are never unreached" : `unknown outcome "${item.slice(0, 40)}"`}`,
        `use a comma-separated list of ${[...OUTCOME_NAMES.keys()].join(", ")}`,
      );
    asked.add(key);
  }
  return asked;
}

/**
 * The header and rows to write: the recipients CSV's own (its columns as named, its values as
 * written) when the campaign reads only that file; calleeNumber,text1… for inline numbers, and for
 * campaigns that have both (one header cannot hold both).
 */
async function asRecipientsFile(
  declared: DeclaredRecipients,
  workspace: Workspace,
  context: AppContext,
): Promise<{ header: string[]; rows: (index: number) => string[] }> {
  if (declared.csvPath === undefined || declared.inline > 0) {
    const header = ["calleeNumber", ...declared.columns.map((c) => c.variable)];
    const values = (r: NumberInfo) => r as unknown as Record<string, string | undefined>;
    return { header, rows: (i) => header.map((column) => values(declared.recipients[i]!)[column] ?? "") };
  }
  const records = await sourceRecords(declared, workspace, context);
  return { header: records[0]!, rows: (i) => records[i + 1]! };
}

/** The recipients CSV's records, read again as the loader read them, and checked to be the rows it loaded. */
async function sourceRecords(
  declared: DeclaredRecipients,
  workspace: Workspace,
  context: AppContext,
): Promise<string[][]> {
  const path = declared.csvPath!;
  const changed = new ToolError(
    "invalid-input",
    `the recipients file ${path} changed while it was read: its rows are no longer the ones loaded`,
    "run the command again; nothing was written",
    { file: path },
  );
  const read = await campaignFileReader(workspace, context).readText(path, "recipients file");
  if (!read.ok) throw changed;
  let records: string[][];
  try {
    records = readPlainCsv(read.text)?.records ?? (parse(read.text, CSV_OPTIONS) as string[][]);
  } catch {
    throw changed;
  }
  if (records.length !== declared.recipients.length + 1) throw changed;
  // Numbers read exactly as written (no numberFormat) must be the loaded ones, row by row.
  const column = records[0]!.indexOf(declared.numberColumn);
  if (column < 0) throw changed;
  if (!declared.numbersRewritten)
    for (let i = 0; i < declared.recipients.length; i++)
      if (records[i + 1]![column] !== declared.recipients[i]!.calleeNumber) throw changed;
  return records;
}

// As campaigns/recipients-csv.ts reads a file that is not in the strict common form.
const CSV_OPTIONS = { bom: true, trim: true, skip_empty_lines: true };
