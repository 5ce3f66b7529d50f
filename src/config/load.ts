// The filesystem edge of configuration: finding and reading the config file. The search places
// are cosmiconfig's, but the search is our own: every candidate in a directory is looked at, so
// two config files are an error rather than one silently winning, and nothing is read that is
// not a regular file.
import { stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { errorAt, hasErrors, type Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import type { CampaignConfig } from "../schema/generated/index.js";
import { displayPath } from "../campaigns/files.js";
import { CONFIG_MODULE, parseConfig, readConfigText, type ConfigRead } from "./read.js";
import { checkConfig, resolveSettings, type ConfigSource, type Settings } from "./settings.js";
import { chooseEnvironment, declaredEnvironments } from "./environment-names.js";
import { environmentConfig, environmentProblems, environmentSource, withoutEnvironments } from "./environments.js";

export { CONFIG_MODULE };
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
  /** The settings' source: each key located where it was written (in the chosen environment, or above it). */
  source: ConfigSource;
  diagnostics: Diagnostic[];
  /** Absolute: the config file's directory, else the working directory. Referenced files stay inside it. */
  projectRoot: string;
  /** The environment chosen (--env, CAMPAIGN_ENV), whose overrides the settings hold. */
  environment: string | undefined;
  /** The environments the config declares (none: there is one, unnamed). */
  environments: readonly string[];
  /** The config file as read, every environment in it. */
  document: ConfigSource;
}

type Found = { absolute: string; file: string; read: ConfigRead };

export interface ConfigOptions {
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Finds (or reads the given) config file, validates it and resolves the settings of the chosen environment. */
export async function loadConfig(
  options: ConfigOptions & { configFile?: string | undefined; environment?: string | undefined },
): Promise<LoadedConfig> {
  const found = options.configFile
    ? await readGiven(resolve(options.cwd, options.configFile), options)
    : await search(options.cwd);
  const unread = (file: string | undefined, diagnostics: Diagnostic[], projectRoot: string): LoadedConfig => {
    const source = sourceAt(file ?? "(no config file)", {});
    const document = file === undefined ? { ...source, file: undefined } : source;
    return {
      settings: fromProjectRoot(resolveSettings({}, file, options.env), projectRoot, options.cwd),
      source: document,
      diagnostics,
      projectRoot,
      environment: undefined,
      environments: [],
      document,
    };
  };
  if (found === undefined) {
    const config = unread(undefined, checkConfig(sourceAt("(no config file)", {})), options.cwd);
    return { ...config, environment: chooseEnvironment([], options.environment, options.env, undefined) };
  }
  if ("diagnostics" in found) return unread(found.diagnostics[0]!.file, found.diagnostics, options.cwd);
  const { read, file } = found;
  const projectRoot = dirname(found.absolute);
  if (!read.ok) return unread(file, read.diagnostics, projectRoot);
  const document: ConfigSource = { file, value: read.value, locate: read.locate, locateKey: read.locateKey };
  const environments = declaredEnvironments(read.value);
  const config: LoadedConfig = {
    ...unread(file, checkConfig(document), projectRoot),
    source: document,
    document,
    environments,
  };
  if (hasErrors(config.diagnostics)) return config;
  // Rules across environments need each one's settings; they are errors of the config like any other.
  const each = environments.map((name) => ({ name, settings: configForEnvironment(config, name, options).settings }));
  const across = environmentProblems(document, each, options.cwd);
  if (across.length > 0) return { ...config, diagnostics: [...config.diagnostics, ...across] };
  const chosen = chooseEnvironment(environments, options.environment, options.env, file);
  return configForEnvironment(config, chosen, options);
}

/** The loaded config as environment `name` (undefined: the keys above every environment) sees it. */
export function configForEnvironment(
  config: LoadedConfig,
  name: string | undefined,
  options: ConfigOptions,
): LoadedConfig {
  const whole = config.document.value as CampaignConfig;
  const value = name === undefined ? withoutEnvironments(whole) : environmentConfig(whole, name);
  const settings = fromProjectRoot(
    resolveSettings(value, config.document.file, options.env),
    config.projectRoot,
    options.cwd,
  );
  const source = name === undefined ? config.document : environmentSource(config.document, name, value);
  return { ...config, settings, source, environment: name };
}

/**
 * Paths in the config are relative to the config file's directory, not to wherever the command
 * runs: from a subdirectory, `state.path` must still be the one state (a second, empty state
 * there would plan every applied campaign as new). They are rewritten relative to the working
 * directory, the form every command resolves and shows paths in.
 */
function fromProjectRoot(settings: Settings, projectRoot: string, cwd: string): Settings {
  if (resolve(projectRoot) === resolve(cwd)) return settings;
  const rebase = (path: string): string => (isAbsolute(path) ? path : relative(cwd, resolve(projectRoot, path)) || ".");
  const { guards } = settings;
  return {
    ...settings,
    campaignsDir: rebase(settings.campaignsDir),
    statePath: rebase(settings.statePath),
    reports: { ...settings.reports, path: rebase(settings.reports.path) },
    guards: guards.suppressionLists ? { ...guards, suppressionLists: guards.suppressionLists.map(rebase) } : guards,
  };
}

function sourceAt(file: string, value: unknown): ConfigSource {
  const at = { file, line: 1, column: 1 };
  return { file, value, locate: () => at, locateKey: () => at };
}

async function readGiven(
  absolute: string,
  options: { cwd: string; configFile?: string },
): Promise<Found | { diagnostics: Diagnostic[] }> {
  const file = displayPath(absolute, options.cwd);
  const text = await readConfigText(absolute, file);
  if (!text.ok) {
    if (text.problem.kind === "missing")
      throw new ToolError(
        "config-not-found",
        `config file ${options.configFile} does not exist`,
        "check the --config path",
      );
    return { diagnostics: [text.diagnostic] };
  }
  return { absolute, file, read: await parseConfig(absolute, file, text.text) };
}

/**
 * cosmiconfig's "project" search: the working directory, then each parent up to the first that
 * holds a package.json. The first directory with a (non-empty) config file decides; two there is an error.
 */
async function search(cwd: string): Promise<Found | { diagnostics: Diagnostic[] } | undefined> {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidates: Found[] = [];
    for (const place of SEARCH_PLACES) {
      const absolute = join(dir, place);
      const info = await stat(absolute).catch(() => undefined);
      if (!info || info.isDirectory()) continue;
      const file = displayPath(absolute, cwd);
      const text = await readConfigText(absolute, file);
      if (!text.ok) return { diagnostics: [text.diagnostic] };
      if (text.text.trim() === "") continue;
      // package.json is a config only with a "campaign" key; other files are read once chosen (a JS file runs).
      const read: ConfigRead =
        place === "package.json" || candidates.length === 0
          ? await parseConfig(absolute, file, text.text)
          : { ok: true, empty: false, ...sourceAt(file, {}) };
      if (read.ok && read.empty) continue;
      candidates.push({ absolute, file, read });
    }
    if (candidates.length > 1) return { diagnostics: [twoConfigs(dir, candidates, cwd)] };
    if (candidates[0]) return candidates[0];
    const hasPackage = await Promise.all(
      ["package.json", "package.yaml"].map((name) =>
        stat(join(dir, name)).then(
          () => true,
          () => false,
        ),
      ),
    );
    if (hasPackage.includes(true) || dirname(dir) === dir) return undefined;
  }
}

function twoConfigs(dir: string, candidates: readonly Found[], cwd: string): Diagnostic {
  const names = candidates.map((c) =>
    basename(c.absolute) === "package.json" ? `${c.file} (its "${CONFIG_MODULE}" key)` : c.file,
  );
  const [first, ...others] = candidates;
  return errorAt({
    code: "config-conflict",
    message: `${candidates.length} config files in ${displayPath(dir, cwd) || "."}: ${names.slice(0, -1).join(", ")} and ${names.at(-1)}; only one may configure the tool`,
    hint: "merge them into one file and delete the others",
    at: { file: first!.file, line: 1, column: 1 },
    related: others.map((c) => ({ file: c.file, line: 1, column: 1, message: "also a config file" })),
  });
}
