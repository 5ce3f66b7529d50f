import type { CampaignPlan, PlanSummary } from "../schema/generated/index.js";

/** `Plan: 2 to create, 1 blocked, 12 unchanged.` */
export function planSummaryLine(summary: PlanSummary): string {
  const toCreate = summary.create + summary.retry;
  const parts = [
    `${toCreate} to create${summary.retry > 0 ? ` (${summary.retry} ${summary.retry === 1 ? "retry" : "retries"})` : ""}`,
  ];
  if (summary.cancel > 0) parts.push(`${summary.cancel} to cancel`);
  if (summary.updateRecall > 0)
    parts.push(`${summary.updateRecall} recall flow${summary.updateRecall === 1 ? "" : "s"} to update`);
  if (summary.move > 0) parts.push(`${summary.move} to rename`);
  if (summary.blocked > 0) parts.push(`${summary.blocked} blocked`);
  if (summary.unknown > 0) parts.push(`${summary.unknown} unknown`);
  if (summary.orphaned > 0) parts.push(`${summary.orphaned} orphaned`);
  parts.push(`${summary.unchanged} unchanged`);
  return `Plan: ${parts.join(", ")}.`;
}

/** `12 campaigns in the state outside these paths were not considered (1 of them unknown: …).` */
export function outsidePathsLine(outside: NonNullable<CampaignPlan["outsidePaths"]>): string | undefined {
  if (outside.campaigns === 0) return undefined;
  const n = outside.campaigns;
  const unknown = outside.unknown.length;
  const names =
    outside.unknown
      .slice(0, 3)
      .map((name) => `"${name}"`)
      .join(", ") + (unknown > 3 ? ", …" : "");
  const note =
    unknown > 0
      ? ` (${unknown} of them unknown: ${names}; run campaign refresh, or campaign state resolve NAME --check)`
      : "";
  return `${n} campaign${n === 1 ? "" : "s"} in the state outside these paths ${n === 1 ? "was" : "were"} not considered${note}.`;
}
