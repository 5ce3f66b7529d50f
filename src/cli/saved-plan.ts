import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import type { DesiredCampaign } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";

export async function readSavedPlan(file: string, cwd: string): Promise<CampaignPlan> {
  const text = await readFile(resolve(cwd, file), "utf8").catch(() => {
    throw new ToolError("not-found", `cannot read the plan file ${file}`, "pass the file written by campaign plan --out");
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolError("plan-invalid", `${file} is not a saved plan (not JSON)`, "pass the file written by campaign plan --out");
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== 1) throw new ToolError("plan-invalid", `${file} has plan format ${String(version)}; this version reads format 1`, "make the plan with the same campaign version that applies it");
  if (!validators().plan(value)) throw new ToolError("plan-invalid", `${file} does not match schemas/plan.schema.json`, "pass the file written by campaign plan --out, unedited");
  return value as CampaignPlan;
}

/** The state must be exactly the one the plan was made against (Terraform's stale-plan rule). */
export function checkPlanState(saved: CampaignPlan, state: AppliedState | undefined, file: string): void {
  const applied = state?.history.some((h) => h.action === "apply-start" && h.detail === `plan ${saved.planId}`);
  if (applied) throw new ToolError("plan-stale", `the plan ${file} was already applied`, "make a new plan with campaign plan --out");
  if (saved.state.lineage === null) {
    if (state) throw new ToolError("plan-stale", `the plan ${file} was made before any state existed, and a state has been created since (serial ${state.serial})`, "make a new plan with campaign plan --out");
    if (!saved.state.newLineage || !saved.state.newSalt) throw new ToolError("plan-invalid", `${file} lacks the new state's lineage`, "make a new plan with campaign plan --out");
    return;
  }
  if (!state) throw new ToolError("plan-stale", `the plan ${file} was made against state lineage ${saved.state.lineage}, but there is no state now`, "restore the state, or make a new plan");
  if (state.lineage !== saved.state.lineage) throw new ToolError("plan-stale", `the plan ${file} belongs to another state (lineage ${saved.state.lineage}, not ${state.lineage})`, "make a new plan against this state");
  if (state.serial !== saved.state.serial) throw new ToolError("plan-stale", `the state changed since the plan ${file} was made (serial ${saved.state.serial} → ${state.serial})`, "make a new plan with campaign plan --out and review it again");
}

/** Every campaign the plan submits must still have exactly the reviewed definition. */
export function campaignsAsPlanned(saved: CampaignPlan, desired: readonly DesiredCampaign[], file: string): DesiredCampaign[] {
  const byName = new Map(desired.map((d) => [d.taskName, d]));
  return saved.entries
    .filter((e) => e.action === "create" || e.action === "retry" || e.action === "cancel" || e.action === "update-recall")
    .map((entry) => {
      const now = byName.get(entry.taskName);
      if (!now) throw new ToolError("plan-stale", `"${entry.taskName}" is in the plan ${file} but no longer declared`, "make a new plan and review it again");
      if (now.definitionHash !== entry.definitionHash) throw new ToolError("plan-stale", `"${entry.taskName}" changed since the plan ${file} was made (${now.source.file}:${now.source.line})`, "make a new plan and review it again");
      return now;
    });
}
