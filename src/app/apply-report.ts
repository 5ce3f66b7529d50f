import type { ApplyOutcome } from "../apply/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { ApplyReport, CampaignPlan } from "../schema/generated/index.js";

/** The result of an apply as its JSON document says it (schemas/apply-report.schema.json). */
export function applyReport(
  plan: Pick<CampaignPlan, "planId" | "environment">,
  outcomes: readonly ApplyOutcome[],
  desired: readonly DesiredCampaign[],
  unchanged: number,
): ApplyReport {
  const recipients = new Map(desired.map((d) => [d.taskName, d.recipients]));
  const count = (status: ApplyOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  return {
    formatVersion: 1,
    planId: plan.planId,
    ...(plan.environment !== undefined ? { environment: plan.environment } : {}),
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
