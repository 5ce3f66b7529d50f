import { ToolError } from "../errors/index.js";
import { canonicalJson, ownEntry } from "../plan/index.js";
import { escapeControlChars, escapeControlCharsDeep } from "../privacy/index.js";
import type {
  AppliedState,
  CampaignState,
  ForceUnlockReport,
  MigrateReport,
  StateChangeReport,
} from "../schema/generated/index.js";
import {
  fileBackend,
  forgetCampaign,
  markResolved,
  openPgStateBackend,
  type Mutation,
  type StateBackend,
} from "../state/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import type { Interrupts } from "../app/interrupts.js";
import { actor, openWorkspace, withStateBackend } from "../app/workspace.js";

async function existingState(backend: StateBackend): Promise<AppliedState> {
  const state = await backend.read();
  if (!state)
    throw new ToolError(
      "not-found",
      `there is no state at ${backend.location}`,
      "nothing has been applied yet (or pass --state FILE)",
    );
  return state;
}

function entry(state: AppliedState, name: string, backend: StateBackend): CampaignState {
  const campaign = ownEntry(state.campaigns, name);
  if (!campaign)
    throw new ToolError(
      "not-found",
      `"${name}" is not in the state ${backend.location}`,
      "campaign state list shows what is there",
    );
  return campaign;
}

/** Reads the state (which must exist) from the configured backend. */
async function readExisting(
  options: GlobalOptions,
  context: CliContext,
): Promise<{ state: AppliedState; location: string }> {
  const workspace = await openWorkspace(options, context);
  return withStateBackend(workspace, async (backend) => ({
    state: await existingState(backend),
    location: backend.location,
  }));
}

/** `campaign state list` */
export async function stateListCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const { state, location } = await readExisting(options, context);
  if (options.format === "json") {
    context.terminal.out(
      JSON.stringify(
        { formatVersion: 1, lineage: state.lineage, serial: state.serial, campaigns: state.campaigns },
        null,
        2,
      ) + "\n",
    );
    return ExitCode.ok;
  }
  // Names and texts from the state are user and platform text: escaped for the terminal.
  const rows = Object.entries(escapeControlCharsDeep(state.campaigns)).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(8, ...rows.map(([n]) => n.length));
  const lines = [
    `State ${escapeControlChars(location)}: serial ${state.serial}, lineage ${escapeControlChars(state.lineage)}`,
    "",
    `${"campaign".padEnd(width)}  ${"status".padEnd(13)}  ${"task id".padEnd(9)}  recipients  updated`,
  ];
  for (const [name, c] of rows)
    lines.push(
      `${name.padEnd(width)}  ${c.status.padEnd(13)}  ${String(c.taskId ?? "-").padEnd(9)}  ${String(c.recipients).padStart(10)}  ${c.updatedAt}`,
    );
  if (rows.length === 0) lines.push("(no campaigns)");
  context.terminal.out(lines.join("\n") + "\n");
  return ExitCode.ok;
}

/** `campaign state show NAME` */
export async function stateShowCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const { state, location } = await readExisting(options, context);
  const campaign = ownEntry(state.campaigns, name);
  if (!campaign)
    throw new ToolError(
      "not-found",
      `"${name}" is not in the state ${location}`,
      "campaign state list shows what is there",
    );
  const history = state.history.filter((h) => h.taskName === name);
  if (options.format === "json") {
    context.terminal.out(JSON.stringify({ formatVersion: 1, taskName: name, ...campaign, history }, null, 2) + "\n");
    return ExitCode.ok;
  }
  const lines = [
    escapeControlChars(name),
    ...Object.entries(campaign).map(
      ([k, v]) =>
        `  ${escapeControlChars(k).padEnd(16)} ${escapeControlChars(typeof v === "object" ? JSON.stringify(v) : String(v))}`,
    ),
    "",
    "  history:",
  ];
  for (const h of escapeControlCharsDeep(history))
    lines.push(
      `    serial ${h.serial}  ${h.at}  ${h.action}${h.detail ? `  ${h.detail}` : ""}${h.by ? `  by ${h.by}` : ""}`,
    );
  context.terminal.out(lines.join("\n") + "\n");
  return ExitCode.ok;
}

