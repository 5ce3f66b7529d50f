import { describe, expect, test } from "vitest";
import { loadDir, located, tempDir } from "../helpers.js";

describe("recipientsFile.columns giving the number's own column to another field", () => {
  test("is one error at the header naming the mapping, not one per row", async () => {
    const dir = await tempDir({
      "c.yaml":
        "taskName: dues\nappId: A1\nagentId: 1\nrecipientsFile: { path: r.csv, columns: { text1: calleeNumber } }\n",
      "r.csv": "calleeNumber,name\n919777654321,Asha\n919777654322,Ben\n",
    });
    const result = await loadDir(dir);
    expect(located(result)).toEqual([
      'r.csv:1:1: error missing-column: recipients file has no calleeNumber to read: its column "calleeNumber" is mapped to text1 (recipientsFile.columns.text1, c.yaml:4)',
    ]);
    expect(result.diagnostics[0]?.related?.[0]).toMatchObject({ file: "c.yaml", line: 4 });
    expect(JSON.stringify(result.diagnostics)).not.toMatch(/97776/);
  });
});
