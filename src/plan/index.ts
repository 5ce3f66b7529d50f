export { plan, type PlanInput } from "./plan.js";
export { withinPaths } from "./scope.js";
export { describeDesired, settingsOf, type DesiredCampaign, type Hasher } from "./desired.js";
export { canonicalJson } from "./canonical.js";
export { nameIndex, ownEntry } from "./by-name.js";
export { cancelAction, cancelSummary } from "./cancel.js";
export { clockGuardFindings, guardFindings, type CostSettings, type GuardInput } from "./guards.js";
export { estimateOf, FORECAST_ASSUMPTIONS, MIN_HISTORY_CALLS, type SeriesHistory } from "./estimate.js";
export { optOutFindings, type OptedOutRecipients } from "./opt-outs.js";
