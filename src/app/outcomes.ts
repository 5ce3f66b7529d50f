import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import {
  calleeIndex,
  campaignDetails,
  campaignOutcomes,
  type DetailedOutcomes,
  type ReportStore,
  type TaskAggregate,
} from "../reports/index.js";
import type { AppliedState, OutcomesReport } from "../schema/generated/index.js";
import { hmacHasher } from "../state/index.js";
import type { AppContext } from "./context.js";
import { toolFiles, writeOutput } from "./outputs.js";
import { openReportStore, type StoreOption } from "./report-store.js";
import { loadDesired, openWorkspace, withStateBackend, type Workspace, type WorkspaceOptions } from "./workspace.js";

export type { DetailedOutcomes, OutcomesReport };

export interface OutcomesInput extends StoreOption {
  /** Write the rendered outcomes to this file (never over one of the tool's own files). */
  out?: string;
}

/**
 * `campaign outcomes [NAME]`: per-campaign outcomes from the received reports. `render` is the
 * view the CLI chose (--format); with `out`, its text is written there before anything is printed.
 */
export async function showOutcomes(
  name: string | undefined,
  input: OutcomesInput,
  options: WorkspaceOptions,
  context: AppContext,
  render: (report: OutcomesReport) => string,
): Promise<{ report: OutcomesReport; text: string }> {
  return outcomesRendered(name, input, options, context, async ({ report }) => render(report));
}

/** `campaign outcomes --format html`: the outcomes with each campaign's rounds and calls over time. */
export async function showDetailedOutcomes(
  name: string | undefined,
  input: OutcomesInput,
  options: WorkspaceOptions,
  context: AppContext,
  render: (outcomes: DetailedOutcomes) => string,
): Promise<{ report: OutcomesReport; text: string }> {
  return outcomesRendered(name, input, options, context, async ({ report, rows, state, store, byCallee }) => {
    const details = campaignDetails(rows, await store.timeline(), state, byCallee);
    return render({ report, details, generatedAt: new Date(context.now()).toISOString() });
  });
}

interface Gathered {
  report: OutcomesReport;
  rows: TaskAggregate[];
  state: AppliedState | undefined;
  store: ReportStore;
  byCallee: ReadonlyMap<string, string>;
}

/** State and store read, reports attributed, the result rendered and (with `out`) written; the store closed. */
async function outcomesRendered(
  name: string | undefined,
  input: OutcomesInput,
  options: WorkspaceOptions,
  context: AppContext,
  render: (gathered: Gathered) => Promise<string>,
): Promise<{ report: OutcomesReport; text: string }> {
  const workspace = await openWorkspace(options, context);
  const state = await withStateBackend(workspace, async (backend) => {
    const read = await backend.read();
    if (name !== undefined && !ownEntry(read?.campaigns, name))
      throw new ToolError(
        "not-found",
        `"${name}" is not in the state ${backend.location}`,
        "campaign state list shows the applied campaigns",
      );
    return read;
  });
  const store = await openReportStore(workspace, input, context, { mustExist: true });
  try {
    const rows = await store.aggregate();
    const byCallee = rows.some((row) => row.calleeHash !== null)
      ? await declaredCallees(workspace, state, store, context)
      : new Map<string, string>();
    const report = campaignOutcomes(rows, state, name, byCallee);
    const text = await render({ report, rows, state, store, byCallee });
    if (input.out !== undefined) {
      const protect = await toolFiles(workspace, context, input.store !== undefined ? { store: input.store } : {});
      await writeOutput(input.out, text, "outcomes", protect, context);
    }
    return { report, text };
  } finally {
    await store.close();
  }
}

/**
 * For reports without a task id: the callee hashes of the campaigns that are both declared and in the
 * state, hashed with the store's salt. Campaign files that cannot be loaded leave those reports
 * unmatched (said at the top of the outcomes), with the reason as a notice.
 */
async function declaredCallees(
  workspace: Workspace,
  state: AppliedState | undefined,
  store: ReportStore,
  context: AppContext,
): Promise<Map<string, string>> {
  if (state === undefined) return new Map();
  try {
    const { desired } = await loadDesired(workspace, [], hmacHasher(state.salt), context, { forSubmission: false });
    return calleeIndex(
      desired.filter((d) => ownEntry(state.campaigns, d.taskName) !== undefined),
      (callee) => store.hashCallee(callee),
    );
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    context.events.notice(
      `warning: reports without a task id are not matched by number: the campaign files could not be loaded (${error.message})\n`,
    );
    return new Map();
  }
}
