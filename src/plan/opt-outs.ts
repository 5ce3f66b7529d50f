import type { Diagnostic } from "../schema/generated/index.js";
import type { DesiredCampaign } from "./desired.js";

/** A campaign's declared numbers with a status report that is an opt-out, found by the caller (by hash). */
export interface OptedOutRecipients {
  taskName: string;
  /** The first of them, masked, with the intent of an opt-out report of each. */
  sample: { calleeNumber: string; intent: string }[];
  /** All of them. */
  count: number;
}

/** The opt-outs a campaign about to be submitted would call: a warning per number (the first few), then a count. */
export function optOutFindings(
  optedOut: readonly OptedOutRecipients[],
  creating: ReadonlySet<string>,
  declared: ReadonlyMap<string, DesiredCampaign>,
): Diagnostic[] {
  const findings: Diagnostic[] = [];
  for (const found of optedOut) {
    const desired = declared.get(found.taskName);
    if (desired === undefined || !creating.has(found.taskName)) continue;
    const at = { file: desired.source.file, line: desired.source.line, column: 1 };
    for (const { calleeNumber, intent } of found.sample)
      findings.push({
        severity: "warning",
        code: "opted-out-number",
        message: `"${found.taskName}" would call ${calleeNumber}, who asked not to be called again (a status report with intent ${intent}), and no suppression list holds it yet`,
        hint: "campaign outcomes --opt-outs --out FILE writes the opt-outs as a suppression list: add it to guards.suppressionLists (or remove the number)",
        ...at,
      });
    if (found.count > found.sample.length)
      findings.push({
        severity: "warning",
        code: "opted-out-number",
        message: `"${found.taskName}" would call ${found.count - found.sample.length} more opted-out numbers (${found.count} in all)`,
        ...at,
      });
  }
  return findings;
}
