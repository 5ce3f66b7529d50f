export { plan, type PlanInput } from "./plan.js";
export { withinPaths } from "./scope.js";
export { describeDesired, settingsOf, type DesiredCampaign, type Hasher } from "./desired.js";
export { canonicalJson } from "./canonical.js";
export { nameIndex, ownEntry } from "./by-name.js";
export { cancelAction, cancelSummary } from "./cancel.js";
export { clockGuardFindings, guardFindings, type GuardInput } from "./guards.js";
