export { plan, planSummaryLine, outsidePathsLine, type PlanInput } from "./plan.js";
export { withinPaths } from "./scope.js";
export { describeDesired, settingsOf, type DesiredCampaign, type Hasher } from "./desired.js";
export { canonicalJson } from "./canonical.js";
export { nameIndex, ownEntry } from "./by-name.js";
export { renderPlanText, formatValue, type TextStyle } from "./render-text.js";
export { renderPlanMarkdown } from "./render-markdown.js";
export { guardFindings, type GuardInput } from "./guards.js";
