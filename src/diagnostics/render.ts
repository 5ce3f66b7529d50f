import type { Diagnostic } from "./index.js";

export interface DiagnosticStyle {
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain: DiagnosticStyle = { red: (t) => t, yellow: (t) => t, bold: (t) => t, dim: (t) => t };

/** Compiler form, so editors and CI annotate it: `file:line:col: error CODE: message` + `  hint: …`. */
export function renderDiagnostic(d: Diagnostic, style: DiagnosticStyle = plain): string {
  const severity = d.severity === "error" ? style.red("error") : style.yellow("warning");
  let text = `${style.bold(`${d.file}:${d.line}:${d.column}`)}: ${severity} ${d.code}: ${d.message}\n`;
  if (d.hint) text += `  ${style.dim("hint:")} ${d.hint}\n`;
  return text;
}
