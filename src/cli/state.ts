import { ToolError } from "../errors/index.js";
import type { AppliedState, CampaignState } from "../schema/generated/index.js";
import { acquireLock, createStateWriter, forceUnlock, forgetCampaign, markResolved, readStateFile, type Mutation } from "../state/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { actor, openWorkspace, type Workspace } from "./workspace.js";

async function existingState(workspace: Workspace): Promise<AppliedState> {
  const state = await readStateFile(workspace.absoluteStatePath);
  if (!state) throw new ToolError("not-found", `there is no state at ${workspace.statePath}`, "nothing has been applied yet (or pass --state FILE)");
  return state;
}

function entry(state: AppliedState, name: string, workspace: Workspace): CampaignState {
  const campaign = state.campaigns[name];
  if (!campaign) throw new ToolError("not-found", `"${name}" is not in the state ${workspace.statePath}`, "campaign state list shows what is there");
  return campaign;
}

/** `campaign state list` */
export async function stateListCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const state = await existingState(workspace);
  if (options.format === "json") {
    context.terminal.out(JSON.stringify({ formatVersion: 1, lineage: state.lineage, serial: state.serial, campaigns: state.campaigns }, null, 2) + "\n");
    return ExitCode.ok;
  }
  const rows = Object.entries(state.campaigns).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(8, ...rows.map(([n]) => n.length));
  const lines = [`State ${workspace.statePath}: serial ${state.serial}, lineage ${state.lineage}`, "", `${"campaign".padEnd(width)}  ${"status".padEnd(13)}  ${"task id".padEnd(9)}  recipients  updated`];
  for (const [name, c] of rows) lines.push(`${name.padEnd(width)}  ${c.status.padEnd(13)}  ${String(c.taskId ?? "-").padEnd(9)}  ${String(c.recipients).padStart(10)}  ${c.updatedAt}`);
  if (rows.length === 0) lines.push("(no campaigns)");
  context.terminal.out(lines.join("\n") + "\n");
  return ExitCode.ok;
}

/** `campaign state show NAME` */
export async function stateShowCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const state = await existingState(workspace);
  const campaign = entry(state, name, workspace);
  const history = state.history.filter((h) => h.taskName === name);
  if (options.format === "json") {
    context.terminal.out(JSON.stringify({ formatVersion: 1, taskName: name, ...campaign, history }, null, 2) + "\n");
    return ExitCode.ok;
  }
  const lines = [`${name}`, ...Object.entries(campaign).map(([k, v]) => `  ${k.padEnd(16)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`), "", "  history:"];
  for (const h of history) lines.push(`    serial ${h.serial}  ${h.at}  ${h.action}${h.detail ? `  ${h.detail}` : ""}${h.by ? `  by ${h.by}` : ""}`);
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
export async function stateResolveCommand(name: string, resolveOptions: ResolveOptions, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  if (resolveOptions.check) {
    if (resolveOptions.submitted || resolveOptions.notSubmitted) throw new ToolError("usage", "--check asks the platform; it goes without --submitted / --not-submitted");
    const { resolveCheckCommand } = await import("./refresh.js");
    return resolveCheckCommand(name, options, context);
  }
  if (Boolean(resolveOptions.submitted) === Boolean(resolveOptions.notSubmitted)) {
    throw new ToolError("usage", "say what happened: --submitted (optionally --task-id ID) or --not-submitted, or let --check ask the platform", "look the task up on the platform first");
  }
  const taskId = resolveOptions.taskId === undefined ? undefined : Number(resolveOptions.taskId);
  if (taskId !== undefined && (!Number.isInteger(taskId) || taskId <= 0)) throw new ToolError("usage", `--task-id must be a positive whole number, not ${resolveOptions.taskId}`);
  if (taskId !== undefined && resolveOptions.notSubmitted) throw new ToolError("usage", "--task-id goes with --submitted");
  return changeState(`campaign state resolve ${name}`, options, context, (state, workspace) => {
    const campaign = entry(state, name, workspace);
    if (campaign.status !== "unknown" && campaign.status !== "pending") {
      throw new ToolError("usage", `"${name}" is ${campaign.status}; only an unknown or pending outcome can be resolved`, "campaign state show NAME shows its history");
    }
    return markResolved(name, { submitted: Boolean(resolveOptions.submitted), ...(taskId !== undefined ? { taskId } : {}) }, actor(), context.now());
  }, `resolved "${name}" as ${resolveOptions.submitted ? "submitted" : "not submitted (the next plan will create it again)"}`);
}

/** `campaign state forget NAME` */
export async function stateForgetCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  return changeState(`campaign state forget ${name}`, options, context, (state, workspace) => {
    const campaign = entry(state, name, workspace);
    if (campaign.status === "submitted") context.terminal.err(`note: task ${campaign.taskId ?? "?"} stays scheduled on the platform; forgetting it here cancels nothing\n`);
    return forgetCampaign(name, actor());
  }, `forgot "${name}"`);
}

async function changeState(command: string, options: GlobalOptions, context: CliContext, change: (state: AppliedState, workspace: Workspace) => Mutation, done: string): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const lock = await acquireLock(workspace.absoluteStatePath, { command, env: context.env, now: context.now() });
  try {
    const state = await existingState(workspace);
    const mutation = change(state, workspace);
    const writer = createStateWriter(workspace.absoluteStatePath, state, context.now);
    await writer.commit(mutation);
    await writer.compact();
    context.terminal.out(`${done}; state serial ${writer.current().serial}.\n`);
    return ExitCode.ok;
  } finally {
    await lock.release();
  }
}

/** `campaign force-unlock LOCK_ID` */
export async function forceUnlockCommand(lockId: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const holder = await forceUnlock(workspace.absoluteStatePath, lockId);
  context.terminal.out(`Removed lock ${holder.id} held by ${holder.user}@${holder.host} (pid ${holder.pid}, "${holder.command}", since ${holder.startedAt}).\n`);
  return ExitCode.ok;
}
