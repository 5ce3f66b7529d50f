import type { RefreshOutcome } from "../app/refresh.js";
import { ownEntry } from "../plan/index.js";
import type { RefreshReport } from "../schema/generated/index.js";
import { jsonView } from "./format.js";

/** What the platform said, one line a campaign, then the serial recorded. */
export function renderRefreshText({ after, result }: RefreshOutcome): string {
  if (!after) return "No state yet: nothing to refresh.\n";
  const lines = [
    ...result.findings.map((f) => `  ${f.taskName}: ${f.summary}\n`),
    ...result.failures.map((f) => `  error refresh-failed: ${f.taskName}: ${f.message}\n`),
    `Refreshed ${result.findings.length} campaign${result.findings.length === 1 ? "" : "s"} from the platform; state serial ${after.serial}.\n`,
  ];
  return lines.join("");
}

/** schemas/command-result.schema.json: each campaign's finding with its status before and after. */
export function refreshJson(command: RefreshReport["command"], outcome: RefreshOutcome): string {
  const { location, before, after, result } = outcome;
  const report: RefreshReport = {
    formatVersion: 1,
    command,
    state: after ? { location, lineage: after.lineage, serial: after.serial } : null,
    campaigns: result.findings.map((f) => {
      const was = ownEntry(before?.campaigns, f.taskName)!;
      const now = ownEntry(after?.campaigns, f.taskName) ?? was;
      return {
        taskName: f.taskName,
        finding: f.finding,
        summary: f.summary,
        previousStatus: was.status,
        status: now.status,
        ...(now.taskId !== undefined ? { taskId: now.taskId } : {}),
        ...(f.finding === "status" && now.platform ? { platform: now.platform } : {}),
        ...(f.finding === "status" && now.recall ? { recall: now.recall } : {}),
      };
    }),
    failures: result.failures,
    interrupted: result.interrupted,
  };
  return jsonView(report);
}

/** On stderr after an interrupted refresh: what was and was not recorded. */
export const REFRESH_INTERRUPTED_NOTE =
  "interrupted: the campaigns listed were recorded; the others were not asked (or their answer was cut short) and nothing was recorded for them. Run the command again to finish.\n";
