export type OutputFormat = "text" | "json" | "markdown";

/** Every JSON result and error document is written the same way: one document, indented, one line ending. */
export function jsonView(document: unknown): string {
  return JSON.stringify(document, null, 2) + "\n";
}

/** A streaming command's started-document: one line, so a script can read it while the command runs. */
export function jsonLineView(document: unknown): string {
  return JSON.stringify(document) + "\n";
}
