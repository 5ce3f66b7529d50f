import type { AppliedState, CampaignPlan, CampaignState, Diagnostic, FieldChange, PlanEntry, PlanSummary, SuppressionListBinding } from "../schema/generated/index.js";
import { ownEntry } from "./by-name.js";
import { canonicalJson } from "./canonical.js";
import type { DesiredCampaign } from "./desired.js";
import { guardFindings, type GuardInput } from "./guards.js";
import { crossCampaignDuplicates, recipientDiff } from "./recipients.js";

export interface PlanInput {
  desired: readonly DesiredCampaign[];
  /** Warnings from loading (a plan is only made from valid campaigns). */
  loadFindings: readonly Diagnostic[];
  state: AppliedState | undefined;
  /** Where findings about state entries point. */
  statePath: string;
  now: number;
  planId: string;
  toolVersion: string;
  paths: string[];
  /** With no state yet: the lineage the first apply will create it with. */
  newState?: { lineage: string };
  guards?: Omit<GuardInput, "toSubmit" | "state">;
  suppressionLists?: SuppressionListBinding[];
}

/** Diffs the declared campaigns against the applied state (pure: everything comes in as data). */
export function plan(input: PlanInput): CampaignPlan {
  const campaigns = input.state?.campaigns;
  const findings: Diagnostic[] = [...input.loadFindings];
  const entries: PlanEntry[] = [];
  const declared = new Map(input.desired.map((d) => [d.taskName, d]));

  for (const desired of input.desired) {
    const applied = ownEntry(campaigns, desired.taskName);
    const entry = entryFor(desired, applied, declared, input.state);
    entries.push(entry);
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    if (entry.action === "blocked") findings.push(blockedFinding(desired.taskName, applied!, at, entry));
    if (entry.action === "unknown") findings.push(unknownFinding(desired.taskName, applied!, at));
    if (desired.cancel && entry.action === "unchanged") {
      const note = cancelNote(applied);
      if (note) findings.push({ severity: "warning", code: "nothing-to-cancel", message: `"${desired.taskName}" has cancel: true, but ${note}`, hint: "nothing will be sent; remove cancel: true or the campaign file when you like", ...at });
    }
  }
  for (const [taskName, applied] of Object.entries(campaigns ?? {})) {
    // A cancelled task that is no longer declared is finished business: nothing to show.
    if (declared.has(taskName) || applied.status === "cancelled") continue;
    const at = { file: input.statePath, line: 1, column: 1 };
    if (applied.status === "pending" || applied.status === "unknown") {
      entries.push({ taskName, action: "unknown", recipients: applied.recipients, previous: previousOf(applied) });
      findings.push(unknownFinding(taskName, applied, at));
    } else {
      entries.push({ taskName, action: "orphaned", recipients: applied.recipients, previous: previousOf(applied) });
      findings.push(orphanFinding(taskName, applied, at));
    }
  }
  entries.sort((a, b) => order(a) - order(b) || (a.taskName < b.taskName ? -1 : 1));
  if (input.guards) {
    const submitting = new Set(entries.filter((e) => e.action === "create" || e.action === "retry").map((e) => e.taskName));
    const toSubmit = input.desired.filter((d) => submitting.has(d.taskName));
    findings.push(...guardFindings({ ...input.guards, toSubmit, state: input.state, now: input.now }));
    findings.push(...crossCampaignDuplicates(toSubmit, input.guards.platformTimeZone, input.now));
  }
  return {
    formatVersion: 1,
    planId: input.planId,
    toolVersion: input.toolVersion,
    createdAt: new Date(input.now).toISOString(),
    paths: input.paths,
    state: input.state
      ? { lineage: input.state.lineage, serial: input.state.serial }
      : { lineage: null, serial: 0, ...(input.newState ? { newLineage: input.newState.lineage } : {}) },
    entries,
    summary: summarize(entries, findings),
    findings,
    ...(input.guards?.allowLarge ? { allowLarge: true } : {}),
    ...(input.suppressionLists && input.suppressionLists.length > 0 ? { suppressionLists: input.suppressionLists } : {}),
  };
}

const FINISHED_ON_PLATFORM = new Set(["finished", "cancelled", "submission-failed"]);

