export { loadCampaigns, type CampaignFileReader, type CampaignDefaultsSource, type LoadOptions, type LoadedCampaign, type LoadResult } from "./load.js";
export { discoverCampaignFiles, nodeFileReader } from "./files.js";
export { parseYamlFile, type SourceDocument, type FieldPath } from "./yaml-documents.js";
export { wallTimeToEpochMs, epochMsToWallTime, isValidTimeZone } from "./platform-time.js";
export { MAX_RECIPIENTS_PER_TASK } from "./checks.js";
export { validationReport, summaryLine } from "./report.js";
