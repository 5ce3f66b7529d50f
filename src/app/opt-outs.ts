import { suppressedBy } from "../campaigns/suppression.js";
import { ToolError } from "../errors/index.js";
import { optOutMatcher } from "../reports/index.js";
import type { OptOutsExport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { loadDeclaredRecipients } from "./declared-recipients.js";
import { toolFiles, writeOutput } from "./outputs.js";
import { openReportStore, type StoreOption } from "./report-store.js";
import { loadSuppressionLists } from "./suppression.js";
import { campaignFileReader, openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

export type { OptOutsExport };

export interface OptOutsInput extends StoreOption {
  /** The suppression list to write (required: the numbers are never printed). */
  out: string;
}

/**
 * `campaign outcomes [NAME] --opt-outs --out FILE`: the numbers of the callees whose latest report
 * has an opt-out intent, joined from the campaign files by the store's hash, as a suppression list
 * of the numbers no configured list holds yet (one E.164 number a line).
 */
export async function writeOptOuts(
  name: string | undefined,
  input: OptOutsInput,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<OptOutsExport> {
  const workspace = await openWorkspace(options, context);
  const intents = workspace.config.settings.reports.optOutIntents;
  if (intents.length === 0) throw noOptOutIntents();
  const state = await withStateBackend(workspace, (backend) => backend.read());
  const loaded = await loadDeclaredRecipients(workspace, state, () => false, context);
  const campaigns = loaded.desired.filter((d) => name === undefined || d.taskName === name);
  if (name !== undefined && campaigns.length === 0)
    throw new ToolError(
      "not-found",
      `no campaign file declares "${name}"`,
      "campaign validate lists the declared ones",
    );
  const store = await openReportStore(workspace, input, context, { mustExist: true });
  const found = new Map<string, number>();
  let optedOut = 0;
  try {
    const callees = await store.optedOut(intents);
    optedOut = callees.length;
    const match = optOutMatcher(callees, (callee) => store.hashCallee(callee));
    for (const campaign of optedOut > 0 ? campaigns : [])
      for (const number of campaign.numbers) {
        const callee = match(number);
        if (callee !== undefined) found.set(callee.calleeHash, number);
      }
  } finally {
    await store.close();
  }
  const { lists } = await loadSuppressionLists(workspace.config, campaignFileReader(workspace, context), context);
  const numbers = [...new Set(found.values())]
    .filter((n) => suppressedBy(lists, String(n)) === undefined)
    .sort((a, b) => a - b);
  const text = [
    "# Opt-outs: callees whose latest status report had one of reports.optOutIntents",
    `# (${intents.join(", ")}), written by campaign outcomes --opt-outs at ${new Date(context.now()).toISOString()}.`,
    "# A suppression list: one E.164 number a line; add this file to guards.suppressionLists.",
    ...numbers.map((n) => `+${n}`),
  ].join("\n");
  const protect = await toolFiles(workspace, context, {
    inputFiles: loaded.inputFiles,
    ...(input.store !== undefined ? { store: input.store } : {}),
  });
  await writeOutput(input.out, text + "\n", "opt-out list", protect, context);
  return {
    formatVersion: 1,
    command: "outcomes --opt-outs",
    taskName: name ?? null,
    file: input.out,
    optedOut,
    written: numbers.length,
    alreadySuppressed: found.size - numbers.length,
    undeclared: optedOut - found.size,
  };
}

export function noOptOutIntents(): ToolError {
  return new ToolError(
    "usage",
    "no intent counts as an opt-out: reports.optOutIntents is not set in the config",
    'set reports.optOutIntents to the intent codes that mean "do not call me again", e.g. reports: { optOutIntents: ["STOP"] }',
  );
}
