import type { Migrated } from "../app/migrate.js";
import type { ForceUnlockReport, StateChangeReport } from "../schema/generated/index.js";

// The results of the commands that repair or move the state (schemas/command-result.schema.json
// for json: the report itself, through jsonView): one sentence for people.

/** `state resolve` / `state forget`: what was done, and the serial it made. */
export function renderStateChangeText(report: StateChangeReport): string {
  const done =
    report.command === "state forget"
      ? `forgot "${report.taskName}"`
      : `resolved "${report.taskName}" as ${report.status === "submitted" ? "submitted" : "not submitted (the next plan will create it again)"}`;
  return `${done}; state serial ${report.state.serial}.\n`;
}

export function renderForceUnlockText(report: ForceUnlockReport): string {
  return `Removed lock ${report.lockId} (${report.description}).\n`;
}

/** What to do once the state has moved; with json it goes to stderr, so stdout keeps the one document. */
export function migrateNextStep({ report, configFile }: Migrated): string {
  return `Next: set state.backend: ${report.to.backend} in ${configFile ?? "the config"}. The source is left as it was: keep it as a backup, but do not apply with it (it stops at serial ${report.serial}).\n`;
}

export function renderMigrateText(migrated: Migrated): string {
  const { report } = migrated;
  return `Moved the state (lineage ${report.lineage}, serial ${report.serial}, ${report.campaigns} campaigns, ${report.historyEntries} history entries) from ${report.from.location} to ${report.to.location}.\n${migrateNextStep(migrated)}`;
}