export interface ResolveOptions {
  submitted?: boolean;
  notSubmitted?: boolean;
  taskId?: string;
  check?: boolean;
}

/** `campaign state resolve NAME --submitted [--task-id ID] | --not-submitted` */
export async function stateResolveCommand(
  name: string,
  resolveOptions: ResolveOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  if (resolveOptions.check) {
    if (resolveOptions.submitted || resolveOptions.notSubmitted)
      throw new ToolError("usage", "--check asks the platform; it goes without --submitted / --not-submitted");
    const { resolveCheckCommand } = await import("./refresh.js");
    return resolveCheckCommand(name, options, context, interrupts);
  }
  if (Boolean(resolveOptions.submitted) === Boolean(resolveOptions.notSubmitted)) {
    throw new ToolError(
      "usage",
      "say what happened: --submitted (optionally --task-id ID) or --not-submitted, or let --check ask the platform",
      "look the task up on the platform first",
    );
  }
  const taskId = resolveOptions.taskId === undefined ? undefined : Number(resolveOptions.taskId);
  if (taskId !== undefined && (!Number.isInteger(taskId) || taskId <= 0))
    throw new ToolError("usage", `--task-id must be a positive whole number, not ${resolveOptions.taskId}`);
  if (taskId !== undefined && resolveOptions.notSubmitted)
    throw new ToolError("usage", "--task-id goes with --submitted");
  return changeState(
    "state resolve",
    name,
    options,
    context,
    (state, backend) => {
      const campaign = entry(state, name, backend);
      // A create answered without a task id: the id found on the platform may be recorded by hand.
      const idMissing =
        campaign.status === "submitted" &&
        (campaign.taskId ?? null) === null &&
        resolveOptions.submitted &&
        taskId !== undefined;
      if (campaign.status !== "unknown" && campaign.status !== "pending" && !idMissing) {
        throw new ToolError(
          "usage",
          `"${name}" is ${campaign.status}; only an unknown or pending outcome can be resolved`,
          "campaign state show NAME shows its history",
        );
      }
      return markResolved(
        name,
        { submitted: Boolean(resolveOptions.submitted), ...(taskId !== undefined ? { taskId } : {}) },
        actor(),
        context.now(),
      );
    },
    `resolved "${name}" as ${resolveOptions.submitted ? "submitted" : "not submitted (the next plan will create it again)"}`,
  );
}

/** `campaign state forget NAME` */
export async function stateForgetCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  return changeState(
    "state forget",
    name,
    options,
    context,
    (state, backend) => {
      const campaign = entry(state, name, backend);
      if (campaign.status === "submitted")
        context.terminal.err(
          `note: task ${campaign.taskId ?? "?"} stays scheduled on the platform; forgetting it here cancels nothing\n`,
        );
      return forgetCampaign(name, actor());
    },
    `forgot "${name}"`,
  );
}

async function changeState(
  command: StateChangeReport["command"],
  name: string,
  options: GlobalOptions,
  context: CliContext,
  change: (state: AppliedState, backend: StateBackend) => Mutation,
  done: string,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  return withStateBackend(workspace, async (backend) => {
    const lock = await backend.lock({ command: `campaign ${command} ${name}`, env: context.env, now: context.now() });
    try {
      const state = await existingState(backend);
      const { status: previousStatus, taskId: previousTaskId } = entry(state, name, backend);
      const mutation = change(state, backend);
      const writer = backend.writer(state, context.now);
      await writer.commit(mutation);
      await writer.compact();
      const after = writer.current();
      if (options.format !== "json") context.terminal.out(`${done}; state serial ${after.serial}.\n`);
      else {
        const now = ownEntry(after.campaigns, name);
        const taskId = now ? now.taskId : previousTaskId; // forget: the task it had (still scheduled on the platform)
        const report: StateChangeReport = {
          formatVersion: 1,
          command,
          taskName: name,
          previousStatus,
          status: now?.status ?? null,
          ...(taskId !== undefined ? { taskId } : {}),
          state: { location: backend.location, lineage: after.lineage, serial: after.serial },
        };
        context.terminal.out(JSON.stringify(report, null, 2) + "\n");
      }
      return ExitCode.ok;
    } finally {
      await lock.release();
    }
  });
}

