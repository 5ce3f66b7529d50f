import { refreshState, type RefreshResult } from "../apply/index.js";
import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import type { AppliedState, RefreshReport } from "../schema/generated/index.js";
import { clientFromEnvironment } from "../app/client.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { listenForStop, stopIfInterrupted, type Interrupts } from "../app/interrupts.js";
import { openWorkspace, withStateBackend, type Workspace } from "../app/workspace.js";

export interface RefreshRequest {
  /** As the lock records it. */
  command: string;
  /** Only these campaigns (resolve --check), each of which must be in the state with an unknown outcome. */
  names?: string[];
  interrupts: Interrupts;
  /** Says which campaign is being asked about (stderr); absent with --quiet. */
  progress?: (text: string) => void;
}

interface Refreshed {
  location: string;
  before?: AppliedState;
  after?: AppliedState;
  result: RefreshResult;
}

/**
 * Asks the platform about the campaigns in the state and records what it says, under the lock.
 * The first SIGINT/SIGTERM aborts the queries in flight: what was answered before is recorded,
 * the campaign being asked about is not, the lock is released (`result.interrupted`).
 */
async function refreshUnderLock(
  workspace: Workspace,
  context: CliContext,
  request: RefreshRequest,
): Promise<Refreshed> {
  const stop = listenForStop(request.interrupts, context, {
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
      const lock = await backend.lock({ command: request.command, env: context.env, now: context.now() });
      try {
        const state = await backend.read();
        if (!state)
          return {
            location: backend.location,
            result: { mutations: [], findings: [], failures: [], interrupted: stop.signal.aborted },
          };
        for (const name of request.names ?? []) {
          const campaign = ownEntry(state.campaigns, name);
          if (!campaign)
            throw new ToolError(
              "not-found",
              `"${name}" is not in the state ${backend.location}`,
              "campaign state list shows what is there",
            );
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
              onAsking: (name) => request.progress?.(`  asking the platform about ${name}…\n`),
            },
            request.names,
          );
          const writer = backend.writer(state, context.now);
          if (result.mutations.length > 0) await writer.commit((s) => result.mutations.flatMap((m) => m(s)));
          await writer.compact();
          return { location: backend.location, before, after: writer.current(), result };
        } finally {
          await client.close();
        }
      } finally {
        await lock.release();
      }
    });
  } finally {
    stop.unlisten();
  }
}

function renderText(refreshed: Refreshed): string {
  const { after, result } = refreshed;
  if (!after) return "No state yet: nothing to refresh.\n";
  const lines = [
    ...result.findings.map((f) => `  ${f.taskName}: ${f.summary}\n`),
    ...result.failures.map((f) => `  error refresh-failed: ${f.taskName}: ${f.message}\n`),
    `Refreshed ${result.findings.length} campaign${result.findings.length === 1 ? "" : "s"} from the platform; state serial ${after.serial}.\n`,
  ];
  return lines.join("");
}

function refreshReport(command: RefreshReport["command"], refreshed: Refreshed): RefreshReport {
  const { location, before, after, result } = refreshed;
  return {
    formatVersion: 1,
    command,
    state: after ? { location, lineage: after.lineage, serial: after.serial } : null,
    campaigns: result.findings.map((f) => {
      const was = ownEntry(before?.campaigns, f.taskName)!;
      const now = ownEntry(after?.campaigns, f.taskName) ?? was;
      return {
        taskName: f.taskName,
        finding: f.finding,
        summary: f.summary,
        previousStatus: was.status,
        status: now.status,
        ...(now.taskId !== undefined ? { taskId: now.taskId } : {}),
        ...(f.finding === "status" && now.platform ? { platform: now.platform } : {}),
        ...(f.finding === "status" && now.recall ? { recall: now.recall } : {}),
      };
    }),
    failures: result.failures,
    interrupted: result.interrupted,
  };
}

const INTERRUPTED_NOTE =
  "interrupted: the campaigns listed were recorded; the others were not asked (or their answer was cut short) and nothing was recorded for them. Run the command again to finish.\n";

/** The result, on stdout; exit 1 when a campaign failed, else 130 when interrupted. */
function finish(
  command: RefreshReport["command"],
  refreshed: Refreshed,
  options: GlobalOptions,
  context: CliContext,
): ExitCode {
  context.terminal.out(
    options.format === "json"
      ? JSON.stringify(refreshReport(command, refreshed), null, 2) + "\n"
      : renderText(refreshed),
  );
  if (refreshed.result.interrupted) context.terminal.err(INTERRUPTED_NOTE);
  if (refreshed.result.failures.length > 0) return ExitCode.error;
  return refreshed.result.interrupted ? ExitCode.interrupted : ExitCode.ok;
}

function progressFor(options: GlobalOptions, context: CliContext): Pick<RefreshRequest, "progress"> {
  return options.quiet ? {} : { progress: context.terminal.err };
}

/** `campaign refresh` */
export async function refreshCommand(
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const refreshed = await refreshUnderLock(workspace, context, {
    command: "campaign refresh",
    interrupts,
    ...progressFor(options, context),
  });
  return finish("refresh", refreshed, options, context);
}

/** `campaign state resolve NAME --check` */
export async function resolveCheckCommand(
  name: string,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const refreshed = await refreshUnderLock(workspace, context, {
    command: `campaign state resolve ${name} --check`,
    names: [name],
    interrupts,
    ...progressFor(options, context),
  });
  return finish("state resolve --check", refreshed, options, context);
}

/** `campaign plan --refresh`'s first step: everything it says goes to stderr, so stdout holds the plan alone. */
export async function refreshBeforePlan(
  workspace: Workspace,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<void> {
  const refreshed = await refreshUnderLock(workspace, context, {
    command: "campaign plan --refresh",
    interrupts,
    ...progressFor(options, context),
  });
  context.terminal.err(renderText(refreshed));
  const { failures, interrupted } = refreshed.result;
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
