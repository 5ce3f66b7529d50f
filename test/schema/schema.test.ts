import { spawnSync } from "node:child_process";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignSchema } from "../../src/schema/generated/index.js";
import { validators } from "../../src/schema/validators.js";
import { tempDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

// Draft-07 keywords: the schema must work in any editor or validator, not only in ajv.
const DRAFT7 = new Set(
  "$schema $id $ref $comment title description default examples type enum const properties additionalProperties required items minItems maxItems uniqueItems minimum maximum minLength maxLength pattern format allOf anyOf oneOf not if then else definitions readOnly minProperties maxProperties propertyNames".split(
    " ",
  ),
);

function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywordsOf(s, out));
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      out.add(key);
      if (key === "properties" || key === "definitions")
        Object.values(value as object).forEach((s) => keywordsOf(s, out));
      else if (key !== "enum" && key !== "const" && key !== "required" && key !== "default" && key !== "examples")
        keywordsOf(value, out);
    }
  }
  return out;
}

describe("campaign.schema.json", () => {
  test("uses only portable draft-07 keywords", () => {
    const unknown = [...keywordsOf(campaignSchema)].filter((k) => !DRAFT7.has(k));
    expect(unknown).toEqual([]);
  });

  const base = { taskName: "t1", appId: "A", agentId: 1, numberInfoList: [{ calleeNumber: "919700000001" }] };
  const valid = (value: unknown): boolean => validators().campaign(value) as boolean;
  const recall = (recallNum: number, nodes: number, extra: object = {}) => ({
    ...base,
    recallFlow: {
      recallType: 0,
      recallInterval: 5,
      recallNum,
      nodeList: Array.from({ length: nodes }, () => ({ agentId: "110" })),
      ...extra,
    },
  });

  test("recallNum must equal the number of nodeList entries, for every allowed recallNum", () => {
    for (let n = 1; n <= 10; n++) {
      expect(valid(recall(n, n))).toBe(true);
      expect(valid(recall(n, n - 1))).toBe(false);
      if (n < 10) expect(valid(recall(n, n + 1))).toBe(false);
    }
  });

  test("recall by intent needs a non-empty recallIntent; other recall types do not", () => {
    expect(valid(recall(1, 1, { recallType: 3 }))).toBe(false);
    expect(valid(recall(1, 1, { recallType: 3, recallIntent: [] }))).toBe(false);
    expect(valid(recall(1, 1, { recallType: 3, recallIntent: ["99999"] }))).toBe(true);
    expect(valid(recall(1, 1, { recallType: 1 }))).toBe(true);
  });

  test("sendTime must be a real date and time", () => {
    for (const ok of [
      "2030-01-31 00:00:00",
      "2028-02-29 23:59:59",
      "2000-02-29 12:00:00",
      "2030-04-30 08:00:00",
      null,
    ]) {
      expect(valid({ ...base, sendTime: ok }), String(ok)).toBe(true);
    }
    for (const bad of [
      "2030-02-29 10:00:00",
      "2100-02-29 10:00:00",
      "2030-04-31 10:00:00",
      "2030-13-01 10:00:00",
      "2030-01-01 24:00:00",
      "2030-01-01 10:60:00",
      "2030-01-01",
      "2030-01-01T10:00:00",
    ]) {
      expect(valid({ ...base, sendTime: bad }), bad).toBe(false);
    }
  });

  test("recipients: inline, from a file, or neither", () => {
    const { numberInfoList: _, ...withoutList } = base;
    expect(valid(withoutList)).toBe(false);
    expect(valid({ ...withoutList, recipientsFile: "r.csv" })).toBe(true);
    expect(valid({ ...base, numberInfoList: [] })).toBe(false);
  });

  test("callee numbers are 6-18 digits; taskName 2-64 characters", () => {
    const callee = (n: string) => valid({ ...base, numberInfoList: [{ calleeNumber: n }] });
    expect(callee("123456")).toBe(true);
    expect(callee("1".repeat(18))).toBe(true);
    expect(callee("12345")).toBe(false);
    expect(callee("1".repeat(19))).toBe(false);
    expect(callee("+919700000001")).toBe(false);
    expect(valid({ ...base, taskName: "x".repeat(64) })).toBe(true);
    expect(valid({ ...base, taskName: "x".repeat(65) })).toBe(false);
  });
});

describe("generated types", () => {
  test("match what schemas/ generate", () => {
    const run = spawnSync(process.execPath, [join(REPO, "scripts/generate-types.mjs"), "--check"], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  test("the drift check fails when a generated file was edited by hand", async () => {
    const dir = await tempDir();
    await cp(join(REPO, "src/schema/generated"), dir, { recursive: true });
    const file = join(dir, "campaign.ts");
    await writeFile(file, (await readFile(file, "utf8")).replace("taskName: string;", "taskName: string | number;"));
    const run = spawnSync(process.execPath, [join(REPO, "scripts/generate-types.mjs"), "--check", "--out", dir], {
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("campaign.ts differs from what schemas/ generate");
  });
});
