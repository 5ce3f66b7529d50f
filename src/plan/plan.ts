import type { AppliedState, CampaignPlan, CampaignState, Diagnostic, FieldChange, PlanEntry, PlanSummary } from "../schema/generated/index.js";
import { maskPhoneNumber } from "../privacy/mask.js";
import { canonicalJson } from "./canonical.js";
import type { DesiredCampaign } from "./desired.js";

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
  /** With no state yet: the lineage and hash key the first apply will create it with. */
  newState?: { lineage: string; salt: string };
}

const SAMPLE_SIZE = 3;

/** Diffs the declared campaigns against the applied state (pure: everything comes in as data). */
export function plan(input: PlanInput): CampaignPlan {
  const campaigns = input.state?.campaigns ?? {};
  const findings: Diagnostic[] = [...input.loadFindings];
  const entries: PlanEntry[] = [];
  const declared = new Set<string>();

  for (const desired of input.desired) {
    declared.add(desired.taskName);
    const applied = campaigns[desired.taskName];
    const entry = entryFor(desired, applied);
    entries.push(entry);
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    if (entry.action === "blocked") findings.push(blockedFinding(desired.taskName, applied!, at));
    if (entry.action === "unknown") findings.push(unknownFinding(desired.taskName, applied!, at));
  }
  for (const [taskName, applied] of Object.entries(campaigns)) {
    if (declared.has(taskName)) continue;
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
  return {
    formatVersion: 1,
    planId: input.planId,
    toolVersion: input.toolVersion,
    createdAt: new Date(input.now).toISOString(),
    paths: input.paths,
    state: input.state
      ? { lineage: input.state.lineage, serial: input.state.serial }
      : { lineage: null, serial: 0, ...(input.newState ? { newLineage: input.newState.lineage, newSalt: input.newState.salt } : {}) },
    entries,
    summary: summarize(entries, findings),
    findings,
  };
}

function entryFor(desired: DesiredCampaign, applied: CampaignState | undefined): PlanEntry {
  const base = { taskName: desired.taskName, file: desired.source.file, line: desired.source.line, recipients: desired.recipients, definitionHash: desired.definitionHash };
  if (!applied) return { ...base, action: "create", ...preview(desired) };
  const previous = previousOf(applied);
  switch (applied.status) {
    case "submitted":
      return applied.definitionHash === desired.definitionHash
        ? { ...base, action: "unchanged", previous }
        : { ...base, action: "blocked", previous, changes: changes(applied, desired) };
    case "rejected":
    case "not-submitted":
      return { ...base, action: "retry", previous, ...preview(desired) };
    case "pending":
    case "unknown":
      return { ...base, action: "unknown", previous };
  }
}

function preview(desired: DesiredCampaign): Pick<PlanEntry, "fields" | "recipientSample" | "textVariables"> {
  const texts = new Set<string>();
  for (const recipient of desired.body.numberInfoList) for (const key of Object.keys(recipient)) if (key !== "calleeNumber") texts.add(key);
  return {
    fields: desired.settings,
    recipientSample: desired.body.numberInfoList.slice(0, SAMPLE_SIZE).map((r) => maskPhoneNumber(r.calleeNumber)),
    textVariables: [...texts].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))),
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

function blockedFinding(taskName: string, applied: CampaignState, at: { file: string; line: number; column: number }): Diagnostic {
  return {
    severity: "error",
    code: "submitted-campaign-changed",
    message: `"${taskName}" was submitted${applied.taskId ? ` as task ${applied.taskId}` : ""}${applied.submittedAt ? ` at ${applied.submittedAt}` : ""} and has changed since; the platform cannot change a submitted task`,
    hint: "revert the change, or declare a new campaign with a new taskName (and cancel the old task on the platform if it must not run)",
    ...at,
  };
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

const ORDER: Record<PlanEntry["action"], number> = { create: 0, retry: 1, blocked: 2, unknown: 3, orphaned: 4, unchanged: 5 };
const order = (entry: PlanEntry): number => ORDER[entry.action];

function summarize(entries: readonly PlanEntry[], findings: readonly Diagnostic[]): PlanSummary {
  const count = (action: PlanEntry["action"]) => entries.filter((e) => e.action === action).length;
  const toSubmit = entries.filter((e) => e.action === "create" || e.action === "retry");
  const errors = findings.filter((f) => f.severity === "error").length;
  return {
    create: count("create"),
    retry: count("retry"),
    unchanged: count("unchanged"),
    blocked: count("blocked"),
    orphaned: count("orphaned"),
    unknown: count("unknown"),
    campaigns: entries.filter((e) => e.action !== "orphaned").length,
    recipientsToSubmit: toSubmit.reduce((n, e) => n + e.recipients, 0),
    hasChanges: toSubmit.length > 0,
    errors,
    warnings: findings.length - errors,
  };
}

/** `Plan: 2 to create, 1 blocked, 12 unchanged.` */
export function planSummaryLine(summary: PlanSummary): string {
  const toCreate = summary.create + summary.retry;
  const parts = [`${toCreate} to create${summary.retry > 0 ? ` (${summary.retry} ${summary.retry === 1 ? "retry" : "retries"})` : ""}`];
  if (summary.blocked > 0) parts.push(`${summary.blocked} blocked`);
  if (summary.unknown > 0) parts.push(`${summary.unknown} unknown`);
  if (summary.orphaned > 0) parts.push(`${summary.orphaned} orphaned`);
  parts.push(`${summary.unchanged} unchanged`);
  return `Plan: ${parts.join(", ")}.`;
}