function entryFor(desired: DesiredCampaign, applied: CampaignState | undefined, declared: ReadonlyMap<string, DesiredCampaign>, state: AppliedState | undefined): PlanEntry {
  const base = { taskName: desired.taskName, file: desired.source.file, line: desired.source.line, recipients: desired.recipients, definitionHash: desired.definitionHash };
  if (!applied) return desired.cancel ? { ...base, action: "unchanged" } : { ...base, action: "create", ...preview(desired, declared, state) };
  const previous = previousOf(applied);
  const platform = platformOf(applied);
  switch (applied.status) {
    case "submitted": {
      if (desired.cancel) {
        const done = applied.platform && FINISHED_ON_PLATFORM.has(applied.platform.status);
        return { ...base, action: done ? "unchanged" : "cancel", previous, ...(platform ? { platform } : {}) };
      }
      if (applied.definitionHash === desired.definitionHash) return { ...base, action: "unchanged", previous };
      const diff = changes(applied, desired);
      const canUpdate = onlyRecallFlow(diff) && applied.settings?.["recallFlow"] !== undefined && applied.recall?.status === "pending";
      return canUpdate
        ? { ...base, action: "update-recall", previous, changes: diff, recallKeyId: applied.recall!.keyId }
        : { ...base, action: "blocked", previous, changes: diff, ...(platform ? { platform } : {}) };
    }
    case "cancelled":
      return desired.cancel ? { ...base, action: "unchanged", previous } : { ...base, action: "blocked", previous, changes: [{ field: "cancel", before: true, after: false }] };
    case "rejected":
    case "not-submitted":
      return desired.cancel ? { ...base, action: "unchanged", previous } : { ...base, action: "retry", previous, ...preview(desired, declared, state) };
    case "pending":
    case "unknown":
      return { ...base, action: "unknown", previous };
  }
}

function platformOf(applied: CampaignState): PlanEntry["platform"] | undefined {
  const p = applied.platform;
  if (!p) return undefined;
  return {
    status: p.status,
    refreshedAt: p.refreshedAt,
    ...(p.numCnt !== undefined ? { numCnt: p.numCnt } : {}),
    ...(p.callNum !== undefined ? { callNum: p.callNum } : {}),
    ...(p.success !== undefined ? { success: p.success } : {}),
    ...(p.fail !== undefined ? { fail: p.fail } : {}),
  };
}

function preview(desired: DesiredCampaign, declared: ReadonlyMap<string, DesiredCampaign>, state: AppliedState | undefined): Pick<PlanEntry, "fields" | "recipientSample" | "textVariables" | "suppressedSkipped" | "countries" | "recipientDiff"> {
  const diff = recipientDiff(desired, declared, state);
  return {
    fields: desired.settings,
    recipientSample: desired.sample,
    textVariables: desired.textVariables,
    countries: desired.countries,
    ...(diff ? { recipientDiff: diff } : {}),
    ...(desired.suppressedSkipped ? { suppressedSkipped: desired.suppressedSkipped } : {}),
  };
}

function previousOf(applied: CampaignState): NonNullable<PlanEntry["previous"]> {
  return {
    status: applied.status,
    ...(applied.taskId !== undefined ? { taskId: applied.taskId } : {}),
    ...(applied.submittedAt ? { submittedAt: applied.submittedAt } : {}),
    ...(applied.attemptStartedAt ? { attemptStartedAt: applied.attemptStartedAt } : {}),
    ...(applied.lastError ? { error: `${applied.lastError.code ? `${applied.lastError.code} ` : ""}${applied.lastError.message}` } : {}),
    ...(applied.lastError?.hint ? { hint: applied.lastError.hint } : {}),
  };
}

/** Field-level differences between what was submitted and what is declared now. */
function changes(applied: CampaignState, desired: DesiredCampaign): FieldChange[] {
  const before = applied.settings ?? {};
  const after = desired.settings;
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const key of keys) {
    const b = before[key];
    const a = after[key];
    if (canonicalJson(b) === canonicalJson(a)) continue;
    if (isObject(b) && isObject(a)) {
      for (const sub of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
        if (canonicalJson(b[sub]) !== canonicalJson(a[sub])) out.push(change(`${key}.${sub}`, b[sub], a[sub]));
      }
    } else out.push(change(key, b, a));
  }
  if (applied.recipientsHash !== desired.recipientsHash) {
    out.push(change("recipients", applied.recipients, desired.recipients === applied.recipients ? `${desired.recipients} (different numbers or text variables)` : desired.recipients));
  }
  return out;
}

