import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import type { ApplyReport, CampaignPlan } from "../schema/generated/index.js";
import { withLockedState } from "../state/index.js";
import { fromCampaigns, fromSavedPlan } from "./apply-prepare.js";
import { applyReport } from "./apply-report.js";
import { carryOut, type Submission } from "./apply-submit.js";
import type { AppContext } from "./context.js";
import { refuseOnGuards } from "./guard-check.js";
import { listenForStop, stopIfInterrupted, type Interrupts, type Stop } from "./interrupts.js";
import { checkSuppressionLists } from "./suppression.js";
import { campaignFileReader, openWorkspace, withStateBackend, type WorkspaceOptions } from "./workspace.js";

// The progress renderers the CLI picks from (live on a terminal, plain lines in CI).
export { plainProgress, terminalProgress, type Progress } from "../apply/index.js";

export interface ApplyInput extends WorkspaceOptions {
  /** A plan saved by campaign plan --out, or campaign paths (none: the campaigns directory). */
  args: readonly string[];
  autoApprove: boolean;
  /** --parallelism as written (default: api.parallelism). */
  parallelism?: string | undefined;
  allowLarge: boolean;
}

/** Where the CLI takes part: showing the plan, asking for approval, drawing progress. */
export interface ApplyPorts extends Pick<Submission, "progress"> {
  interrupts: Interrupts;
  /** A plan made from the campaign files, before anything is asked or sent (a saved plan was reviewed when it was made). */
  showPlan(plan: CampaignPlan): void;
  /** Asks whether to carry out the plan; absent when there is no one to ask (then only --auto-approve or a saved plan applies). */
  confirm?: (plan: CampaignPlan, signal: AbortSignal) => Promise<boolean>;
}

export interface ApplyResult {
  report: ApplyReport;
  /** false: the plan had nothing to submit, cancel, update or rename. */
  changed: boolean;
  /** A signal stopped it part way (what was in flight is recorded). */
  interrupted: boolean;
}

/** `campaign apply [PLANFILE | paths…]`: submits what the plan says, each campaign exactly once. */
export async function applyCampaigns(input: ApplyInput, context: AppContext, ports: ApplyPorts): Promise<ApplyResult> {
  const workspace = await openWorkspace(input, context);
  const parallelism = parseParallelism(input.parallelism ?? String(workspace.config.settings.api.parallelism));
  const planFile = await savedPlanArgument(input.args, context.cwd);
  const command = ["campaign", "apply", ...(input.autoApprove ? ["--auto-approve"] : []), ...input.args].join(" ");
  // Listening from before the lock is taken until after it is released: no signal in between
  // ends the process with the lock held.
  const stop = listenForApplyStop(ports.interrupts, context);
  try {
    return await withStateBackend(workspace, async (backend) => {
      stopIfApplyInterrupted(stop.signal);
      const request = { command, env: context.env, now: context.now() };
      return await withLockedState(backend, request, context.now, async (locked) => {
        stopIfApplyInterrupted(stop.signal);
        const { state } = locked;
        const prepared = planFile
          ? await fromSavedPlan(planFile, workspace, state, context, input.allowLarge)
          : await fromCampaigns(input.args, workspace, state, backend.location, context, {
              allowLarge: input.allowLarge,
              show: ports.showPlan,
            });
        stopIfApplyInterrupted(stop.signal);
        const { plan, toSubmit, changes } = prepared;
        if (toSubmit.length + changes.cancels.length + changes.recallUpdates.length + changes.moves.length === 0)
          return {
            report: applyReport(plan, [], [], plan.summary.unchanged),
            changed: false,
            interrupted: false,
          };
        if (!planFile && !input.autoApprove) await approve(plan, ports.confirm, stop.signal);
        // Right before the first request: what may have changed since the guards were evaluated
        // (the clock: the answer may have come hours later; the files: config, suppression lists).
        refuseOnGuards(prepared.guards, plan, input.allowLarge, context.now());
        await checkSuppressionLists(plan, workspace.config, campaignFileReader(workspace, context), context);
        stopIfApplyInterrupted(stop.signal);
        const run = { workspace, locked, parallelism, signal: stop.signal, progress: ports.progress };
        const outcomes = await carryOut(prepared, run, context);
        const affected = [...toSubmit, ...changes.moves.map((m) => m.desired)];
        return {
          report: applyReport(plan, outcomes, affected, plan.summary.unchanged),
          changed: true,
          interrupted: stop.signal.aborted,
        };
      });
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
function listenForApplyStop(interrupts: Interrupts, context: AppContext): Stop {
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

async function approve(plan: CampaignPlan, confirm: ApplyPorts["confirm"], interrupted: AbortSignal): Promise<void> {
  if (!confirm) {
    throw new ToolError(
      "approval-needed",
      "apply needs approval, and there is no terminal to ask",
      "review the plan and run campaign apply --auto-approve, or apply a saved plan: campaign plan --out plan.json && campaign apply plan.json",
    );
  }
  // A signal while the question waits ends the question (and the apply) instead of the process.
  const yes = await confirm(plan, interrupted).catch((error: unknown) => {
    stopIfApplyInterrupted(interrupted);
    throw error;
  });
  if (!yes) throw new ToolError("approval-needed", "apply cancelled; nothing was submitted", "answer yes to submit");
}

async function savedPlanArgument(args: readonly string[], cwd: string): Promise<string | undefined> {
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
