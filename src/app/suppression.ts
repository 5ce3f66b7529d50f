import { createHash } from "node:crypto";
import { referencedFileProblem, type CampaignFileReader, type LoadedCampaign } from "../campaigns/index.js";
import { parseSuppressionList, suppressedBy, type SuppressionList } from "../campaigns/suppression.js";
import type { LoadedConfig } from "../config/index.js";
import type { Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { maskPhoneNumber } from "../privacy/index.js";
import type { CampaignPlan, SuppressionListBinding } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";

export interface SuppressionLists {
  lists: SuppressionList[];
  /** Path, content hash and size of each list, as the plan records them. */
  bindings: SuppressionListBinding[];
}

/** Reads guards.suppressionLists; a list that cannot be read or parsed stops the command (fail closed). */
export async function loadSuppressionLists(
  config: LoadedConfig,
  reader: CampaignFileReader,
  context: AppContext,
): Promise<SuppressionLists> {
  const { guards } = config.settings;
  const lists: SuppressionList[] = [];
  const bindings: SuppressionListBinding[] = [];
  const problems: Diagnostic[] = [];
  for (const [index, path] of (guards.suppressionLists ?? []).entries()) {
    const read = await reader.readText(path, "suppression list");
    if (!read.ok) {
      const referencedAt = config.source.locate(["guards", "suppressionLists", index]);
      const problem = referencedFileProblem(read.problem, {
        name: `guards.suppressionLists[${index}]`,
        written: path,
        file: path,
        referencedAt,
        field: `/guards/suppressionLists/${index}`,
      });
      context.events.diagnostics([problem]);
      throw new ToolError(
        "invalid-input",
        `the suppression list ${path} cannot be read; nothing was planned`,
        "nothing is planned or sent without every configured suppression list; fix the path in guards.suppressionLists",
        { diagnostics: [problem] },
      );
    }
    const text = read.text;
    const parsed = parseSuppressionList(path, text, guards.defaultCountry);
    problems.push(...parsed.diagnostics);
    lists.push(parsed.list);
    bindings.push({
      path,
      sha256: createHash("sha256").update(text).digest("hex"),
      numbers: parsed.list.numbers.length,
    });
  }
  if (problems.length > 0) {
    context.events.diagnostics(problems);
    throw new ToolError(
      "invalid-input",
      `${problems.length} number(s) in the suppression lists cannot be compared; nothing was planned`,
      "fix the lines above",
      { diagnostics: problems },
    );
  }
  return { lists, bindings };
}

const MAX_SUPPRESSION_FINDINGS = 20;

/**
 * Numbers on a suppression list: left out of the campaign's recipients (suppressed: skip), or
 * errors naming campaign, number and list (`findings`). Returns how many were left out.
 */
/** The numbers a campaign with `suppressed: skip` leaves out: those on any list (none without lists). */
export function leftOutBy(lists: readonly SuppressionList[]): ((calleeNumber: string) => boolean) | undefined {
  return lists.length > 0 ? (calleeNumber) => suppressedBy(lists, calleeNumber) !== undefined : undefined;
}

export function applySuppression(
  campaign: LoadedCampaign,
  lists: readonly SuppressionList[],
  findings: Diagnostic[],
): number {
  if (lists.length === 0) return 0;
  const kept = [];
  let skipped = 0;
  let reported = 0;
  for (const recipient of campaign.recipients) {
    const list = suppressedBy(lists, recipient.calleeNumber);
    if (list === undefined) {
      kept.push(recipient);
      continue;
    }
    if (campaign.campaign.suppressed === "skip") {
      skipped++;
      continue;
    }
    kept.push(recipient);
    if (++reported <= MAX_SUPPRESSION_FINDINGS) {
      findings.push({
        severity: "error",
        code: "suppressed-number",
        message: `"${campaign.taskName}" would call ${maskPhoneNumber(recipient.calleeNumber)}, which is on the suppression list ${list}`,
        hint: "remove the number, or set suppressed: skip to leave suppressed numbers out of what is sent",
        file: campaign.source.file,
        line: campaign.source.line,
        column: 1,
      });
    }
  }
  if (reported > MAX_SUPPRESSION_FINDINGS) {
    findings.push({
      severity: "error",
      code: "suppressed-number",
      message: `"${campaign.taskName}" would call ${reported - MAX_SUPPRESSION_FINDINGS} more suppressed numbers (${reported} in all)`,
      file: campaign.source.file,
      line: campaign.source.line,
      column: 1,
    });
  }
  if (skipped > 0) campaign.recipients = kept;
  return skipped;
}

/** Right before the first request: every suppression list exactly as the plan saw it (fail closed). */
export async function checkSuppressionLists(
  plan: CampaignPlan,
  config: LoadedConfig,
  reader: CampaignFileReader,
  context: AppContext,
): Promise<void> {
  const { bindings } = await loadSuppressionLists(config, reader, context);
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
