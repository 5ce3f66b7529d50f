import { recipientOutcomes } from "../reports/index.js";
import type { RecipientOutcomesReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { toolFiles, writeOutput } from "./outputs.js";
import { recipientResults } from "./recipient-results.js";
import type { StoreOption } from "./report-store.js";
import type { WorkspaceOptions } from "./workspace.js";

export type { RecipientOutcomesReport };

export interface RecipientOutcomesInput extends StoreOption {
  /** Write the rendered rows to this file instead of stdout (never over one of the tool's own files). */
  out?: string;
  /** --reveal: full numbers instead of masked ones, only when asked for. */
  reveal: boolean;
}

/** `campaign outcomes NAME --recipients`: one row per declared recipient, with what its calls came to. */
export async function showRecipientOutcomes(
  name: string,
  input: RecipientOutcomesInput,
  options: WorkspaceOptions,
  context: AppContext,
  render: (report: RecipientOutcomesReport) => string,
): Promise<{ report: RecipientOutcomesReport; text: string }> {
  const results = await recipientResults(name, { ...input, optOuts: true }, options, context);
  const counted = recipientOutcomes({
    taskName: name,
    taskId: results.taskId,
    recipients: results.declared.recipients,
    folded: results.folded,
    columns: results.declared.columns,
    optedOut: results.optedOut,
    reveal: input.reveal,
  });
  // Said in the document (it may go to a file) and as a warning: the rows may not be who was called.
  const report: RecipientOutcomesReport = { ...counted, recipientsChanged: results.recipientsChanged };
  if (results.recipientsChanged)
    context.events.notice(
      `warning: the recipients of "${name}" in its campaign files changed since it was submitted: the rows are the files' recipients now, not the ones its task calls\n`,
    );
  const text = render(report);
  if (input.out !== undefined) {
    const protect = await toolFiles(results.workspace, context, {
      inputFiles: results.inputFiles,
      ...(input.store !== undefined ? { store: input.store } : {}),
    });
    await writeOutput(input.out, text, "recipient outcomes", protect, context);
  }
  return { report, text };
}
