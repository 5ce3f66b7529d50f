// Which state a workspace may open: never a state's sidecar or the config file, never another
// environment's state, and never a new, empty state while one that records the same account's
// tasks lies where environments keep theirs (a first apply would submit all of them again).
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { configForEnvironment, ENVIRONMENT_NAME, type LoadedConfig } from "../config/index.js";
import { ToolError } from "../errors/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { AppContext } from "./context.js";

// Names the tool keeps beside a state (journal, lock, new-state salt, temp files): a state there
// would be a second, empty state (every applied campaign planned again) that corrupts the first.
const STATE_SIDECAR = /\.(journal|lock|new-salt|tmp)$/;

/** `--state FILE` (or state.path) must not name a state's sidecar file or the config file. */
export function refuseReservedStatePath(statePath: string, config: LoadedConfig, cwd: string): void {
  const configFile = config.settings.configFile;
  if (
    STATE_SIDECAR.test(statePath) ||
    (configFile !== undefined && resolve(cwd, statePath) === resolve(cwd, configFile))
  ) {
    throw new ToolError(
      "usage",
      `${statePath} cannot be a state file: that name is ${STATE_SIDECAR.test(statePath) ? "reserved for the journal, lock and temporary files beside a state" : "the config file"}`,
      "pass the state file itself (e.g. --state .campaign/state.json)",
    );
  }
}

/** `--state FILE` naming another declared environment's state: its tasks are on another account. */
export function refuseOtherEnvironmentState(statePath: string, config: LoadedConfig, context: AppContext): void {
  if (config.environment === undefined) return;
  const given = resolve(context.cwd, statePath);
  for (const name of config.environments) {
    if (name === config.environment) continue;
    const { settings } = configForEnvironment(config, name, context);
    if (settings.state.backend !== "file" || resolve(context.cwd, settings.statePath) !== given) continue;
    throw new ToolError(
      "state-conflict",
      `--state ${maskSensitiveText(statePath)} is the state of environment ${name}, not of ${config.environment}: its tasks were submitted to another account`,
      `drop --state to use ${config.environment}'s own (${config.settings.statePath}), or run with --env ${name}`,
      { file: maskSensitiveText(statePath) },
    );
  }
}

/**
 * The state of before environments were declared (the state file above them) that no environment
 * uses: planning an environment against its own, new state would submit every campaign in it again.
 */
export async function refuseStateLeftBehind(config: LoadedConfig, context: AppContext): Promise<void> {
  if (config.environment === undefined) return;
  const above = configForEnvironment(config, undefined, context).settings;
  if (above.state.backend !== "file") return;
  const used = new Set(
    config.environments
      .map((name) => configForEnvironment(config, name, context).settings)
      .filter((s) => s.state.backend === "file")
      .map((s) => resolve(context.cwd, s.statePath)),
  );
  const own = config.settings.statePath;
  if (!used.has(resolve(context.cwd, above.statePath)) && (await isFile(resolve(context.cwd, above.statePath))))
    throw new ToolError(
      "state-conflict",
      `the state ${above.statePath} is used by no environment: each environment has its own (${config.environment}: ${own}), so planning against it would submit every campaign in ${above.statePath} again`,
      `keep it for the environment it records: set state.path: ${above.statePath} under environments.${config.environment} in the config (or move it to ${own}); delete it if it is no longer needed`,
      { file: above.statePath },
    );
  await refuseRenamedEnvironmentState(config, above.statePath, used, context);
}

/**
 * The state of an environment no longer declared (removed, or renamed: `prod` → `production`),
 * where each environment's own state goes (.campaign/<name>/state.json), while the chosen one has
 * none yet: if it records this account, a first apply would submit every campaign in it again.
 */
async function refuseRenamedEnvironmentState(
  config: LoadedConfig,
  aboveStatePath: string,
  used: ReadonlySet<string>,
  context: AppContext,
): Promise<void> {
  const { state, statePath } = config.settings;
  if (state.backend !== "file" || (await isFile(resolve(context.cwd, statePath)))) return;
  const parent = dirname(aboveStatePath);
  const entries = await readdir(resolve(context.cwd, parent), { withFileTypes: true }).catch(() => []);
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    // Only a name that could have been an environment's: other folders there are none of ours.
    if (!entry.isDirectory() || !ENVIRONMENT_NAME.test(entry.name) || config.environments.includes(entry.name))
      continue;
    const found = join(parent, entry.name, basename(aboveStatePath));
    const absolute = resolve(context.cwd, found);
    if (used.has(absolute) || !(await isFile(absolute))) continue;
    const name = JSON.stringify(maskSensitiveText(entry.name.slice(0, 40)));
    const shown = maskSensitiveText(found);
    throw new ToolError(
      "state-conflict",
      `the state ${shown} belongs to no declared environment (${name} is not one of ${config.environments.join(", ")}), and ${config.environment} has no state yet: if it records ${config.environment}'s account, planning against a new state would submit every campaign in it again`,
      `if the environment was renamed, rename it back to ${name} in the config, or move ${shown} to ${statePath} (its .journal too); delete it if it is no longer needed`,
      { file: shown },
    );
  }
}

const isFile = (path: string): Promise<boolean> =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
