// Partials: files and folders whose names start with `_` hold bases (`extends`), never campaigns.
// A directory search skips them; a partial file named on the command line is skipped with a warning.
import { errorAt, warningAt, type Diagnostic } from "../diagnostics/index.js";

/** A file or folder name that marks a partial. */
export function isPartialName(name: string): boolean {
  return name.startsWith("_");
}

/** The partial a path names (by its file name), as a warning; undefined for a campaign file. */
export function partialSkipped(file: string): Diagnostic | undefined {
  const name = file.split(/[/\\]/).pop() ?? file;
  if (!isPartialName(name)) return undefined;
  return warningAt({
    code: "partial-not-a-campaign",
    message: `${file} is a partial (its name starts with _): it is read only where a campaign extends it, never as a campaign`,
    hint: "name the campaign files that extend it instead, or rename the file without the leading _ if it is a campaign",
    at: { file, line: 1, column: 1 },
  });
}

/** A base or forEach rows file (.yaml) that is also among the campaign files, where it fails: it wants a partial's name. */
export function partialNameWanted(file: string, role: "a base" | "forEach rows"): Diagnostic {
  const name = file.split(/[/\\]/).pop() ?? file;
  return errorAt({
    code: "partial-without-underscore",
    message: `${file} is read as ${role}, and also as a campaign file (it lies among the campaigns)`,
    hint: `give it a partial's name (_${name}) so it is read only as ${role}${role === "forEach rows" ? ", or make it a .csv" : ""}`,
    at: { file, line: 1, column: 1 },
  });
}
