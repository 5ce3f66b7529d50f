import type { CampaignState, Diagnostic, PlanEntry } from "../schema/generated/index.js";
import { onlyRecallFlow } from "./field-changes.js";
import { quoteArg } from "./renames.js";

// The findings of entries whose campaign cannot go ahead as declared: blocked, unknown, orphaned.

export function blockedFinding(
  taskName: string,
  applied: CampaignState,
  at: { file: string; line: number; column: number },
  entry: PlanEntry,
): Diagnostic {
  if (applied.status === "cancelled") {
    return {
      severity: "error",
      code: "cancelled-campaign-declared",
      message: `"${taskName}" was cancelled${applied.cancelledAt ? ` at ${applied.cancelledAt}` : ""}; a cancelled task cannot run again`,
      hint: "keep cancel: true (or remove the file), and declare a new campaign with a new taskName",
      ...at,
    };
  }
  return {
    severity: "error",
    code: "submitted-campaign-changed",
    message: `"${taskName}" was submitted${applied.taskId ? ` as task ${applied.taskId}` : ""}${applied.submittedAt ? ` at ${applied.submittedAt}` : ""} and has changed since; the platform cannot change a submitted task`,
    hint: blockedHint(applied, entry),
    ...at,
  };
}

function blockedHint(applied: CampaignState, entry: PlanEntry): string {
  const generic =
    "revert the change, or declare a new campaign with a new taskName (and set cancel: true on the old one if it must not run)";
  if (!onlyRecallFlow(entry.changes ?? [])) return generic;
  if (applied.settings?.["recallFlow"] === undefined)
    return `a recall flow cannot be added to a submitted task; ${generic}`;
  if (!applied.recall)
    return `a recall flow can change only while it is pending: run campaign plan --refresh to check, else ${generic}`;
  return `its recall flow is ${applied.recall.status} (at ${applied.recall.refreshedAt}), so it can no longer change; ${generic}`;
}

export function unknownFinding(
  taskName: string,
  applied: CampaignState,
  at: { file: string; line: number; column: number },
): Diagnostic {
  return {
    severity: "error",
    code: "outcome-unknown",
    message: `the outcome of submitting "${taskName}"${applied.attemptStartedAt ? ` at ${applied.attemptStartedAt}` : ""} is unknown (${applied.status === "pending" ? "the apply was interrupted" : (applied.lastError?.message ?? "no answer")}); it may or may not exist on the platform`,
    hint: `ask the platform: campaign refresh (or campaign state resolve ${quoteArg(taskName)} --check); only when it cannot tell, look for the task yourself, then run: campaign state resolve ${quoteArg(taskName)} --submitted [--task-id ID]   or   --not-submitted`,
    ...at,
  };
}

export function orphanFinding(
  taskName: string,
  applied: CampaignState,
  at: { file: string; line: number; column: number },
): Diagnostic {
  const submitted = applied.status === "submitted" || applied.status === "cancelled";
  return {
    severity: "warning",
    code: "orphaned",
    message: submitted
      ? `"${taskName}"${applied.taskId ? ` (task ${applied.taskId})` : ""} is no longer declared but ${applied.status === "cancelled" ? "its recall flow may still ring" : "is still scheduled on the platform"}`
      : `"${taskName}" is no longer declared; it was never created on the platform (${applied.status})`,
    hint: submitted
      ? `removing the file does not cancel calls: to stop them, restore ${applied.sourcePath ?? "its campaign file"} with cancel: true and apply (reviewed like any change); if it was renamed, add renamedFrom: ${taskName} to the new file; once it has finished: campaign state forget ${quoteArg(taskName)}`
      : `remove it from the state with: campaign state forget ${quoteArg(taskName)}`,
    ...at,
  };
}
