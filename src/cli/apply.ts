import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import {
  executeApply,
  executeChanges,
  executeMoves,
  plainProgress,
  terminalProgress,
  type ApplyOutcome,
  type CancelChange,
  type MoveChange,
  type Progress,
  type RecallChange,
} from "../apply/index.js";
import { ToolError } from "../errors/index.js";
import { guardFindings, type DesiredCampaign } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import {
  emptyState,
  hmacHasher,
  logEvent,
  newLineage,
  newSaltPathFor,
  readNewSalt,
  removeNewSalt,
  type StateBackend,
} from "../state/index.js";
import { applyReport, renderApplyReport } from "./apply-report.js";
import { clientFromEnvironment } from "../app/client.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { guardsOf, makePlan, renderPlan } from "./planning.js";
import { campaignsAsPlanned, checkPlanState, readSavedPlan, verifySavedPlan } from "./saved-plan.js";
import { listenForStop, stopIfInterrupted, type Interrupts, type Stop } from "../app/interrupts.js";
import { palette } from "../views/style.js";
import {
  actor,
  loadDesired,
  loadSuppressionLists,
  openWorkspace,
  withStateBackend,
  type Workspace,
} from "../app/workspace.js";

export interface ApplyCommandOptions {
  autoApprove?: boolean;
  parallelism?: string;
  allowLarge?: boolean;
}

/** `campaign apply [PLANFILE | paths…]`: submits what the plan says, each campaign exactly once. */
export async function applyCommand(
  args: string[],
  commandOptions: ApplyCommandOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const parallelism = parseParallelism(commandOptions.parallelism ?? String(workspace.config.settings.api.parallelism));
  const planFile = await savedPlanArgument(args, context.cwd);
  const command = ["campaign", "apply", ...(commandOptions.autoApprove ? ["--auto-approve"] : []), ...args].join(" ");
  // Listening from before the lock is taken until after it is released: no signal in between
  // ends the process with the lock held.
  const stop = listenForApplyStop(interrupts, context);
  try {
    return await withStateBackend(workspace, async (backend) => {
      stopIfApplyInterrupted(stop.signal);
      const lock = await backend.lock({ command, env: context.env, now: context.now() });
      try {
        stopIfApplyInterrupted(stop.signal);
        const state = await backend.read();
        const allowLarge = Boolean(commandOptions.allowLarge);
        const prepared = planFile
          ? await fromSavedPlan(planFile, workspace, state, context)
          : await fromCampaigns(args, workspace, state, backend.location, options, context, allowLarge);
        if (!prepared) return ExitCode.ok;
        stopIfApplyInterrupted(stop.signal);
        const { plan, toSubmit, salt, changes } = prepared;
        checkGuards(plan, toSubmit, changes.recallUpdates, state, workspace, allowLarge, context.now());
        if (toSubmit.length + changes.cancels.length + changes.recallUpdates.length + changes.moves.length === 0) {
          if (options.format !== "json") context.terminal.out("\nNo changes. Nothing to submit.\n");
          else
            context.terminal.out(
              JSON.stringify(applyReport(plan.planId, [], [], plan.summary.unchanged), null, 2) + "\n",
            );
          return ExitCode.ok;
        }
        if (!planFile && !commandOptions.autoApprove) {
          await approve(plan, context, stop.signal);
          // The answer may have come hours later: the rounds of an immediate send start now.
          checkGuards(plan, toSubmit, changes.recallUpdates, state, workspace, allowLarge, context.now());
        }
        await checkSuppressionLists(plan, workspace, context);
        stopIfApplyInterrupted(stop.signal);
        let progress: Progress | undefined;
        // A plan of renames only sends nothing: it needs no credentials.
        const sends = toSubmit.length + changes.cancels.length + changes.recallUpdates.length > 0;
        const client = sends
          ? clientFromEnvironment(workspace.config.settings, context.env, context.now, {
              signal: stop.signal,
              onRetry: (wait) => progress?.emit({ type: "waiting", ...wait }),
            })
          : undefined;
        try {
          progress = await startProgress(toSubmit, changes, context);
          const outcomes = await submit(
            plan,
            toSubmit,
            changes,
            refreshSettings(workspace),
            state,
            salt,
            backend,
            parallelism,
            context,
            stop.signal,
            client,
            progress,
            () => removeNewSalt(workspace.absoluteStatePath),
          );
          const report = applyReport(
            plan.planId,
            outcomes,
            [...toSubmit, ...changes.moves.map((m) => m.desired)],
            plan.summary.unchanged,
          );
          context.terminal.out(
            options.format === "json"
              ? JSON.stringify(report, null, 2) + "\n"
              : renderApplyReport(report, palette(context.terminal.color)),
          );
          if (report.summary.unknown > 0) return ExitCode.outcomeUnknown;
          if (stop.signal.aborted) return ExitCode.interrupted;
          return report.summary.rejected + report.summary.notStarted > 0 ? ExitCode.error : ExitCode.ok;
        } finally {
          await progress?.done();
          await client?.close();
        }
      } finally {
        await lock.release();
      }
    });
  } finally {
    stop.unlisten();
  }
}

