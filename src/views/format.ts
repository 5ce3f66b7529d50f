export type OutputFormat = "text" | "json" | "markdown";

/** Every JSON result and error document is written the same way: one document, indented, one line ending. */
export function jsonView(document: unknown): string {
  return JSON.stringify(document, null, 2) + "\n";
}
