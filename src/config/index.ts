export { configForEnvironment, loadConfig, type ConfigOptions, type LoadedConfig } from "./load.js";
export { environmentRequired, ENVIRONMENT_NAME } from "./environment-names.js";
export { variablesOverridingEnvironment } from "./environments.js";
export {
  checkConfig,
  resolveSettings,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEZONE,
  type Settings,
  type ConfigSource,
} from "./settings.js";