/**
 * The first SIGINT/SIGTERM stops everything at once: nothing new starts, requests in flight are
 * aborted and recorded, the lock is released, and the command ends (exit 5 when an outcome is
 * unknown, else 130).
 */
function listenForApplyStop(interrupts: Interrupts, context: CliContext): Stop {
  return listenForStop(interrupts, context, {
    stopping:
      "stopping. No new submissions start; requests in flight are aborted and recorded (unknown when they may have reached the platform); then the lock is released.",
    again: "already stopping; recording what was in flight and releasing the lock…",
  });
}

function stopIfApplyInterrupted(signal: AbortSignal): void {
  stopIfInterrupted(
    signal,
    "apply interrupted before anything was submitted",
    "nothing was sent; run campaign apply again when ready",
  );
}

interface Prepared {
  plan: CampaignPlan;
  toSubmit: DesiredCampaign[];
  changes: PlannedChanges;
  salt: string;
}

async function fromCampaigns(
  paths: string[],
  workspace: Workspace,
  state: AppliedState | undefined,
  stateLocation: string,
  options: GlobalOptions,
  context: CliContext,
  allowLarge: boolean,
): Promise<Prepared | undefined> {
  const made = await makePlan(workspace, state, stateLocation, paths, context, { forSubmission: true, allowLarge });
  if (options.format !== "json") context.terminal.out(renderPlan(made.plan, options, context));
  if (made.plan.summary.errors > 0) {
    throw new ToolError(
      "plan-has-errors",
      `apply refuses to start: the plan has ${made.plan.summary.errors} error${made.plan.summary.errors === 1 ? "" : "s"} (see above)`,
      "resolve the blocked or unknown campaigns first; nothing was submitted",
    );
  }
  // Submitted in the order the plan lists them.
  const byName = new Map(made.desired.map((d) => [d.taskName, d]));
  const toSubmit = made.plan.entries
    .filter((e) => e.action === "create" || e.action === "retry")
    .map((e) => byName.get(e.taskName)!);
  return { plan: made.plan, toSubmit, changes: plannedChanges(made.plan, made.desired), salt: made.salt };
}

async function fromSavedPlan(
  file: string,
  workspace: Workspace,
  state: AppliedState | undefined,
  context: CliContext,
): Promise<Prepared> {
  const unverified = await readSavedPlan(file, context.cwd);
  // The keys that may have signed it here: the state's salt, or with no state yet the salt the
  // first apply creates the state with (beside the state, made by campaign plan).
  const { plan: saved, salt } = verifySavedPlan(
    unverified,
    state?.salt ?? (await readNewSalt(workspace.absoluteStatePath, workspace.statePath)),
    file,
    newSaltPathFor(workspace.statePath),
  );
  checkPlanState(saved, state, file);
  const loaded = await loadDesired(workspace, saved.paths, hmacHasher(salt), context);
  const asPlanned = campaignsAsPlanned(saved, loaded.desired, file);
  const toSubmit = asPlanned.filter((d) =>
    saved.entries.some((e) => e.taskName === d.taskName && (e.action === "create" || e.action === "retry")),
  );
  const changes = plannedChanges(saved, asPlanned);
  context.terminal.err(
    `Applying the saved plan ${file} (${toSubmit.length} to create, ${changes.cancels.length} to cancel, ${changes.recallUpdates.length} to update${changes.moves.length > 0 ? `, ${changes.moves.length} to rename` : ""}; made ${saved.createdAt}).\n`,
  );
  return { plan: saved, toSubmit, changes, salt };
}

/**
 * The guards once more, right before the first request: the config may have changed since the
 * plan, and an immediate send is checked against the calling hours at this moment. Going past
 * a size limit needs --allow-large on this apply *and* a plan that was made with it.
 */
