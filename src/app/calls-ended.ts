import { ToolError } from "../errors/index.js";
import { ASSUMED_RECALL_FLOW_ENDED } from "../laaffic/assumptions.js";
import type { CampaignState } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";

// A task that rings no more; submission-failed is not one: the next apply submits it again.
const TASK_ENDED: ReadonlySet<string> = new Set(["finished", "cancelled"]);

/**
 * `--unreached` is for people no call will reach: refused (nothing written) while the campaign may
 * still ring — its task or its recall flow not known to have ended at the last `campaign refresh`.
 * `beforeFinished` writes anyway, with a warning; an outcome not known (pending, unknown, submitted
 * without a task id) is refused even then: its calls may be under way under a task nobody knows.
 */
export function assertCallsEnded(
  name: string,
  applied: CampaignState | undefined,
  beforeFinished: boolean,
  context: AppContext,
): void {
  const always = outcomeNotKnown(applied);
  if (always !== undefined)
    throw new ToolError(
      "invalid-input",
      `"${name}" ${always}, so who its calls will reach is not known; nothing was written`,
      `settle it first: campaign refresh (or campaign state resolve ${name} --check)`,
    );
  const ringing = stillRinging(applied);
  if (ringing === undefined) return;
  if (!beforeFinished)
    throw new ToolError(
      "invalid-input",
      `"${name}" may still call its recipients: ${ringing}; the unreached would include people it is about to call. Nothing was written`,
      "run campaign refresh to record the platform's status, then ask again; --before-finished writes the file anyway",
    );
  context.events.notice(
    `warning: "${name}" may still call its recipients (${ringing}): the file written (--before-finished) may name people it is about to call\n`,
  );
}

function outcomeNotKnown(applied: CampaignState | undefined): string | undefined {
  if (applied === undefined) return undefined;
  if (applied.status === "pending" || applied.status === "unknown")
    return `has an unknown submission outcome (state: ${applied.status})`;
  if (applied.status === "submitted" && typeof applied.taskId !== "number")
    return "was submitted but its task id is not known";
  return undefined;
}

/** Why the campaign may still ring; undefined when the state says its task and recall flow have ended. */
function stillRinging(applied: CampaignState | undefined): string | undefined {
  if (applied === undefined) return "it was never applied (the next apply submits it)";
  if (applied.status === "rejected" || applied.status === "not-submitted")
    return `it is ${applied.status} (the next apply submits it again)`;
  const task = applied.platform?.status;
  if (task === undefined) return `the status of task ${applied.taskId} was never refreshed`;
  if (!TASK_ENDED.has(task))
    return `task ${applied.taskId} was ${task} at the last refresh (${applied.platform!.refreshedAt})`;
  const flow = applied.recall?.status;
  // An entry without settings (written by an older release) may have had a recall flow: fail safe.
  const declaresFlow =
    applied.settings === undefined ||
    (applied.settings["recallFlow"] !== undefined && applied.settings["recallFlow"] !== null);
  if (flow === undefined && applied.settings === undefined)
    // Refresh asks only for the flows the state records, so no refresh will tell: only --before-finished.
    return "its state entry, written by an older release, does not say whether it has a recall flow, and campaign refresh cannot tell";
  if (flow === undefined) return declaresFlow ? "the status of its recall flow was never refreshed" : undefined;
  if (flow !== "absent" && !ASSUMED_RECALL_FLOW_ENDED.has(flow))
    return `its recall flow was ${flow} at the last refresh (${applied.recall!.refreshedAt})`;
  return undefined;
}
