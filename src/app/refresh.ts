import { refreshState, type RefreshResult } from "../apply/index.js";
import { ToolError } from "../errors/index.js";
import type { AppliedState } from "../schema/generated/index.js";
import { combineMutations, withLockedState } from "../state/index.js";
import { clientFromEnvironment } from "./client.js";
import type { AppContext } from "./context.js";
import { listenForStop, stopIfInterrupted, type Interrupts } from "./interrupts.js";
import { stateEntry } from "./state-read.js";
import { openWorkspace, withStateBackend, type Workspace, type WorkspaceOptions } from "./workspace.js";

export interface RefreshRequest {
  /** As the lock records it. */
  command: string;
  /** Only these campaigns (resolve --check), each of which must be in the state with an unknown outcome. */
  names?: string[];
  /** No "asking the platform about …" notices. */
  quiet?: boolean;
}

export interface RefreshPorts {
  interrupts: Interrupts;
}

/** What was asked and recorded; `after` is undefined when there was no state to refresh. */
export interface RefreshOutcome {
  location: string;
  before?: AppliedState;
  after?: AppliedState;
  result: RefreshResult;
}

/** `campaign refresh` (and `state resolve NAME --check` with `names`). */
export async function refreshCampaigns(
  options: WorkspaceOptions,
  request: RefreshRequest,
  context: AppContext,
  ports: RefreshPorts,
): Promise<RefreshOutcome> {
  return refreshWorkspace(await openWorkspace(options, context), request, context, ports);
}

/**
 * Asks the platform about the campaigns in the state and records what it says, under the lock.
 * The first SIGINT/SIGTERM aborts the queries in flight: what was answered before is recorded,
 * the campaign being asked about is not, the lock is released (`result.interrupted`).
 */
export async function refreshWorkspace(
  workspace: Workspace,
  request: RefreshRequest,
  context: AppContext,
  ports: RefreshPorts,
): Promise<RefreshOutcome> {
  const stop = listenForStop(ports.interrupts, context, {
    stopping:
      "stopping. Queries in flight are aborted; what the platform answered before is recorded, nothing else; then the lock is released.",
    again: "already stopping; releasing the lock…",
  });
  try {
    return await withStateBackend(workspace, async (backend) => {
      stopIfInterrupted(
        stop.signal,
        `${request.command} interrupted before it asked the platform`,
        "nothing was recorded; run it again when ready",
      );
      const lockRequest = { command: request.command, env: context.env, now: context.now() };
      return withLockedState(backend, lockRequest, context.now, async ({ state, openWriter }) => {
        if (!state)
          return {
            location: backend.location,
            result: { mutations: [], findings: [], failures: [], interrupted: stop.signal.aborted },
          };
        for (const name of request.names ?? []) {
          const campaign = stateEntry(state, name, backend.location);
          if (campaign.status !== "pending" && campaign.status !== "unknown")
            throw new ToolError(
              "usage",
              `"${name}" is ${campaign.status}; --check looks for campaigns whose outcome is unknown`,
              "campaign refresh updates submitted campaigns",
            );
        }
        const { settings } = workspace.config;
        const client = clientFromEnvironment(settings, context.env, context.now, { signal: stop.signal });
        try {
          const before = structuredClone(state);
          const result = await refreshState(
            state,
            {
              client,
              timeZone: settings.api.timezone,
              now: context.now(),
              settleMs: settings.api.reconcileAfterSeconds * 1000,
              stopRequested: () => stop.signal.aborted,
              onAsking: (name) => {
                if (!request.quiet) context.events.notice(`  asking the platform about ${name}…\n`);
              },
            },
            request.names,
          );
          const writer = openWriter(state);
          if (result.mutations.length > 0) await writer.commit(combineMutations(result.mutations));
          return { location: backend.location, before, after: writer.current(), result };
        } finally {
          await client.close();
        }
      });
    });
  } finally {
    stop.unlisten();
  }
}

/** `campaign plan --refresh` plans only from a whole refresh: a failed or interrupted one ends the command. */
export function requireCompleteRefresh(outcome: RefreshOutcome): void {
  const { failures, interrupted } = outcome.result;
  if (failures.length > 0)
    throw new ToolError(
      "invalid-input",
      `the refresh failed for ${failures.length} campaign${failures.length === 1 ? "" : "s"}; no plan was made`,
      "see the errors above; the platform's state is needed for a truthful plan",
    );
  if (interrupted)
    throw new ToolError(
      "interrupted",
      "plan --refresh interrupted; no plan was made",
      "what the platform answered before the signal is recorded; run campaign plan --refresh again",
    );
}
