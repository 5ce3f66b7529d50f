import { forceUnlock } from "../app/force-unlock.js";
import type { Interrupts } from "../app/interrupts.js";
import { migrateState } from "../app/migrate.js";
import { forgetState, resolveDecision, resolveState, type ResolveOptions } from "../app/state-change.js";
import { listState, showState } from "../app/state-read.js";
import {
  migrateNextStep,
  renderForceUnlockText,
  renderMigrateText,
  renderStateChangeText,
} from "../views/command-result.js";
import { jsonView } from "../views/format.js";
import { renderStateListText, renderStateShowText, stateListJson, stateShowJson } from "../views/state-view.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";

export type { ResolveOptions };

/** A result on stdout: its json document, or its text for people; these commands succeed or throw. */
function printed<R>(
  result: R,
  json: (result: R) => string,
  text: (result: R) => string,
  options: GlobalOptions,
  context: CliContext,
): ExitCode {
  context.terminal.out(options.format === "json" ? json(result) : text(result));
  return ExitCode.ok;
}

/** `campaign state list` */
export async function stateListCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  return printed(await listState(options, context), stateListJson, renderStateListText, options, context);
}

/** `campaign state show NAME` */
export async function stateShowCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  return printed(await showState(name, options, context), stateShowJson, renderStateShowText, options, context);
}

/** `campaign state resolve NAME --submitted [--task-id ID] | --not-submitted | --check` */
export async function stateResolveCommand(
  name: string,
  resolveOptions: ResolveOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const decision = resolveDecision(resolveOptions);
  if (decision.check) {
    // Only --check talks to the platform: its modules load only then.
    const { resolveCheckCommand } = await import("./refresh.js");
    return resolveCheckCommand(name, options, context, interrupts);
  }
  const report = await resolveState(name, decision, options, context);
  return printed(report, jsonView, renderStateChangeText, options, context);
}

/** `campaign state forget NAME` */
export async function stateForgetCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  return printed(await forgetState(name, options, context), jsonView, renderStateChangeText, options, context);
}

/** `campaign force-unlock LOCK_ID` */
export async function forceUnlockCommand(
  lockId: string,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  return printed(await forceUnlock(lockId, options, context), jsonView, renderForceUnlockText, options, context);
}

/** `campaign state migrate --to postgres|file` */
export async function stateMigrateCommand(to: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const migrated = await migrateState(to, options, context);
  if (options.format !== "json") context.terminal.out(renderMigrateText(migrated));
  else {
    context.terminal.out(jsonView(migrated.report));
    context.terminal.err(migrateNextStep(migrated));
  }
  return ExitCode.ok;
}
