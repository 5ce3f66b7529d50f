import { nameIndex } from "../plan/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import type {
  NumberInfo,
  RecipientOutcome,
  RecipientOutcomesReport,
  VariableColumn,
} from "../schema/generated/index.js";
import type { CalleeOutcome } from "./store.js";

/** A folded callee outcome: the campaign's own reports, and those without a task id when they are its. */
export type Folded = Omit<CalleeOutcome, "calleeHash" | "unattributed">;

/**
 * Each recipient's reports (same order as `hashes`; undefined: not called yet). Reports without a
 * task id count only where `ownsUnattributed(index)` says the campaign alone declares that number.
 */
export function foldPerRecipient(
  hashes: readonly string[],
  rows: readonly CalleeOutcome[],
  ownsUnattributed: (index: number) => boolean,
): (Folded | undefined)[] {
  const own = new Map<string, CalleeOutcome>();
  const unattributed = new Map<string, CalleeOutcome>();
  for (const row of rows) (row.unattributed ? unattributed : own).set(row.calleeHash, row);
  return hashes.map((hash, index) => {
    const mine = own.get(hash);
    const loose = unattributed.size > 0 ? unattributed.get(hash) : undefined;
    return merged(mine, loose !== undefined && ownsUnattributed(index) ? loose : undefined);
  });
}

function merged(a: CalleeOutcome | undefined, b: CalleeOutcome | undefined): Folded | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const latest = (b.lastCallAt ?? -Infinity) > (a.lastCallAt ?? -Infinity) ? b : a;
  return {
    attempts: a.attempts + b.attempts,
    connectedCalls: a.connectedCalls + b.connectedCalls,
    billedLineSeconds: a.billedLineSeconds + b.billedLineSeconds,
    lastCallAt: Math.max(a.lastCallAt ?? -Infinity, b.lastCallAt ?? -Infinity) === -Infinity ? null : latest.lastCallAt,
    outcome: latest.outcome,
    intent: latest.intent,
  };
}

export interface RecipientsView {
  taskName: string;
  taskId: number | null;
  recipients: readonly NumberInfo[];
  folded: readonly (Folded | undefined)[];
  columns: readonly VariableColumn[];
  /** Per recipient: a report of any campaign had one of reports.optOutIntents (an opt-out is never taken back). */
  optedOut: readonly boolean[];
  /** --reveal: full numbers. */
  reveal: boolean;
}

/** `campaign outcomes NAME --recipients`: one row per declared recipient. */
export function recipientOutcomes(view: RecipientsView): RecipientOutcomesReport {
  const summary = {
    recipients: view.recipients.length,
    called: 0,
    notCalled: 0,
    reached: 0,
    optOuts: 0,
    latest: { connected: 0, noAnswer: 0, busy: 0, voicemail: 0, failed: 0 },
  };
  const rows = view.recipients.map((recipient, index): RecipientOutcome => {
    const folded = view.folded[index];
    const optOut = view.optedOut[index] === true;
    if (optOut) summary.optOuts++;
    if (folded === undefined) summary.notCalled++;
    else {
      summary.called++;
      summary.latest[folded.outcome]++;
      if (folded.connectedCalls > 0) summary.reached++;
    }
    return {
      calleeNumber: view.reveal ? recipient.calleeNumber : maskPhoneNumber(recipient.calleeNumber),
      variables: variablesOf(recipient, view.columns),
      attempts: folded?.attempts ?? 0,
      connectedCalls: folded?.connectedCalls ?? 0,
      outcome: folded?.outcome ?? null,
      intent: folded?.intent ?? null,
      optOut,
      lastCallAt: folded?.lastCallAt == null ? null : new Date(folded.lastCallAt).toISOString(),
      billedLineSeconds: folded?.billedLineSeconds ?? 0,
    };
  });
  return {
    formatVersion: 1,
    taskName: view.taskName,
    taskId: view.taskId,
    revealed: view.reveal,
    columns: [...view.columns],
    recipients: rows,
    summary,
  };
}

/** The recipient's text variables by column name (a null-prototype object: names come from a file). */
function variablesOf(recipient: NumberInfo, columns: readonly VariableColumn[]): Record<string, string> {
  const variables = nameIndex<string>();
  const values = recipient as unknown as Record<string, string | undefined>;
  for (const { variable, name } of columns) {
    const value = values[variable];
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}
