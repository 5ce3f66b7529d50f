import type { CampaignState, FieldChange } from "../schema/generated/index.js";
import { canonicalJson } from "./canonical.js";
import type { DesiredCampaign } from "./desired.js";

/** Field-level differences between what was submitted and what is declared now. */
export function changes(applied: CampaignState, desired: DesiredCampaign): FieldChange[] {
  const before = applied.settings ?? {};
  const after = desired.settings;
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  for (const key of keys) {
    const b = before[key];
    const a = after[key];
    if (canonicalJson(b) === canonicalJson(a)) continue;
    if (isObject(b) && isObject(a)) {
      for (const sub of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
        if (canonicalJson(b[sub]) !== canonicalJson(a[sub])) out.push(change(`${key}.${sub}`, b[sub], a[sub]));
      }
    } else out.push(change(key, b, a));
  }
  if (applied.recipientsHash !== desired.recipientsHash) {
    out.push(
      change(
        "recipients",
        applied.recipients,
        desired.recipients === applied.recipients
          ? `${desired.recipients} (different numbers or text variables)`
          : desired.recipients,
      ),
    );
  }
  return out;
}

function change(field: string, before: unknown, after: unknown): FieldChange {
  return { field, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Whether everything that changed is inside recallFlow (which may change while it is pending). */
export function onlyRecallFlow(changes: readonly FieldChange[]): boolean {
  return changes.length > 0 && changes.every((c) => c.field === "recallFlow" || c.field.startsWith("recallFlow."));
}
