import { summaryLine } from "../campaigns/index.js";
import type { ValidationReport } from "../schema/generated/index.js";
import { renderDiagnostic } from "./diagnostics.js";
import { jsonView, type OutputFormat } from "./format.js";
import { palette } from "./style.js";

/** `campaign validate`'s report: diagnostics in the compiler form and a summary line, a markdown table, or JSON. */
export function renderValidation(
  report: ValidationReport,
  format: OutputFormat,
  options: { quiet: boolean; color: boolean },
): string {
  if (format === "json") return jsonView(report);
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === "error") : report.diagnostics;
  if (format === "markdown") {
    const rows = shown.map(
      (d) =>
        `| ${d.severity} | \`${d.file}:${d.line}:${d.column}\` | \`${d.code}\` | ${escapeCell(d.message)}${d.hint ? `<br>hint: ${escapeCell(d.hint)}` : ""} |`,
    );
    const table = rows.length > 0 ? `\n| | where | code | problem |\n|---|---|---|---|\n${rows.join("\n")}\n` : "";
    return `### Campaign validation: ${report.valid ? "✅" : "❌"} ${summaryLine(report)}\n${table}`;
  }
  const paint = palette(options.color);
  const lines = shown.map((d) => renderDiagnostic(d, paint)).join("");
  const summary = report.valid ? paint.green(summaryLine(report)) : paint.red(summaryLine(report));
  return `${lines}${lines ? "\n" : ""}${summary}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
