import type { CampaignPlan } from "../schema/generated/index.js";
import { jsonView } from "../views/format.js";
import { renderPlanMarkdown } from "../views/plan-markdown.js";
import type { AppContext } from "./context.js";
import { appendToStepSummary, toolFiles, writeOutput } from "./outputs.js";
import { makePlan } from "./planning.js";
import { openWorkspace, withStateBackend, type Workspace, type WorkspaceOptions } from "./workspace.js";

export interface PlanInput extends WorkspaceOptions {
  /** Campaign files or directories; none: the campaigns directory. */
  paths: readonly string[];
  /** --out: where the plan is saved (only a plan without errors is). */
  out?: string | undefined;
  /** --allow-large: size limits reported as warnings, and recorded in the plan. */
  allowLarge: boolean;
}

export interface PlanPorts {
  /** plan --refresh: asks the platform first and records what it says, so the plan is truthful. */
  refreshFirst?: (workspace: Workspace) => Promise<void>;
}

export interface PlanResult {
  plan: CampaignPlan;
  /** Where the plan was saved (`out`, when it has no errors). */
  savedTo?: string;
}

/**
 * `campaign plan`: the difference between the declared campaigns and the applied state; saved
 * with --out, and appended to $GITHUB_STEP_SUMMARY as markdown when that is set.
 */
export async function planCampaigns(input: PlanInput, context: AppContext, ports: PlanPorts = {}): Promise<PlanResult> {
  const workspace = await openWorkspace(input, context);
  await ports.refreshFirst?.(workspace);
  const made = await withStateBackend(workspace, async (backend) =>
    makePlan(workspace, await backend.read(), backend.location, input.paths, context, {
      allowLarge: input.allowLarge,
    }),
  );
  const { plan } = made;
  const out = plan.summary.errors === 0 ? input.out : undefined;
  // The tool's own files are looked up only when something is to be written.
  const writes = out !== undefined || Boolean(context.env["GITHUB_STEP_SUMMARY"]);
  const protect = writes ? await toolFiles(workspace, context, { inputFiles: made.inputFiles }) : [];
  // Written atomically, never over one of the tool's own files, and before the plan is shown:
  // a refused or failed write leaves stdout to the error alone.
  if (out !== undefined) await writeOutput(out, jsonView(plan), "plan", protect, context);
  // Rendered only for a job summary that is asked for (a thousand creates take a while to write).
  if (context.env["GITHUB_STEP_SUMMARY"]) await appendToStepSummary(renderPlanMarkdown(plan) + "\n", protect, context);
  return { plan, ...(out !== undefined ? { savedTo: out } : {}) };
}
