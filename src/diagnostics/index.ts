import type { Diagnostic, RelatedLocation } from "../schema/generated/index.js";

export type { Diagnostic, RelatedLocation };
export type Severity = Diagnostic["severity"];

/** A place in a source file; line and column start at 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface DiagnosticInput {
  code: string;
  message: string;
  hint?: string;
  at: SourcePosition;
  field?: string;
  related?: RelatedLocation[];
}

function make(severity: Severity, input: DiagnosticInput): Diagnostic {
  const diagnostic: Diagnostic = {
    severity,
    code: input.code,
    message: input.message,
    file: input.at.file,
    line: input.at.line,
    column: input.at.column,
  };
  if (input.hint !== undefined) diagnostic.hint = input.hint;
  if (input.field !== undefined) diagnostic.field = input.field;
  if (input.related !== undefined && input.related.length > 0) diagnostic.related = input.related;
  return diagnostic;
}

export const errorAt = (input: DiagnosticInput): Diagnostic => make("error", input);
export const warningAt = (input: DiagnosticInput): Diagnostic => make("warning", input);

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for output: by file, then line, then column, errors before warnings. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}
