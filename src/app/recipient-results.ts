import { contains } from "../campaigns/number-set.js";
import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import { foldPerRecipient, type Folded } from "../reports/index.js";
import type { AppliedState, CampaignState } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { optOutIntents } from "./opt-out-intents.js";
import { alsoDeclaredBy, loadDeclaredRecipients, type DeclaredRecipients } from "./declared-recipients.js";
import { openReportStore, type StoreOption } from "./report-store.js";
import { openWorkspace, withStateBackend, type Workspace, type WorkspaceOptions } from "./workspace.js";

/** One campaign's declared recipients, each with what its reports say (undefined: not called yet). */
export interface RecipientResults {
  workspace: Workspace;
  taskId: number | null;
  /** The campaign's state entry (undefined: never applied). */
  applied: CampaignState | undefined;
  /** The recipients the files declare now are not the ones submitted (the state's recipientsHash differs). */
  recipientsChanged: boolean;
  declared: DeclaredRecipients;
  folded: (Folded | undefined)[];
  /** Per recipient: whether any report of any campaign carries one of the opt-out intents asked for. */
  optedOut: boolean[];
  /** The campaign files and CSVs read: no output may overwrite them. */
  inputFiles: string[];
}

/**
 * Joins a campaign's files with the report store: every declared number is hashed with the store's
 * salt and the store is asked for those callees only, within the campaign's task (and its recall
 * rounds); reports without a task id count for a number no other applied campaign declares.
 * With `optOuts`, also which recipients opted out in any report of any campaign.
 */
export async function recipientResults(
  name: string,
  input: StoreOption & { optOuts?: boolean },
  options: WorkspaceOptions,
  context: AppContext,
): Promise<RecipientResults> {
  const workspace = await openWorkspace(options, context);
  const state = await withStateBackend(workspace, (backend) => backend.read());
  const applied = ownEntry(state?.campaigns, name);
  const loaded = await loadDeclaredRecipients(workspace, state, (taskName) => taskName === name, context);
  const declared = loaded.wanted.get(name);
  if (declared === undefined) throw notDeclared(name, applied !== undefined);
  const taskId = typeof applied?.taskId === "number" ? applied.taskId : null;
  const store = await openReportStore(workspace, input, context, { mustExist: true });
  try {
    const hashes = declared.recipients.map((r) => store.hashCallee(r.calleeNumber));
    const rows = await store.calleeOutcomes({
      taskIds: taskId === null ? [] : [taskId],
      calleeHashes: [...new Set(hashes)],
    });
    const owns = ownsUnattributed(declared, state, loaded.desired, applied !== undefined);
    const intents = input.optOuts === true ? optOutIntents(workspace, context) : [];
    const optedOutHashes = new Set(intents.length > 0 ? (await store.optedOut(intents)).map((c) => c.calleeHash) : []);
    // A state written before recipientsHash existed cannot tell: taken as unchanged.
    const submittedHash = applied?.recipientsHash;
    const current = loaded.desired.find((d) => d.taskName === name)?.recipientsHash;
    return {
      workspace,
      taskId,
      applied,
      recipientsChanged: submittedHash !== undefined && submittedHash !== current,
      declared,
      folded: foldPerRecipient(hashes, rows, owns),
      optedOut: hashes.map((hash) => optedOutHashes.has(hash)),
      inputFiles: loaded.inputFiles,
    };
  } finally {
    await store.close();
  }
}

function ownsUnattributed(
  declared: DeclaredRecipients,
  state: AppliedState | undefined,
  desired: Parameters<typeof alsoDeclaredBy>[0],
  applied: boolean,
): (index: number) => boolean {
  if (!applied) return () => false;
  const others = alsoDeclaredBy(desired, state, declared.taskName);
  return (index) => {
    const number = Number(declared.recipients[index]!.calleeNumber);
    return !others.some((other) => contains(other.numbers, number));
  };
}

function notDeclared(name: string, applied: boolean): ToolError {
  return applied
    ? new ToolError(
        "not-found",
        `"${name}" is in the state but no campaign file declares it any more, so its recipients are not known`,
        "restore its campaign file (git shows it) to see its recipients; campaign outcomes NAME shows its totals",
      )
    : new ToolError(
        "not-found",
        `no campaign file declares "${name}"`,
        "campaign state list shows the applied campaigns; campaign validate lists the declared ones",
      );
}
