import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import type { AppliedState, CampaignState, HistoryEntry } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import { openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

/** The state a command needs, or not-found: nothing has been applied there yet. */
export function existingState(state: AppliedState | undefined, location: string): AppliedState {
  if (!state)
    throw new ToolError(
      "not-found",
      `there is no state at ${location}`,
      "nothing has been applied yet (or pass --state FILE)",
    );
  return state;
}

/** One campaign's entry, or not-found naming the state searched. */
export function stateEntry(state: AppliedState, name: string, location: string): CampaignState {
  const campaign = ownEntry(state.campaigns, name);
  if (!campaign)
    throw new ToolError(
      "not-found",
      `"${name}" is not in the state ${location}`,
      "campaign state list shows what is there",
    );
  return campaign;
}

/** `campaign state list`: the whole state, from the configured backend. */
export interface StateListing {
  state: AppliedState;
  location: string;
}

/** `campaign state show NAME`: one campaign and its history. */
export interface StateShowing {
  taskName: string;
  campaign: CampaignState;
  history: HistoryEntry[];
  location: string;
}

/** Reads the state (which must exist); nothing is locked: a read sees one whole state. */
export async function listState(options: WorkspaceOptions, context: AppContext): Promise<StateListing> {
  const workspace = await openWorkspace(options, context);
  return withStateBackend(workspace, async (backend) => ({
    state: existingState(await backend.read(), backend.location),
    location: backend.location,
  }));
}

export async function showState(name: string, options: WorkspaceOptions, context: AppContext): Promise<StateShowing> {
  const { state, location } = await listState(options, context);
  const campaign = stateEntry(state, name, location);
  return { taskName: name, campaign, history: state.history.filter((h) => h.taskName === name), location };
}