function change(field: string, before: unknown, after: unknown): FieldChange {
  return { field, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function cancelNote(applied: CampaignState | undefined): string | undefined {
  if (!applied) return "it was never submitted";
  if (applied.status === "rejected" || applied.status === "not-submitted") return "it was never created on the platform";
  if (applied.status === "submitted" && applied.platform && FINISHED_ON_PLATFORM.has(applied.platform.status)) return `the platform reports it ${applied.platform.status} (at ${applied.platform.refreshedAt})`;
  return undefined;
}

function blockedFinding(taskName: string, applied: CampaignState, at: { file: string; line: number; column: number }, entry: PlanEntry): Diagnostic {
  if (applied.status === "cancelled") {
    return { severity: "error", code: "cancelled-campaign-declared", message: `"${taskName}" was cancelled${applied.cancelledAt ? ` at ${applied.cancelledAt}` : ""}; a cancelled task cannot run again`, hint: "keep cancel: true (or remove the file), and declare a new campaign with a new taskName", ...at };
  }
  return {
    severity: "error",
    code: "submitted-campaign-changed",
    message: `"${taskName}" was submitted${applied.taskId ? ` as task ${applied.taskId}` : ""}${applied.submittedAt ? ` at ${applied.submittedAt}` : ""} and has changed since; the platform cannot change a submitted task`,
    hint: blockedHint(applied, entry),
    ...at,
  };
}

/** Whether everything that changed is inside recallFlow (which may change while it is pending). */
function onlyRecallFlow(changes: readonly FieldChange[]): boolean {
  return changes.length > 0 && changes.every((c) => c.field === "recallFlow" || c.field.startsWith("recallFlow."));
}

function blockedHint(applied: CampaignState, entry: PlanEntry): string {
  const generic = "revert the change, or declare a new campaign with a new taskName (and set cancel: true on the old one if it must not run)";
  if (!onlyRecallFlow(entry.changes ?? [])) return generic;
  if (applied.settings?.["recallFlow"] === undefined) return `a recall flow cannot be added to a submitted task; ${generic}`;
  if (!applied.recall) return `a recall flow can change only while it is pending: run campaign plan --refresh to check, else ${generic}`;
  return `its recall flow is ${applied.recall.status} (at ${applied.recall.refreshedAt}), so it can no longer change; ${generic}`;
}

function unknownFinding(taskName: string, applied: CampaignState, at: { file: string; line: number; column: number }): Diagnostic {
  return {
    severity: "error",
    code: "outcome-unknown",
    message: `the outcome of submitting "${taskName}"${applied.attemptStartedAt ? ` at ${applied.attemptStartedAt}` : ""} is unknown (${applied.status === "pending" ? "the apply was interrupted" : (applied.lastError?.message ?? "no answer")}); it may or may not exist on the platform`,
    hint: `look for the task on the platform, then run: campaign state resolve ${quoteArg(taskName)} --submitted [--task-id ID]   or   --not-submitted`,
    ...at,
  };
}

function orphanFinding(taskName: string, applied: CampaignState, at: { file: string; line: number; column: number }): Diagnostic {
  const submitted = applied.status === "submitted";
  return {
    severity: "warning",
    code: "orphaned",
    message: submitted
      ? `"${taskName}"${applied.taskId ? ` (task ${applied.taskId})` : ""} is no longer declared but is still scheduled on the platform`
      : `"${taskName}" is no longer declared; it was never created on the platform (${applied.status})`,
    hint: submitted
      ? `removing the file does not cancel calls: cancel the task on the platform if it must not run, then: campaign state forget ${quoteArg(taskName)}`
      : `remove it from the state with: campaign state forget ${quoteArg(taskName)}`,
    ...at,
  };
}

const quoteArg = (name: string): string => (/^[\w.-]+$/.test(name) ? name : `'${name.replace(/'/g, "'\\''")}'`);

const ORDER: Record<PlanEntry["action"], number> = { create: 0, retry: 1, cancel: 2, "update-recall": 3, blocked: 4, unknown: 5, orphaned: 6, unchanged: 7 };
const order = (entry: PlanEntry): number => ORDER[entry.action];

function summarize(entries: readonly PlanEntry[], findings: readonly Diagnostic[]): PlanSummary {
  const count = (action: PlanEntry["action"]) => entries.filter((e) => e.action === action).length;
  const toSubmit = entries.filter((e) => e.action === "create" || e.action === "retry");
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    create: count("create"),
    retry: count("retry"),
    cancel: count("cancel"),
    updateRecall: count("update-recall"),
    unchanged: count("unchanged"),
    blocked: count("blocked"),
    orphaned: count("orphaned"),
    unknown: count("unknown"),
    campaigns: entries.filter((e) => e.action !== "orphaned").length,
    recipientsToSubmit: toSubmit.reduce((n, e) => n + e.recipients, 0),
    hasChanges: toSubmit.length + count("cancel") + count("update-recall") > 0,
    errors,
    warnings: findings.length - errors,
  };
}

/** `Plan: 2 to create, 1 blocked, 12 unchanged.` */
export function planSummaryLine(summary: PlanSummary): string {
  const toCreate = summary.create + summary.retry;
  const parts = [`${toCreate} to create${summary.retry > 0 ? ` (${summary.retry} ${summary.retry === 1 ? "retry" : "retries"})` : ""}`];
  if (summary.cancel > 0) parts.push(`${summary.cancel} to cancel`);
  if (summary.updateRecall > 0) parts.push(`${summary.updateRecall} recall flow${summary.updateRecall === 1 ? "" : "s"} to update`);
  if (summary.blocked > 0) parts.push(`${summary.blocked} blocked`);
  if (summary.unknown > 0) parts.push(`${summary.unknown} unknown`);
  if (summary.orphaned > 0) parts.push(`${summary.orphaned} orphaned`);
  parts.push(`${summary.unchanged} unchanged`);
  return `Plan: ${parts.join(", ")}.`;
}
