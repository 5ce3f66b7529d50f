import { escapeControlChars } from "../privacy/index.js";
import type { ErrorDocument, ErrorReport } from "../schema/generated/index.js";
import { jsonView } from "./format.js";

/** What the error views need of a failure: its report, and a bug's stack (shown with CAMPAIGN_DEBUG=1). */
export interface FailureView {
  report: ErrorReport;
  stack?: string;
}

/** `file:line:col: error CODE: message` (or `error CODE: message`, the message naming the file) and the hint, for stderr. */
export function renderFailure(failure: FailureView, env: Readonly<Record<string, string | undefined>>): string {
  const { code, message, hint, file, line, column, diagnostics } = failure.report;
  // With diagnostics the position is their first error's, already printed with it above.
  const where =
    file === undefined || line === undefined || diagnostics !== undefined ? "" : `${file}:${line}:${column ?? 1}: `;
  // Messages quote user text (names, paths, platform words): escaped here too, so a colour
  // terminal (where the output-wide escaping keeps escape codes) never sees a raw one.
  const [safeWhere, safeMessage, safeHint] = [where, message, hint].map(escapeControlChars);
  const head = code === "internal" ? `${safeMessage}\n` : `${safeWhere}error ${code}: ${safeMessage}\n`;
  const stack = failure.stack && env["CAMPAIGN_DEBUG"] === "1" ? `${failure.stack}\n` : "";
  return `${head}  hint: ${safeHint}\n${stack}`;
}

export function errorDocument(failure: FailureView): string {
  const document: ErrorDocument = { formatVersion: 1, error: failure.report };
  return jsonView(document);
}
