import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import type { AppliedState, StateChangeReport } from "../schema/generated/index.js";
import { forgetCampaign, markResolved, withLockedState, type Mutation } from "../state/index.js";
import type { AppContext } from "./context.js";
import { existingState, stateEntry } from "./state-read.js";
import { actor, openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

/** `campaign state resolve`'s flags, as given. */
export interface ResolveOptions {
  submitted?: boolean;
  notSubmitted?: boolean;
  taskId?: string;
  check?: boolean;
}

/** What happened to an unknown outcome, as the user says it (or `check`: ask the platform). */
export type ResolveDecision = { check: true } | { check: false; submitted: boolean; taskId?: number };

/** The flags checked against each other: a usage error names the mix that makes no sense. */
export function resolveDecision(options: ResolveOptions): ResolveDecision {
  if (options.check) {
    if (options.submitted || options.notSubmitted)
      throw new ToolError("usage", "--check asks the platform; it goes without --submitted / --not-submitted");
    return { check: true };
  }
  if (Boolean(options.submitted) === Boolean(options.notSubmitted)) {
    throw new ToolError(
      "usage",
      "say what happened: --submitted (optionally --task-id ID) or --not-submitted, or let --check ask the platform",
      "look the task up on the platform first",
    );
  }
  const taskId = options.taskId === undefined ? undefined : Number(options.taskId);
  if (taskId !== undefined && (!Number.isInteger(taskId) || taskId <= 0))
    throw new ToolError("usage", `--task-id must be a positive whole number, not ${options.taskId}`);
  if (taskId !== undefined && options.notSubmitted) throw new ToolError("usage", "--task-id goes with --submitted");
  return { check: false, submitted: Boolean(options.submitted), ...(taskId !== undefined ? { taskId } : {}) };
}

/** `campaign state resolve NAME --submitted [--task-id ID] | --not-submitted`: an unknown or pending outcome settled by hand. */
export async function resolveState(
  name: string,
  decision: { submitted: boolean; taskId?: number },
  options: WorkspaceOptions,
  context: AppContext,
): Promise<StateChangeReport> {
  return changeState("state resolve", name, options, context, (state, location) => {
    const campaign = stateEntry(state, name, location);
    // A create answered without a task id: the id found on the platform may be recorded by hand.
    const idMissing =
      campaign.status === "submitted" &&
      (campaign.taskId ?? null) === null &&
      decision.submitted &&
      decision.taskId !== undefined;
    if (campaign.status !== "unknown" && campaign.status !== "pending" && !idMissing) {
      throw new ToolError(
        "usage",
        `"${name}" is ${campaign.status}; only an unknown or pending outcome can be resolved`,
        "campaign state show NAME shows its history",
      );
    }
    return markResolved(name, decision, actor(), context.now());
  });
}

/** `campaign state forget NAME`: the entry leaves the state; the platform keeps whatever it has. */
export async function forgetState(
  name: string,
  options: WorkspaceOptions,
  context: AppContext,
): Promise<StateChangeReport> {
  return changeState("state forget", name, options, context, (state, location) => {
    const campaign = stateEntry(state, name, location);
    if (campaign.status === "submitted")
      context.events.notice(
        `note: task ${campaign.taskId ?? "?"} stays scheduled on the platform; forgetting it here cancels nothing\n`,
      );
    return forgetCampaign(name, actor());
  });
}

/** One recorded change to one campaign, under the lock; the report says what it was and is now. */
async function changeState(
  command: StateChangeReport["command"],
  name: string,
  options: WorkspaceOptions,
  context: AppContext,
  change: (state: AppliedState, location: string) => Mutation,
): Promise<StateChangeReport> {
  const workspace = await openWorkspace(options, context);
  return withStateBackend(workspace, (backend) =>
    withLockedState(
      backend,
      { command: `campaign ${command} ${name}`, env: context.env, now: context.now() },
      context.now,
      async (locked) => {
        const state = existingState(locked.state, backend.location);
        const { status: previousStatus, taskId: previousTaskId } = stateEntry(state, name, backend.location);
        const mutation = change(state, backend.location);
        const writer = locked.openWriter(state);
        await writer.commit(mutation);
        const after = writer.current();
        const now = ownEntry(after.campaigns, name);
        const taskId = now ? now.taskId : previousTaskId; // forget: the task it had (still scheduled on the platform)
        return {
          formatVersion: 1,
          command,
          taskName: name,
          previousStatus,
          status: now?.status ?? null,
          ...(taskId !== undefined ? { taskId } : {}),
          state: { location: backend.location, lineage: after.lineage, serial: after.serial },
        };
      },
    ),
  );
}
