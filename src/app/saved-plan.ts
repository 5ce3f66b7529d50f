import { createHmac, timingSafeEqual } from "node:crypto";
import { resolve } from "node:path";
import { ENVIRONMENT_NAME } from "../config/index.js";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, readTextFile } from "../files/index.js";
import { canonicalJson, type DesiredCampaign } from "../plan/index.js";
import type { AppliedState, CampaignPlan } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";

const REMAKE =
  "nothing was submitted; make a new plan with campaign plan --out FILE, review it, and apply that file unedited";

/** A parsed file that says it is one of our plans; nothing in it is trusted before its MAC is checked. */
export type UnverifiedPlan = Readonly<Record<string, unknown>>;

/** Reads a saved plan's file: regular, bounded, strict UTF-8, JSON that says it is a plan of this format. */
export async function readSavedPlan(file: string, cwd: string): Promise<UnverifiedPlan> {
  const read = await readTextFile(resolve(cwd, file), {
    maxBytes: FILE_LIMITS.plan,
    display: file,
    what: "the plan file",
  });
  if (!read.ok) {
    if (read.problem.kind === "missing")
      throw new ToolError(
        "not-found",
        `cannot read the plan file ${file}: it does not exist`,
        "pass the file written by campaign plan --out",
      );
    throw new ToolError("plan-invalid", read.problem.message, "pass the file written by campaign plan --out", {
      file,
      ...(read.problem.line ? { line: read.problem.line, column: read.problem.column } : {}),
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch {
    throw notJson(file, read.text);
  }
  if (
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value) ||
    !("planId" in value) ||
    !("formatVersion" in value)
  ) {
    throw new ToolError(
      "plan-invalid",
      `${file} is JSON but not a saved plan (no formatVersion and planId)`,
      "pass the file written by campaign plan --out",
    );
  }
  const version = (value as { formatVersion: unknown }).formatVersion;
  if (version !== 1)
    throw new ToolError(
      "plan-invalid",
      // A hostile file's value is never echoed as it is: a number in it could be a phone number.
      `${file} has plan format ${typeof version === "number" && Number.isSafeInteger(version) && Math.abs(version) < 1000 ? version : `(a ${Array.isArray(version) ? "list" : version === null ? "null" : typeof version})`}; this version reads format 1`,
      "make the plan with the same campaign version that applies it",
    );
  return value as UnverifiedPlan;
}

/** Why a file that is not JSON is no plan: a plan cut short, a campaign file, or anything else. */
function notJson(file: string, text: string): ToolError {
  // Every plan the CLI writes starts like this: a file that does but does not parse was cut short or edited.
  if (/^\{\s*"formatVersion"\s*:\s*1\s*,\s*"planId"\s*:/.test(text))
    return new ToolError("plan-tampered", `the plan ${file} is cut short or damaged (not valid JSON)`, REMAKE);
  if (looksLikeYaml(text)) {
    return new ToolError(
      "plan-invalid",
      `${file} is YAML (a campaign or config file?), not a saved plan`,
      "apply campaign files with campaign apply [paths…] (it shows the plan and asks first), or save a plan with campaign plan --out plan.json and apply that",
    );
  }
  return new ToolError(
    "plan-invalid",
    `${file} is not a saved plan (not JSON)`,
    "pass the file written by campaign plan --out",
  );
}

/** The first line that is not blank or a comment reads as YAML: a document start, a mapping key, a list item. */
function looksLikeYaml(text: string): boolean {
  const first = text
    .split("\n")
    .map((line) => line.trim())
    .find((line) => line !== "" && !line.startsWith("#"));
  return first !== undefined && /^(---|- |[\w."'-]+\s*:)/.test(first);
}

const MAC_CONTEXT = "laaffic-campaign plan mac v1";

/** The MAC of a plan's content (everything but `mac`), keyed from a salt that never appears in a plan. */
export function planMac(plan: Readonly<Record<string, unknown>>, salt: string): string {
  const key = createHmac("sha256", salt).update(MAC_CONTEXT).digest();
  const { mac: _mac, ...content } = plan;
  return `hmac-sha256:${createHmac("sha256", key).update(canonicalJson(content), "utf8").digest("hex")}`;
}

/** The plan with its MAC: the state's salt, or before any state exists the salt the first apply creates it with. */
export function signPlan(plan: CampaignPlan, salt: string): CampaignPlan {
  return { ...plan, mac: planMac(plan as unknown as Record<string, unknown>, salt) };
}

/**
 * Checks the MAC first, before anything in the plan is used: an edit of any field, a plan cut
 * short, or one from another project or state is refused (exit 3). `salt` is the one that must
 * have signed it here: the state's, or with no state the new-state salt file's (undefined: none).
 */
export function verifySavedPlan(
  plan: UnverifiedPlan,
  salt: string | undefined,
  file: string,
  saltFile: string,
): { plan: CampaignPlan; salt: string } {
  const mac = plan["mac"];
  if (typeof mac !== "string")
    throw new ToolError(
      "plan-tampered",
      `the plan ${file} has no MAC: it was edited, or made by an older campaign version`,
      REMAKE,
    );
  if (salt === undefined) {
    throw new ToolError(
      "plan-tampered",
      `the plan ${file} cannot be checked: there is no state yet, and no ${saltFile} (the salt a plan made before any state is bound to)`,
      `a plan made before any state exists is applied where it was made, beside its ${saltFile}; ${REMAKE}`,
    );
  }
  const given = Buffer.from(mac, "utf8");
  const expected = Buffer.from(planMac(plan, salt), "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new ToolError(
      "plan-tampered",
      `the plan ${file} was changed after it was made, or belongs to another project or state: its MAC does not match`,
      REMAKE,
    );
  if (!validators().plan(plan))
    throw new ToolError(
      "plan-invalid",
      `${file} does not match schemas/plan.schema.json`,
      "make the plan with the same campaign version that applies it",
    );
  return { plan: plan as unknown as CampaignPlan, salt };
}

/** A plan made in a named environment says so: after planId (every plan starts the same way), under its MAC. */
export function inEnvironment(plan: CampaignPlan, environment: string | undefined): CampaignPlan {
  if (environment === undefined) return plan;
  const { formatVersion, planId, ...rest } = plan;
  return { formatVersion, planId, environment, ...rest };
}

/**
 * A saved plan is applied only in the environment it was made in. Checked before its MAC (a plan
 * for another environment was signed with another state's salt): a refusal trusts nothing in it.
 */
export function checkPlanEnvironment(plan: UnverifiedPlan, environment: string | undefined, file: string): void {
  const made = plan["environment"];
  if (made === environment) return;
  const name = typeof made === "string" && ENVIRONMENT_NAME.test(made) ? made : undefined;
  const madeIn =
    made === undefined ? "without an environment" : name ? `for environment ${name}` : "for an unknown environment";
  const here = environment === undefined ? "this configuration declares no environments" : `this is ${environment}`;
  throw new ToolError(
    "plan-stale",
    `the plan ${file} was made ${madeIn}; ${here}`,
    `nothing was submitted; apply it where it was made${name ? ` (--env ${name})` : ""}, or make a plan here: campaign plan${environment ? ` --env ${environment}` : ""} --out FILE`,
  );
}

/** The state must be exactly the one the plan was made against (Terraform's stale-plan rule). */
export function checkPlanState(saved: CampaignPlan, state: AppliedState | undefined, file: string): void {
  const applied = state?.history.some((h) => h.action === "apply-start" && h.detail === `plan ${saved.planId}`);
  if (applied)
    throw new ToolError(
      "plan-stale",
      `the plan ${file} was already applied`,
      "make a new plan with campaign plan --out",
    );
  if (saved.state.lineage === null) {
    if (state)
      throw new ToolError(
        "plan-stale",
        `the plan ${file} was made before any state existed, and a state has been created since (serial ${state.serial})`,
        "make a new plan with campaign plan --out",
      );
    if (!saved.state.newLineage)
      throw new ToolError(
        "plan-invalid",
        `${file} lacks the new state's lineage`,
        "make a new plan with campaign plan --out",
      );
    return;
  }
  if (!state)
    throw new ToolError(
      "plan-stale",
      `the plan ${file} was made against state lineage ${saved.state.lineage}, but there is no state now`,
      "restore the state, or make a new plan",
    );
  if (state.lineage !== saved.state.lineage)
    throw new ToolError(
      "plan-stale",
      `the plan ${file} belongs to another state (lineage ${saved.state.lineage}, not ${state.lineage})`,
      "make a new plan against this state",
    );
  if (state.serial !== saved.state.serial)
    throw new ToolError(
      "plan-stale",
      `the state changed since the plan ${file} was made (serial ${saved.state.serial} → ${state.serial})`,
      "make a new plan with campaign plan --out and review it again",
    );
}

/** Every campaign the plan submits must still have exactly the reviewed definition. */
export function campaignsAsPlanned(
  saved: CampaignPlan,
  desired: readonly DesiredCampaign[],
  file: string,
): DesiredCampaign[] {
  const byName = new Map(desired.map((d) => [d.taskName, d]));
  return saved.entries
    .filter(
      (e) =>
        e.action === "create" ||
        e.action === "retry" ||
        e.action === "cancel" ||
        e.action === "update-recall" ||
        e.action === "move",
    )
    .map((entry) => {
      const now = byName.get(entry.taskName);
      if (!now)
        throw new ToolError(
          "plan-stale",
          `"${entry.taskName}" is in the plan ${file} but no longer declared`,
          "make a new plan and review it again",
        );
      if (now.definitionHash !== entry.definitionHash)
        throw new ToolError(
          "plan-stale",
          `"${entry.taskName}" changed since the plan ${file} was made (${now.source.file}:${now.source.line})`,
          "make a new plan and review it again",
        );
      return now;
    });
}
