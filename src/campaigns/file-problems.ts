// Diagnostics for input files that cannot be read: what the file is, where it is referenced.
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import type { FileProblem } from "../files/index.js";

/** A referenced file that resolves (symlinks followed) outside the project root. */
export interface OutsideProject extends Omit<FileProblem, "kind"> {
  kind: "outside-project";
  /** Where the path really leads. */
  resolved: string;
  /** The project root it left. */
  root: string;
}

/** A file that cannot be read, at the file (the first bad byte for invalid UTF-8). */
export function fileProblem(problem: FileProblem | OutsideProject, file: string): Diagnostic {
  return errorAt({
    code: problemCode(problem),
    message: problem.message,
    hint: problemHint(problem),
    at: { file, line: problem.line ?? 1, column: problem.column ?? 1 },
  });
}

export interface Reference {
  /** The field that names the file: recipientsFile, guards.suppressionLists[0]. */
  name: string;
  /** The path as written there. */
  written: string;
  /** The path resolved, as diagnostics show it. */
  file: string;
  referencedAt: SourcePosition;
  field: string;
  /** What the path is relative to, when not the campaign file (a base's) or the config's directory. */
  relativeTo?: string;
}

/**
 * A referenced file that cannot be read. Missing or outside the project: the error is at the
 * field naming it. Otherwise at the file (the bad byte, or its start), naming the field's place.
 */
export function referencedFileProblem(problem: FileProblem | OutsideProject, ref: Reference): Diagnostic {
  const { referencedAt, field } = ref;
  if (problem.kind === "missing") {
    return errorAt({
      code: ref.name === "recipientsFile" ? "recipients-file-not-found" : "file-not-found",
      message: `${ref.name} ${ref.written} cannot be read (looked for ${ref.file})`,
      hint:
        ref.relativeTo !== undefined
          ? `the path is relative to ${ref.relativeTo}`
          : ref.name === "recipientsFile"
            ? "the path is relative to the campaign file"
            : "the path is relative to the config file's directory",
      at: referencedAt,
      field,
    });
  }
  if (problem.kind === "outside-project") {
    return errorAt({
      code: "path-outside-project",
      message: `${ref.name} ${ref.written} resolves to ${problem.resolved}, outside the project ${problem.root}`,
      hint: problemHint(problem),
      at: referencedAt,
      field,
    });
  }
  return errorAt({
    code: problemCode(problem),
    message: problem.message,
    hint: `named in ${ref.name} at ${referencedAt.file}:${referencedAt.line}:${referencedAt.column}; ${problemHint(problem)}`,
    at: { file: ref.file, line: problem.line ?? 1, column: problem.column ?? 1 },
    related: [{ ...referencedAt, message: "referenced here" }],
  });
}

function problemCode(problem: FileProblem | OutsideProject): string {
  switch (problem.kind) {
    case "missing":
    case "unreadable":
      return "file-unreadable";
    case "not-regular":
      return "file-not-regular";
    case "too-large":
      return "file-too-large";
    case "invalid-utf8":
      return "invalid-utf8";
    case "outside-project":
      return "path-outside-project";
  }
}

function problemHint(problem: FileProblem | OutsideProject): string {
  switch (problem.kind) {
    case "missing":
    case "unreadable":
      return "check that the file exists and is readable";
    case "not-regular":
      return "point it at a regular file";
    case "too-large":
      return "split it into smaller files";
    case "invalid-utf8":
      return 'save the file as UTF-8 (a spreadsheet\'s "CSV UTF-8" export)';
    case "outside-project":
      return "CI reviews only what is in the repository: move the file into the project, or set allowPathsOutsideProject: true in the config";
  }
}
