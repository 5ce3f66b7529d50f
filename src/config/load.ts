// The filesystem edge of configuration: finding and reading the config file (cosmiconfig).
import { readFile } from "node:fs/promises";
import { basename, relative, resolve } from "node:path";
import { cosmiconfig } from "cosmiconfig";
import { parseYamlFile } from "../campaigns/yaml-documents.js";
import type { FieldPath } from "../campaigns/yaml-documents.js";
import type { Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import type { CampaignConfig } from "../schema/generated/index.js";
import { checkConfig, resolveSettings, type ConfigSource, type Settings } from "./settings.js";

export const CONFIG_MODULE = "campaign";
const SEARCH_PLACES = [
  "package.json",
  ".campaignrc",
  ".campaignrc.json",
  ".campaignrc.yaml",
  ".campaignrc.yml",
  ".campaignrc.js",
  ".campaignrc.mjs",
  ".campaignrc.cjs",
  "campaign.config.json",
  "campaign.config.yaml",
  "campaign.config.yml",
  "campaign.config.js",
  "campaign.config.mjs",
  "campaign.config.cjs",
];

export interface LoadedConfig {
  settings: Settings;
  source: ConfigSource;
  diagnostics: Diagnostic[];
}

/** Finds (or reads the given) config file, validates it and resolves the settings. */
export async function loadConfig(options: { cwd: string; configFile?: string; env: Record<string, string | undefined> }): Promise<LoadedConfig> {
  const explorer = cosmiconfig(CONFIG_MODULE, { searchPlaces: SEARCH_PLACES, searchStrategy: "project", cache: false });
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    result = options.configFile ? await explorer.load(resolve(options.cwd, options.configFile)) : await explorer.search(options.cwd);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new ToolError("config-not-found", `config file ${options.configFile} does not exist`, "check the --config path");
    throw new ToolError("config-invalid", `cannot read config ${options.configFile ?? ""}: ${firstLine(error)}`.trim(), "fix the syntax of the config file");
  }
  const file = result ? displayPath(result.filepath, options.cwd) : undefined;
  const value = result?.isEmpty ? {} : (result?.config ?? {});
  const source = await configSource(file, result?.filepath, value);
  const diagnostics = checkConfig(source);
  const settings = resolveSettings(diagnostics.length === 0 ? (value as CampaignConfig) : {}, file, options.env);
  return { settings, source, diagnostics };
}

/** Positions for config errors: JSON and YAML files are re-read as YAML (JSON is YAML). */
async function configSource(file: string | undefined, absolute: string | undefined, value: unknown): Promise<ConfigSource> {
  const fallback = { file: file ?? "(no config file)", line: 1, column: 1 };
  const none: ConfigSource = { file, value, locate: () => fallback, locateKey: () => fallback };
  if (!file || !absolute || /\.(c|m)?js$/.test(absolute)) return none;
  const text = await readFile(absolute, "utf8").catch(() => undefined);
  const document = text === undefined ? undefined : parseYamlFile(file, text).documents[0];
  if (!document) return none;
  const prefix: FieldPath = basename(absolute) === "package.json" ? [CONFIG_MODULE] : [];
  return {
    file,
    value,
    locate: (path) => document.locate([...prefix, ...path]),
    locateKey: (path) => document.locateKey([...prefix, ...path]),
  };
}

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel.startsWith("..") ? absolute : rel;
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
}
