import { escapeControlCharsDeep } from "../privacy/index.js";
import type { RecipientOutcome, RecipientOutcomesReport } from "../schema/generated/index.js";
import { csvText, spreadsheetSafe } from "./csv.js";
import { jsonView, type OutputFormat } from "./format.js";
import { mdCell } from "./markdown-cell.js";

/** `campaign outcomes NAME --recipients` in the format asked for (csv besides the usual three). */
export function renderRecipientOutcomes(report: RecipientOutcomesReport, format: OutputFormat | "csv"): string {
  switch (format) {
    case "json":
      return jsonView(report);
    case "csv":
      return renderRecipientsCsv(report);
    case "markdown":
      return renderRecipientsMarkdown(report);
    case "text":
      return renderRecipientsText(report);
  }
}

/** The outcome as the --outcomes flag names it; "not-called" for a recipient with no report. */
const OUTCOME_CODES: Record<NonNullable<RecipientOutcome["outcome"]>, string> = {
  connected: "connected",
  noAnswer: "no-answer",
  busy: "busy",
  voicemail: "voicemail",
  failed: "failed",
};
const outcomeCode = (r: RecipientOutcome): string => (r.outcome === null ? "not-called" : OUTCOME_CODES[r.outcome]);
const outcomeWords = (r: RecipientOutcome): string =>
  r.outcome === null ? "not called yet" : OUTCOME_CODES[r.outcome].replace("-", " ");
const minutes = (seconds: number): string => `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
const when = (iso: string | null): string => (iso === null ? "—" : `${iso.slice(0, 16).replace("T", " ")} UTC`);
const intentOf = (r: RecipientOutcome): string => (r.optOut ? `${r.intent ?? "—"} (opt-out)` : (r.intent ?? "—"));

function headline(report: RecipientOutcomesReport): string {
  const s = report.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    `${report.taskName}  task ${report.taskId ?? "not submitted"}`,
    plural(s.recipients, "recipient"),
    `${s.called} called`,
    `${s.notCalled} not called yet`,
    `${s.reached} reached`,
    plural(s.optOuts, "opt-out"),
  ].join(" · ");
}

function cells(report: RecipientOutcomesReport): { header: string[]; rows: string[][] } {
  const names = report.columns.map((c) => c.name);
  return {
    header: ["number", ...names, "attempts", "outcome", "intent", "last call", "billed"],
    rows: report.recipients.map((r) => [
      r.calleeNumber,
      ...names.map((name) => r.variables[name] ?? ""),
      String(r.attempts),
      outcomeWords(r),
      intentOf(r),
      when(r.lastCallAt),
      minutes(r.billedLineSeconds),
    ]),
  };
}

const REVEALED = "full numbers shown (--reveal): do not paste this output anywhere public";
const CHANGED =
  "warning: the recipients in the campaign files changed since the campaign was submitted: these rows are the files' recipients now, not the ones its task calls";

/** The notes under the headline: changed recipients first, then revealed numbers. */
const notes = (report: RecipientOutcomesReport): string[] => [
  ...(report.recipientsChanged === true ? [CHANGED] : []),
  ...(report.revealed ? [REVEALED] : []),
];

/** Aligned columns for people. */
export function renderRecipientsText(raw: RecipientOutcomesReport): string {
  const report = escapeControlCharsDeep(raw);
  const { header, rows } = cells(report);
  // Folded, not spread: a campaign has up to 200,000 rows, more than a call's arguments may be.
  const widths = header.map((h, i) => rows.reduce((width, row) => Math.max(width, row[i]!.length), h.length));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const lines = [headline(report), ...notes(report), "", line(header), ...rows.map(line)];
  return lines.join("\n") + "\n";
}

/** A table for pull requests and job summaries. */
export function renderRecipientsMarkdown(raw: RecipientOutcomesReport): string {
  const report = escapeControlCharsDeep(raw);
  const { header, rows } = cells(report);
  const numeric = new Set(["attempts", "billed"]);
  return (
    [
      `### Recipients of ${mdCell(report.taskName)}`,
      "",
      mdCell(headline(report)),
      ...notes(report).flatMap((note) => ["", `> **${note}**`]),
      "",
      `| ${header.map(mdCell).join(" | ")} |`,
      `|${header.map((h) => (numeric.has(h) ? "---:" : "---")).join("|")}|`,
      ...rows.map((row) => `| ${row.map(mdCell).join(" | ")} |`),
    ].join("\n") + "\n"
  );
}

/** One line per recipient for spreadsheets: codes as the flags name them, formulas never evaluated. */
export function renderRecipientsCsv(report: RecipientOutcomesReport): string {
  const names = report.columns.map((c) => c.name);
  const header = [
    "calleeNumber",
    ...names,
    "attempts",
    "connectedCalls",
    "outcome",
    "intent",
    "optOut",
    "lastCallAt",
    "billedLineSeconds",
  ];
  const rows = report.recipients.map((r) =>
    [
      r.calleeNumber,
      ...names.map((name) => r.variables[name] ?? ""),
      String(r.attempts),
      String(r.connectedCalls),
      outcomeCode(r),
      r.intent ?? "",
      String(r.optOut),
      r.lastCallAt ?? "",
      String(r.billedLineSeconds),
    ].map(spreadsheetSafe),
  );
  return csvText(header.map(spreadsheetSafe), rows);
}