function checkGuards(
  plan: CampaignPlan,
  toSubmit: DesiredCampaign[],
  recallUpdates: readonly RecallChange[],
  state: AppliedState | undefined,
  workspace: Workspace,
  allowLarge: boolean,
  now: number,
): void {
  const findings = guardFindings({
    ...guardsOf(workspace, allowLarge && plan.allowLarge === true),
    toSubmit,
    toUpdate: recallUpdates.map((u) => u.desired),
    state,
    now,
  });
  const errors = findings.filter((f) => f.severity === "error");
  if (errors.length === 0) return;
  const first = errors[0]!;
  const blastRadius = first.code.startsWith("blast-radius");
  const why =
    blastRadius && allowLarge && !plan.allowLarge
      ? "; the plan was not made with --allow-large, so it does not show that this was reviewed"
      : "";
  const hint = blastRadius
    ? "when this size is intended, make the plan with --allow-large and apply with --allow-large"
    : (first.hint ?? "fix the campaign and make a new plan");
  throw new ToolError(
    "plan-has-errors",
    `apply refuses to start: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}${why}`,
    `nothing was submitted; ${hint}`,
  );
}

/** Right before the first request: every suppression list exactly as the plan saw it (fail closed). */
async function checkSuppressionLists(plan: CampaignPlan, workspace: Workspace, context: CliContext): Promise<void> {
  const { bindings } = await loadSuppressionLists(workspace, context);
  const planned = new Map((plan.suppressionLists ?? []).map((b) => [b.path, b.sha256]));
  const now = new Map(bindings.map((b) => [b.path, b.sha256]));
  for (const [path, sha256] of now) {
    if (planned.get(path) !== sha256)
      throw new ToolError(
        "plan-stale",
        `the suppression list ${path} ${planned.has(path) ? "changed" : "was added"} since the plan was made`,
        "nothing was submitted; make a new plan and review it again",
      );
  }
  for (const path of planned.keys()) {
    if (!now.has(path))
      throw new ToolError(
        "plan-stale",
        `the suppression list ${path} is no longer configured, but the plan was checked against it`,
        "nothing was submitted; make a new plan and review it again",
      );
  }
}

async function approve(plan: CampaignPlan, context: CliContext, interrupted: AbortSignal): Promise<void> {
  if (!context.terminal.ask) {
    throw new ToolError(
      "approval-needed",
      "apply needs approval, and there is no terminal to ask",
      "review the plan and run campaign apply --auto-approve, or apply a saved plan: campaign plan --out plan.json && campaign apply plan.json",
    );
  }
  const n = plan.summary.create + plan.summary.retry;
  const what = [
    n > 0 ? `submit ${n} campaign${n === 1 ? "" : "s"} (${plan.summary.recipientsToSubmit} recipients)` : "",
    plan.summary.cancel > 0 ? `cancel ${plan.summary.cancel}` : "",
    plan.summary.updateRecall > 0
      ? `update ${plan.summary.updateRecall} recall flow${plan.summary.updateRecall === 1 ? "" : "s"}`
      : "",
    plan.summary.move > 0 ? `rename ${plan.summary.move} in the state` : "",
  ]
    .filter(Boolean)
    .join(", ");
  // A signal while the question waits ends the question (and the apply) instead of the process.
  const answer = await context.terminal
    .ask(`\nApply: ${what} on the platform? Calls cannot be taken back.\n  Only 'yes' will be accepted: `, interrupted)
    .catch((error: unknown) => {
      stopIfApplyInterrupted(interrupted);
      throw error;
    });
  if (answer.trim() !== "yes")
    throw new ToolError("approval-needed", "apply cancelled; nothing was submitted", "answer yes to submit");
}

async function startProgress(
  toSubmit: DesiredCampaign[],
  changes: PlannedChanges,
  context: CliContext,
): Promise<Progress> {
  const names = [
    ...changes.moves.map((m) => m.desired.taskName),
    ...toSubmit.map((d) => d.taskName),
    ...changes.cancels.map((c) => c.taskName),
    ...changes.recallUpdates.map((c) => c.desired.taskName),
  ];
  return context.terminal.isTTY && !context.env["CI"]
    ? await terminalProgress(names)
    : plainProgress(context.terminal.err, context.now);
}