/** `campaign force-unlock LOCK_ID` */
export async function forceUnlockCommand(
  lockId: string,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const { removed, location } = await withStateBackend(workspace, async (backend) => ({
    removed: await backend.forceUnlock(lockId),
    location: backend.location,
  }));
  if (options.format !== "json") context.terminal.out(`Removed lock ${removed.id} (${removed.holder}).\n`);
  else {
    const report: ForceUnlockReport = {
      formatVersion: 1,
      command: "force-unlock",
      state: location,
      lockId: removed.id,
      description: removed.holder,
      ...(removed.info ? { holder: removed.info } : {}),
    };
    context.terminal.out(JSON.stringify(report, null, 2) + "\n");
  }
  return ExitCode.ok;
}

/**
 * `campaign state migrate --to postgres|file`: copies the state, lineage, serial and history
 * unchanged, under the locks of both sides. The file side is state.path (or --state FILE), the
 * Postgres side state.url / CAMPAIGN_PG_URL and state.schema. The source is left as it was.
 */
export async function stateMigrateCommand(to: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  if (to !== "postgres" && to !== "file") throw new ToolError("usage", `--to takes postgres or file, not ${to}`);
  const workspace = await openWorkspace(options, context);
  const { state: settings } = workspace.config.settings;
  const file = fileBackend(workspace.absoluteStatePath, workspace.statePath, workspace.warn);
  const postgres = await openPgStateBackend(settings.url, settings.schema);
  const [source, target] = to === "postgres" ? [file, postgres] : [postgres, file];
  try {
    const request = { command: `campaign state migrate --to ${to}`, env: context.env, now: context.now() };
    const sourceLock = await source.lock(request);
    try {
      const targetLock = await target.lock(request);
      try {
        const state = await existingState(source);
        await target.importState(state);
        const copied = await target.read();
        // Compared canonically: jsonb keeps objects, not the order of their keys.
        if (!copied || canonicalJson(copied) !== canonicalJson(state)) {
          throw new ToolError(
            "state-conflict",
            `the state read back from ${target.location} differs from what was written`,
            "nothing was changed at the source; inspect the target before trying again",
          );
        }
        const next = `Next: set state.backend: ${to} in ${workspace.config.settings.configFile ?? "the config"}. The source is left as it was: keep it as a backup, but do not apply with it (it stops at serial ${state.serial}).\n`;
        if (options.format === "json") {
          const report: MigrateReport = {
            formatVersion: 1,
            command: "state migrate",
            lineage: state.lineage,
            serial: state.serial,
            campaigns: Object.keys(state.campaigns).length,
            historyEntries: state.history.length,
            from: { backend: to === "postgres" ? "file" : "postgres", location: source.location },
            to: { backend: to, location: target.location },
          };
          context.terminal.out(JSON.stringify(report, null, 2) + "\n");
          context.terminal.err(next);
        } else {
          context.terminal.out(
            `Moved the state (lineage ${state.lineage}, serial ${state.serial}, ${Object.keys(state.campaigns).length} campaigns, ${state.history.length} history entries) from ${source.location} to ${target.location}.\n${next}`,
          );
        }
        return ExitCode.ok;
      } finally {
        await targetLock.release();
      }
    } finally {
      await sourceLock.release();
    }
  } finally {
    await postgres.close();
  }
}
