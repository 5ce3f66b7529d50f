// Partials: files and folders whose names start with `_` hold bases (`extends`), never campaigns.
// A directory search skips them; a partial file named on the command line (or one inside a
// partial folder) is skipped with a warning.
import { errorAt, warningAt, type Diagnostic } from "../diagnostics/index.js";

/** A file or folder name that marks a partial. */
export function isPartialName(name: string): boolean {
  return name.startsWith("_");
}

/**
 * The partial a path names, as a warning; undefined for a campaign file. Below a campaigns
 * directory (`campaignsDirs`, in the form the path is in) every folder counts, as in a directory
 * search (`campaigns/_shared/full.yaml`); elsewhere the file's name alone.
 */
export function partialSkipped(file: string, campaignsDirs: readonly string[] = []): Diagnostic | undefined {
  const segments = segmentsOf(file);
  const below = campaignsDirs
    .map(segmentsOf)
    .filter((dir) => dir.length < segments.length && dir.every((s, i) => s === segments[i]))
    .map((dir) => segments.slice(dir.length));
  const named = below.length > 0 ? below.reduce((a, b) => (a.length >= b.length ? a : b)) : segments.slice(-1);
  const index = named.findIndex(isPartialName);
  if (index < 0) return undefined;
  const why =
    index === named.length - 1
      ? "its name starts with _"
      : `it lies in the folder ${named[index]}, whose name starts with _`;
  return warningAt({
    code: "partial-not-a-campaign",
    message: `${file} is a partial (${why}): it is read only where a campaign extends it, never as a campaign`,
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

function segmentsOf(path: string): string[] {
  return path.split(/[/\\]/).filter((segment) => segment !== "" && segment !== ".");
}
