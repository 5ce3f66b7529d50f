import { sortDiagnostics, type Diagnostic } from "../diagnostics/index.js";
import { escapeControlChars } from "../privacy/index.js";
import { palette } from "./style.js";

export interface DiagnosticStyle {
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain: DiagnosticStyle = palette(false);

/** Compiler form, so editors and CI annotate it: `file:line:col: error CODE: message` + `  hint: …`. */
export function renderDiagnostic(d: Diagnostic, style: DiagnosticStyle = plain): string {
  const severity = d.severity === "error" ? style.red("error") : style.yellow("warning");
  // File names and messages may carry user text: control characters are shown escaped.
  const e = escapeControlChars;
  let text = `${style.bold(`${e(d.file)}:${d.line}:${d.column}`)}: ${severity} ${e(d.code)}: ${e(d.message)}\n`;
  if (d.hint) text += `  ${style.dim("hint:")} ${e(d.hint)}\n`;
  return text;
}

/** Several, in the stable order (file, line, column; errors first). */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], style: DiagnosticStyle = plain): string {
  return sortDiagnostics(diagnostics)
    .map((d) => renderDiagnostic(d, style))
    .join("");
}
