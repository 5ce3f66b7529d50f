import { sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import type { ValidationReport } from "../schema/generated/index.js";
import type { LoadedCampaign } from "./load.js";

/** The result of `campaign validate`, as data (rendered as text or JSON by the CLI). */
export function validationReport(
  campaigns: readonly LoadedCampaign[],
  diagnostics: readonly Diagnostic[],
): ValidationReport {
  const sorted = sortDiagnostics(diagnostics);
  const errors = sorted.filter((d) => d.severity === "error").length;
  const valid = campaigns.filter((c) => c.valid).length;
  return {
    formatVersion: 1,
    valid: errors === 0 && campaigns.every((c) => c.valid),
    summary: {
      campaigns: campaigns.length,
      valid,
      invalid: campaigns.length - valid,
      errors,
      warnings: sorted.length - errors,
      recipients: campaigns.reduce((n, c) => n + (c.valid ? c.recipientCount : 0), 0),
    },
    campaigns: campaigns.map((c) => ({
      taskName: c.taskName ?? null,
      file: c.source.file,
      line: c.source.line,
      ...(c.row ? { row: { file: c.row.file, line: c.row.line } } : {}),
      valid: c.valid,
      recipients: c.valid ? c.recipientCount : 0,
    })),
    diagnostics: sorted,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `3 campaigns valid, 1 invalid, 2 warnings` */
export function summaryLine(report: ValidationReport): string {
  const s = report.summary;
  if (s.campaigns === 0 && s.errors === 0) return "no campaigns found";
  const parts = [`${plural(s.valid, "campaign")} valid`, `${s.invalid} invalid`, plural(s.warnings, "warning")];
  // Errors outside any campaign (an unreadable file) must still show in the summary.
  if (s.invalid === 0 && s.errors > 0) parts.push(plural(s.errors, "error"));
  return parts.join(", ");
}
