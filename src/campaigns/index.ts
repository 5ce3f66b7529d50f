export {
  loadCampaigns,
  type CampaignFileReader,
  type CampaignDefaultsSource,
  type LoadOptions,
  type LoadedCampaign,
  type LoadResult,
} from "./load.js";
export { discoverCampaignFiles, displayPath, nodeFileReader, outsideProject, type ProjectBounds } from "./files.js";
export { fileProblem, referencedFileProblem, type OutsideProject } from "./file-problems.js";
export { parseYamlFile, type SourceDocument, type FieldPath } from "./yaml-documents.js";
export { wallTimeToEpochMs, epochMsToWallTime, isValidTimeZone } from "./platform-time.js";
export { MAX_RECIPIENTS_PER_TASK, noCampaigns } from "./checks.js";
export { validationReport, summaryLine } from "./report.js";
export { createNumberClassifier, type NumberClassifier } from "./phone-numbers.js";
export { createZoneLookup, loadPhoneTimeZones, type ZoneLookup } from "./time-zones.js";
export { examineRecipients, type Audience, type NumberChecks, type ZoneGroup } from "./audience.js";
export { recipientsFileOf } from "./recipients-source.js";
export { openMaxMetadata } from "./libphonenumber-internals.js";
