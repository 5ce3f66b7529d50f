import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";

// The schema editors use for bases and forEach templates (yaml-language-server reads it as
// draft-07, not strictly): checked here the way an editor checks a file while it is typed.
const REPO = join(import.meta.dirname, "..", "..");
const EXAMPLES = join(REPO, "examples/shared-bases/campaigns");

async function partialValidator() {
  const schema = JSON.parse(await readFile(join(REPO, "schemas/generated/campaign-partial.schema.json"), "utf8"));
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe("schemas/generated/campaign-partial.schema.json", () => {
  test("accepts the example bases and templates as an editor sees them", async () => {
    const validate = await partialValidator();
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith(".yaml"));
    expect(files.sort()).toEqual(["_collections.yaml", "_india.yaml", "dues.yaml", "renewals.yaml"]);
    for (const file of files) {
      const value = parse(await readFile(join(EXAMPLES, file), "utf8"));
      expect([file, validate(value), validate.errors ?? null]).toEqual([file, true, null]);
    }
  });

  test("a base may hold any few fields, a partial recallFlow included; placeholders are allowed in values", async () => {
    const validate = await partialValidator();
    expect(validate({ recallFlow: { recallType: 3 } })).toBe(true);
    expect(validate({ agentId: "${agent}", maxCalls: "${calls}", sendTime: "${date} 10:00:00" })).toBe(true);
    expect(validate({ numberInfoList: [{ calleeNumber: "${phone}", text1: "${name}" }] })).toBe(true);
  });

  test("still refuses what no campaign could hold: unknown fields, wrong types, values out of range", async () => {
    const validate = await partialValidator();
    expect(validate({ maxRingTime: 30 })).toBe(false);
    expect(validate({ maxCalls: 5000 })).toBe(false);
    expect(validate({ agentId: "one hundred" })).toBe(false);
    expect(validate({ recallFlow: { recallType: 2 } })).toBe(false);
    expect(validate({ extends: "base.json" })).toBe(false);
    expect(validate({ forEach: "rows.txt" })).toBe(false);
  });
});
