export { loadConfig, type LoadedConfig } from "./load.js";
export {
  checkConfig,
  resolveSettings,
  DEFAULT_BASE_URL,
  DEFAULT_TIMEZONE,
  type Settings,
  type ConfigSource,
} from "./settings.js";
