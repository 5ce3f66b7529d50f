// Renderers: pure functions from a use case's result to text for people (text), pull-request
// comments (markdown) or machines (json). The CLI picks one by --format; nothing here prints.
export type { OutputFormat } from "./format.js";
export { jsonView } from "./format.js";
export { palette, type Paint } from "./style.js";
export { renderDiagnostic, renderDiagnostics, type DiagnosticStyle } from "./diagnostics.js";
export { renderPlanText, formatValue, type TextStyle } from "./plan-text.js";
export { renderPlanMarkdown } from "./plan-markdown.js";
export { planSummaryLine, outsidePathsLine } from "./plan-summary.js";
