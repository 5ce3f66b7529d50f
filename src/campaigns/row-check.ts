import { campaignSchema } from "../schema/generated/index.js";

// A recipients row is checked a million times a plan: the schema's own rules for a row, read
// from the schema once, answer "valid" for the common row without the general validator. Only a
// row this check cannot clear goes to the validator, which then says what is wrong (a test shows
// that every row this check clears, the validator clears too).

interface FieldRule {
  pattern?: RegExp;
  maxLength?: number;
}

const RULES = rowRules();

function rowRules(): Map<string, FieldRule> {
  const numberInfo = (campaignSchema["definitions"] as Record<string, { properties: Record<string, unknown> }>)[
    "numberInfo"
  ]!;
  const rules = new Map<string, FieldRule>();
  for (const [name, raw] of Object.entries(numberInfo.properties)) {
    const property = raw as { type?: string; pattern?: string; maxLength?: number };
    // Only string properties with these two keywords are understood here; anything else → the validator.
    if (property.type !== "string") continue;
    rules.set(name, {
      ...(property.pattern !== undefined ? { pattern: new RegExp(property.pattern, "u") } : {}),
      ...(property.maxLength !== undefined ? { maxLength: property.maxLength } : {}),
    });
  }
  return rules;
}

/**
 * True when the row certainly satisfies the schema's numberInfo (its keys are known columns with
 * string values). False means "ask the validator", not "invalid". A string's UTF-16 length is
 * never below its length in code points (which maxLength counts), so passing it is enough.
 */
export function rowClearly(row: Readonly<Record<string, string>>, keys: readonly string[]): boolean {
  for (const key of keys) {
    const value = row[key];
    if (value === undefined) continue;
    const rule = RULES.get(key);
    if (!rule) return false;
    if (rule.maxLength !== undefined && value.length > rule.maxLength) return false;
    if (rule.pattern && !rule.pattern.test(value)) return false;
  }
  return row["calleeNumber"] !== undefined;
}
