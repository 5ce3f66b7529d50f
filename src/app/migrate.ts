import { ToolError } from "../errors/index.js";
import { canonicalJson } from "../plan/index.js";
import type { MigrateReport } from "../schema/generated/index.js";
import { fileBackend, openPgStateBackend, withLockedState } from "../state/index.js";
import type { AppContext } from "./context.js";
import { existingState } from "./state-read.js";
import { openWorkspace, type WorkspaceOptions } from "./workspace.js";

export interface Migrated {
  report: MigrateReport;
  /** Where state.backend is to be set next (undefined: no config file was found). */
  configFile: string | undefined;
}

/**
 * `campaign state migrate --to postgres|file`: copies the state, lineage, serial and history
 * unchanged, under the locks of both sides. The file side is state.path (or --state FILE), the
 * Postgres side state.url / CAMPAIGN_PG_URL and state.schema. The source is left as it was.
 */
export async function migrateState(to: string, options: WorkspaceOptions, context: AppContext): Promise<Migrated> {
  if (to !== "postgres" && to !== "file") throw new ToolError("usage", `--to takes postgres or file, not ${to}`);
  const workspace = await openWorkspace(options, context);
  const { state: settings, configFile } = workspace.config.settings;
  const file = fileBackend(workspace.absoluteStatePath, workspace.statePath, workspace.warn);
  const postgres = await openPgStateBackend(settings.url, settings.schema);
  const [source, target] = to === "postgres" ? [file, postgres] : [postgres, file];
  const request = { command: `campaign state migrate --to ${to}`, env: context.env, now: context.now() };
  try {
    return await withLockedState(source, request, context.now, (fromSource) =>
      withLockedState(target, request, context.now, async () => {
        // The target's own check (importState) refuses a target that holds a state already.
        const state = existingState(fromSource.state, source.location);
        await target.importState(state);
        const copied = await target.read();
        // Compared canonically: jsonb keeps objects, not the order of their keys.
        if (!copied || canonicalJson(copied) !== canonicalJson(state)) {
          throw new ToolError(
            "state-conflict",
            `the state read back from ${target.location} differs from what was written`,
            "nothing was changed at the source; inspect the target before trying again",
          );
        }
        const report: MigrateReport = {
          formatVersion: 1,
          command: "state migrate",
          lineage: state.lineage,
          serial: state.serial,
          campaigns: Object.keys(state.campaigns).length,
          historyEntries: state.history.length,
          from: { backend: source.kind, location: source.location },
          to: { backend: target.kind, location: target.location },
        };
        return { report, configFile };
      }),
    );
  } finally {
    await postgres.close();
  }
}
