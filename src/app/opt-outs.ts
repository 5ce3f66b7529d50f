import { suppressedBy } from "../campaigns/suppression.js";
import { ToolError } from "../errors/index.js";
import { optOutMatcher } from "../reports/index.js";
import type { OptOutsExport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { loadDeclaredRecipients } from "./declared-recipients.js";
import { toolFiles, writeOutput } from "./outputs.js";
import { optOutIntents } from "./opt-out-intents.js";
import { openReportStore, type StoreOption } from "./report-store.js";
import { loadSuppressionLists } from "./suppression.js";
import { campaignFileReader, openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

export type { OptOutsExport };

export interface OptOutsInput extends StoreOption {
  /** The suppression list to write (required: the numbers are never printed). */
  out: string;
}

/**
 * `campaign outcomes [NAME] --opt-outs --out FILE`: the numbers of the callees with any report
 * carrying an opt-out intent (an opt-out is never taken back), joined from the campaign files (NAME's
 * only, if given) by the store's hash, as a suppression list of the numbers no configured list holds
 * yet (one E.164 number a line).
 */
export async function writeOptOuts(
  name: string | undefined,
  input: OptOutsInput,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<OptOutsExport> {
  const workspace = await openWorkspace(options, context);
  const intents = optOutIntents(workspace, context);
  if (intents.length === 0) throw noOptOutIntents();
  const state = await withStateBackend(workspace, (backend) => backend.read());
  const loaded = await loadDeclaredRecipients(workspace, state, () => false, context);
  if (name !== undefined && !loaded.desired.some((d) => d.taskName === name))
    throw new ToolError(
      "not-found",
      `no campaign file declares "${name}"`,
      "campaign validate lists the declared ones",
    );
  const store = await openReportStore(workspace, input, context, { mustExist: true });
  // Every campaign file is matched, the one asked for or not, so the counts can say whose each opt-out is.
  const found = new Map<string, number>();
  const elsewhere = new Set<string>();
  let optedOut = 0;
  try {
    const callees = await store.optedOut(intents);
    optedOut = callees.length;
    const match = optOutMatcher(callees, (callee) => store.hashCallee(callee));
    for (const campaign of optedOut > 0 ? loaded.desired : [])
      for (const number of campaign.numbers) {
        const callee = match(number);
        if (callee === undefined) continue;
        if (name === undefined || campaign.taskName === name) found.set(callee.calleeHash, number);
        else elsewhere.add(callee.calleeHash);
      }
  } finally {
    await store.close();
  }
  const { lists } = await loadSuppressionLists(workspace.config, campaignFileReader(workspace, context), context);
  const numbers = [...new Set(found.values())]
    .filter((n) => suppressedBy(lists, String(n)) === undefined)
    .sort((a, b) => a - b);
  const text = [
    "# Opt-outs: callees with a status report that had one of reports.optOutIntents",
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
    otherCampaigns: [...elsewhere].filter((hash) => !found.has(hash)).length,
    undeclared: optedOut - new Set([...found.keys(), ...elsewhere]).size,
  };
}

export function noOptOutIntents(): ToolError {
  return new ToolError(
    "usage",
    "no intent counts as an opt-out: reports.optOutIntents is not set in the config",
    'set reports.optOutIntents to the intent codes that mean "do not call me again", e.g. reports: { optOutIntents: ["STOP"] }',
  );
}