async function submit(
  plan: CampaignPlan,
  toSubmit: DesiredCampaign[],
  changes: PlannedChanges,
  refresh: { timeZone: string; settleMs: number },
  state: AppliedState | undefined,
  salt: string,
  backend: StateBackend,
  parallelism: number,
  context: CliContext,
  interrupted: AbortSignal,
  client: ReturnType<typeof clientFromEnvironment> | undefined,
  progress: Progress,
  stateCreated: () => Promise<void>,
): Promise<ApplyOutcome[]> {
  const initial = state ?? emptyState(plan.state.newLineage ?? newLineage(), salt);
  const writer = backend.writer(initial, context.now);
  await writer.commit((s) => [
    ...(state ? [] : [{ action: "create-state" as const, detail: `lineage ${s.lineage}` }]),
    { action: "apply-start" as const, detail: `plan ${plan.planId}` },
  ]);
  // The new-state salt is the state's salt now: gone, so a copy of a state-less plan can never
  // verify again (say, after the state file was deleted) and submit a second time.
  if (!state) await stateCreated();
  const stopRequested = () => interrupted.aborted;
  try {
    // Renames first: they only move state entries, and nothing after them depends on the old names.
    const outcomes = await executeMoves({
      moves: changes.moves,
      writer,
      by: actor(),
      now: context.now,
      emit: (e) => progress.emit(e),
    });
    if (client && !stopRequested())
      outcomes.push(
        ...(await executeApply({
          toSubmit,
          writer,
          client,
          lookup: { timeZone: refresh.timeZone },
          parallelism,
          planId: plan.planId,
          now: context.now,
          emit: (e) => progress.emit(e),
          stopRequested,
        })),
      );
    if (client && !stopRequested())
      outcomes.push(
        ...(await executeChanges({
          ...changes,
          ...refresh,
          client,
          writer,
          now: context.now,
          emit: (e) => progress.emit(e),
          stopRequested,
        })),
      );
    const submitted = outcomes.filter((o) => o.status === "submitted").length;
    await writer.commit(
      logEvent({
        action: "apply-end",
        detail: `plan ${plan.planId}: ${submitted} submitted${stopRequested() ? " (interrupted)" : ""}`,
      }),
    );
    return outcomes;
  } finally {
    // File: folds the journal into the state file (skipped if a write failed: the journal stays).
    await writer.compact();
  }
}

interface PlannedChanges {
  cancels: CancelChange[];
  recallUpdates: RecallChange[];
  moves: MoveChange[];
}

/** The reviewed changes, each carried out or refused by name: an entry that cannot be is an error (exit 1), never dropped. */
function plannedChanges(plan: CampaignPlan, desired: readonly DesiredCampaign[]): PlannedChanges {
  const byName = new Map(desired.map((d) => [d.taskName, d]));
  const changes: PlannedChanges = { cancels: [], recallUpdates: [], moves: [] };
  const cannot = (name: string, why: string): never => {
    throw new ToolError(
      "plan-has-errors",
      `apply refuses to start: the reviewed change of "${name}" cannot be carried out: ${why}`,
      "nothing was sent; make a new plan (campaign plan --refresh) and review it again",
    );
  };
  for (const e of plan.entries) {
    if (e.action === "cancel")
      changes.cancels.push(cancelChange(e, e.cancel?.task.taskId ?? e.previous?.taskId ?? null));
    else if (e.action === "update-recall") {
      const d = byName.get(e.taskName) ?? cannot(e.taskName, "its campaign definition is not loaded");
      changes.recallUpdates.push({
        desired: d,
        keyId:
          e.recallKeyId ?? cannot(e.taskName, "the plan does not know its recall flow's keyId (run campaign refresh)"),
      });
    } else if (e.action === "move") {
      const d = byName.get(e.taskName) ?? cannot(e.taskName, "its campaign definition is not loaded");
      const from = e.from ?? cannot(e.taskName, "the plan does not say which state entry it is renamed from");
      changes.moves.push({ from, desired: d, platformTaskName: e.platformTaskName ?? from });
    }
  }
  return changes;
}

/** What the plan said is left to stop (an entry without that detail, from an older plan: the task only). */
function cancelChange(entry: CampaignPlan["entries"][number], taskId: number | null): CancelChange {
  const flow = entry.cancel?.recallFlow;
  return {
    taskName: entry.taskName,
    taskId,
    cancelTask: entry.cancel?.task.cancel ?? true,
    ...(flow
      ? { recallFlow: { ...(flow.keyId !== undefined ? { keyId: flow.keyId } : {}), status: flow.status } }
      : {}),
  };
}

/** The refresh after a cancel asks the platform as `campaign refresh` does. */
function refreshSettings(workspace: Workspace): { timeZone: string; settleMs: number } {
  return {
    timeZone: workspace.config.settings.api.timezone,
    settleMs: workspace.config.settings.api.reconcileAfterSeconds * 1000,
  };
}

async function savedPlanArgument(args: string[], cwd: string): Promise<string | undefined> {
  if (args.length !== 1 || /\.ya?ml$/i.test(args[0]!)) return undefined;
  // Anything but a directory is a plan file: a FIFO or device is then refused by name, unread.
  const info = await stat(resolve(cwd, args[0]!)).catch(() => undefined);
  return info && !info.isDirectory() ? args[0] : undefined;
}

function parseParallelism(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new ToolError("usage", `--parallelism must be a whole number from 1 to 64, not ${text}`);
  return n;
}
