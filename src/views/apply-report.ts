import { escapeControlCharsDeep } from "../privacy/index.js";
import type { ApplyReport, CampaignPlan } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";
import type { TextStyle } from "./plan-text.js";

/** `Apply complete: 3 submitted, 1 rejected, 0 unknown, 12 unchanged.` and one line per campaign; errors repeated here so they never scroll away. */
export function renderApplyReport(raw: ApplyReport, style: TextStyle): string {
  // Names and platform messages are escaped before they are painted.
  const report = escapeControlCharsDeep(raw);
  const s = report.summary;
  const lines: string[] = [
    "",
    ...(report.environment !== undefined ? [`Apply in environment ${report.environment}:`] : []),
  ];
  for (const o of report.outcomes) {
    if (o.status === "submitted")
      lines.push(
        style.green(
          `  ✓ ${o.taskName}: task ${o.taskId ?? "(id not returned)"}, ${o.recipients} recipient${o.recipients === 1 ? "" : "s"}`,
        ),
      );
    else if (o.status === "cancelled")
      lines.push(style.green(`  ✓ ${o.taskName}: ${o.detail ?? `task ${o.taskId ?? "?"} cancelled`}`));
    else if (o.status === "updated") lines.push(style.green(`  ✓ ${o.taskName}: recall flow updated`));
    else if (o.status === "moved")
      lines.push(
        style.green(
          `  ✓ ${o.taskName}: renamed from ${o.renamedFrom ?? "?"} in the state; the task keeps the name ${o.platformTaskName ?? o.renamedFrom ?? "?"} on the platform`,
        ),
      );
    else if (o.status === "not-started") lines.push(style.yellow(`  · ${o.taskName}: not started (interrupted)`));
    else {
      const what = o.status === "unknown" ? "outcome unknown" : `rejected${o.error?.code ? ` ${o.error.code}` : ""}`;
      lines.push(style.red(`  ✗ ${o.taskName}: ${what}: ${o.error?.message ?? ""}`));
      if (o.error?.hint) lines.push(`      ${style.dim("hint:")} ${o.error.hint}`);
      if (o.status === "unknown")
        lines.push(
          `      ${style.dim("resolve:")} campaign state resolve ${o.taskName} --submitted [--task-id ID]  |  --not-submitted`,
        );
      if (o.detail) lines.push(`      ${style.dim("done:")} ${o.detail}`);
    }
    // Rounds a cancel could not stop ring anyway: said plainly, under the campaign.
    for (const warning of o.warnings ?? []) lines.push(style.yellow(`      warning: ${warning}`));
  }
  const interrupted = `${s.notStarted > 0 ? `, ${s.notStarted} not started` : ""}${s.cancelled > 0 ? `, ${s.cancelled} cancelled` : ""}${s.updated > 0 ? `, ${s.updated} updated` : ""}${s.moved > 0 ? `, ${s.moved} renamed` : ""}`;
  const headline = `Apply ${s.notStarted > 0 ? "interrupted" : "complete"}: ${s.submitted} submitted, ${s.rejected} rejected, ${s.unknown} unknown${interrupted}, ${s.unchanged} unchanged.`;
  lines.push("", style.bold(s.rejected + s.unknown + s.notStarted > 0 ? style.red(headline) : style.green(headline)));
  return lines.join("\n") + "\n";
}

/** An apply's result: its JSON document, or for people the report (or that there was nothing to do). */
export function renderApplyResult(
  result: { report: ApplyReport; changed: boolean },
  format: OutputFormat,
  style: TextStyle,
): string {
  if (format === "json") return jsonView(result.report);
  if (result.changed) return renderApplyReport(result.report, style);
  const environment = result.report.environment;
  return `\nNo changes${environment === undefined ? "" : ` in environment ${environment}`}. Nothing to submit.\n`;
}

/** The question apply asks on a terminal before it changes anything: what it will do, and that only `yes` goes. */
export function approvalQuestion(plan: CampaignPlan): string {
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
  const where = plan.environment === undefined ? "the platform" : `the platform of environment ${plan.environment}`;
  return `\nApply: ${what} on ${where}? Calls cannot be taken back.\n  Only 'yes' will be accepted: `;
}
