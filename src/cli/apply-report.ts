import type { ApplyOutcome } from "../apply/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { TextStyle } from "../views/index.js";
import { escapeControlCharsDeep } from "../privacy/index.js";
import type { ApplyReport } from "../schema/generated/index.js";

export function applyReport(
  planId: string,
  outcomes: readonly ApplyOutcome[],
  desired: readonly DesiredCampaign[],
  unchanged: number,
): ApplyReport {
  const recipients = new Map(desired.map((d) => [d.taskName, d.recipients]));
  const count = (status: ApplyOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  return {
    formatVersion: 1,
    planId,
    summary: {
      submitted: count("submitted"),
      rejected: count("rejected"),
      unknown: count("unknown"),
      notStarted: count("not-started"),
      cancelled: count("cancelled"),
      updated: count("updated"),
      moved: count("moved"),
      unchanged,
    },
    outcomes: outcomes.map((o) => ({
      taskName: o.taskName,
      status: o.status,
      ...(o.taskId !== undefined ? { taskId: o.taskId } : {}),
      ...(o.renamedFrom !== undefined ? { renamedFrom: o.renamedFrom } : {}),
      ...(o.platformTaskName !== undefined ? { platformTaskName: o.platformTaskName } : {}),
      recipients: recipients.get(o.taskName) ?? 0,
      ...(o.detail ? { detail: o.detail } : {}),
      ...(o.warnings && o.warnings.length > 0 ? { warnings: o.warnings } : {}),
      ...(o.failure
        ? {
            error:
              o.failure.kind === "platform"
                ? { kind: "platform" as const, code: o.failure.code, message: o.failure.message, hint: o.failure.hint }
                : { kind: o.failure.kind, message: o.failure.reason, hint: o.failure.hint },
          }
        : {}),
    })),
  };
}

/** `Apply complete: 3 submitted, 1 rejected, 0 unknown, 12 unchanged.` and one line per campaign; errors repeated here so they never scroll away. */
export function renderApplyReport(raw: ApplyReport, style: TextStyle): string {
  // Names and platform messages are escaped before they are painted.
  const report = escapeControlCharsDeep(raw);
  const s = report.summary;
  const lines: string[] = [""];
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
