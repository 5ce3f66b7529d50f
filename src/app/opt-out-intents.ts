import { warningAt } from "../diagnostics/index.js";
import type { AppContext } from "./context.js";
import type { Workspace } from "./workspace.js";

// The store masks every run of 6+ digits in a report's intent (it could be a number), so such a
// code is never stored as written and can never match.
const MASKED_RUN = /\d{6,}/;

/**
 * reports.optOutIntents, each code that can never match said as a warning at its config line
 * (it stays in the list: the warning is the fix's pointer, not a reason to stop).
 */
export function optOutIntents(workspace: Workspace, context: AppContext): readonly string[] {
  const intents = workspace.config.settings.reports.optOutIntents;
  const found = intents.flatMap((code, i) =>
    MASKED_RUN.test(code)
      ? [
          warningAt({
            code: "opt-out-intent-unmatchable",
            message: `reports.optOutIntents[${i}] "${code.slice(0, 40)}" can never match: the report store masks every run of 6 or more digits in an intent (it may be a phone number)`,
            hint: "use intent codes with at most 5 digits in a row (set the agent's intent codes so), or a code with letters",
            at: workspace.config.source.locate(["reports", "optOutIntents", i]),
            field: `/reports/optOutIntents/${i}`,
          }),
        ]
      : [],
  );
  if (found.length > 0) context.events.diagnostics(found);
  return intents;
}
