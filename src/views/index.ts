// The views: pure functions from a use case's result to text for people (coloured on a
// terminal through `palette`), markdown for pull requests, or JSON for machines (`jsonView`,
// the one way a JSON document is written). The CLI picks one by --format; nothing here prints.
// One module per result, as listed here.
export { jsonLineView, jsonView, type OutputFormat } from "./format.js";
export { palette, type Paint } from "./style.js";
export { renderDiagnostic, renderDiagnostics, type DiagnosticStyle } from "./diagnostics.js";
export { errorDocument, renderFailure, type FailureView } from "./error.js";
export { ROOT_HELP, STOP_HELP } from "./help.js";
// campaign validate
export { renderValidation } from "./validation.js";
// campaign plan (and the plan apply shows before it asks)
export { renderPlan } from "./plan.js";
export { renderPlanText, formatValue, roundsLine, countriesLine, type TextStyle } from "./plan-text.js";
export { renderPlanMarkdown } from "./plan-markdown.js";
export { planSummaryLine, outsidePathsLine } from "./plan-summary.js";
// campaign apply
export { approvalQuestion, renderApplyReport, renderApplyResult } from "./apply-report.js";
// campaign state list | show, resolve | forget, migrate, force-unlock
export { renderStateListText, renderStateShowText, stateListJson, stateShowJson } from "./state-view.js";
export { migrateNextStep, renderForceUnlockText, renderMigrateText, renderStateChangeText } from "./command-result.js";
// campaign refresh (and plan --refresh, state resolve --check)
export { REFRESH_INTERRUPTED_NOTE, refreshJson, renderRefreshText } from "./refresh.js";
// campaign outcomes, reports import, receive and simulator (started documents)
export { renderOutcomes, renderOutcomesMarkdown, renderOutcomesText } from "./outcomes.js";
export { renderOutcomesHtml } from "./outcomes-html.js";
export { renderRecipientOutcomes } from "./recipient-outcomes.js";
export { renderOutcomesExport } from "./outcomes-export.js";
export { renderReportsImport } from "./reports-import.js";
export { renderReceiverStarted, renderSimulatorStarted } from "./started.js";
// campaign doctor, init, demo
export { renderDoctor } from "./doctor.js";
export { renderInit } from "./init.js";
export { demoDelivered, demoIntro, demoNext, demoStep } from "./demo.js";
