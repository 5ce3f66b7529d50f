import { describe, expect, test } from "vitest";
import { loadDir, located, tempDir } from "../helpers.js";

const HEAD = "taskName: dues\nappId: A1\nagentId: 1\n";
const CRM =
  "id,phone,borrower,amount_due,email\n1,919700000001,Asha Rao,1200,a@x.in\n2,919700000002,Ravi K,80,r@x.in\n";

async function load(yaml: string, csv = CRM) {
  const dir = await tempDir({ "c.yaml": HEAD + yaml, "debtors.csv": csv });
  return loadDir(dir);
}

describe("recipientsFile with named columns", () => {
  test("the mapped columns become calleeNumber and the text variables; the other columns are ignored", async () => {
    const result = await load(
      "recipientsFile:\n  path: debtors.csv\n  columns: { calleeNumber: phone, text1: borrower, text2: amount_due }\n",
    );
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.recipients).toEqual([
      { calleeNumber: "919700000001", text1: "Asha Rao", text2: "1200" },
      { calleeNumber: "919700000002", text1: "Ravi K", text2: "80" },
    ]);
    expect(result.campaigns[0]?.recipientsPath).toBe("debtors.csv");
  });

  test("a field not mapped is read from a column of its own name, unless the mapping gives that column to another field", async () => {
    const csv = "calleeNumber,text1,name\n919700000001,first,Asha\n";
    expect(
      (await load("recipientsFile: { path: debtors.csv, columns: { text2: name } }\n", csv)).campaigns[0]?.recipients,
    ).toEqual([{ calleeNumber: "919700000001", text1: "first", text2: "Asha" }]);
    // text1's own column goes to text2: text1 is then not read at all.
    expect(
      (await load("recipientsFile: { path: debtors.csv, columns: { text2: text1 } }\n", csv)).campaigns[0]?.recipients,
    ).toEqual([{ calleeNumber: "919700000001", text2: "first" }]);
  });

  test("a mapped column missing from the file: an error at the header line naming the column and where it is mapped", async () => {
    const result = await load(
      "recipientsFile:\n  path: debtors.csv\n  columns:\n    calleeNumber: phone\n    text1: Borrower\n    text2: amount-due\n",
    );
    expect(located(result)).toEqual([
      'debtors.csv:1:1: error missing-column: recipients file has no column "Borrower" — did you mean "borrower"? (recipientsFile.columns.text1, c.yaml:8)',
      'debtors.csv:1:1: error missing-column: recipients file has no column "amount-due" — did you mean "amount_due"? (recipientsFile.columns.text2, c.yaml:9)',
    ]);
    expect(result.diagnostics[0]).toMatchObject({
      hint: 'the header has "id", "phone", "borrower", "amount_due", "email"; correct the name in recipientsFile.columns (it must match the header exactly)',
      related: [{ file: "c.yaml", line: 8, column: 12, message: 'text1 is mapped to "Borrower" here' }],
    });
    expect(result.campaigns[0]?.valid).toBe(false);
  });

  test("calleeNumber neither mapped nor a column: the error offers the column that looks like the number", async () => {
    const result = await load("recipientsFile: { path: debtors.csv, columns: { text1: borrower } }\n");
    expect(located(result)).toEqual([
      "debtors.csv:1:1: error missing-column: recipients file has no calleeNumber column",
    ]);
    expect(result.diagnostics[0]?.hint).toBe(
      'if "phone" holds the numbers, write recipientsFile: { path: …, columns: { calleeNumber: "phone" } }',
    );
  });

  test("two fields mapped to one column: an error at the second mapping, naming the first", async () => {
    const result = await load(
      "recipientsFile:\n  path: debtors.csv\n  columns:\n    calleeNumber: phone\n    text1: borrower\n    text3: borrower\n",
    );
    expect(located(result)).toEqual([
      'c.yaml:9:12: error duplicate-mapping: text3 reads column "borrower", which text1 already reads (c.yaml:8)',
    ]);
  });

  test("a mapped column the header names twice is an error at the second", async () => {
    const csv = "phone,borrower,phone\n919700000001,Asha,919700000002\n";
    expect(
      located(await load("recipientsFile: { path: debtors.csv, columns: { calleeNumber: phone } }\n", csv)),
    ).toEqual(['debtors.csv:1:16: error duplicate-column: column "phone" appears twice; calleeNumber is read from it']);
    // A repeated column nobody reads is ignored like any other.
    const ignored = "phone,note,note\n919700000001,a,b\n";
    expect(
      located(await load("recipientsFile: { path: debtors.csv, columns: { calleeNumber: phone } }\n", ignored)),
    ).toEqual([]);
  });

  test("rows are checked as always, at the CSV column the field comes from", async () => {
    const csv = `id,phone,borrower\n1,91970000000x,Asha\n2,919700000002,${"x".repeat(31)}\n`;
    expect(
      located(
        await load("recipientsFile: { path: debtors.csv, columns: { calleeNumber: phone, text1: borrower } }\n", csv),
      ),
    ).toEqual([
      "debtors.csv:2:3: error invalid-phone-number: calleeNumber \"9197•••••00x\" is not 6–18 digits (country code + number, no '+' or spaces)",
      "debtors.csv:3:16: error text-too-long: text1 is 31 characters long; the platform keeps only 30 and would cut the rest",
    ]);
  });

  test("the mapping is checked by the schema: known fields only, with a hint when it is written the other way round", async () => {
    expect(located(await load("recipientsFile: { path: debtors.csv, columns: { phone: calleeNumber } }\n"))).toEqual([
      "c.yaml:4:49: error unknown-field: unknown field phone",
    ]);
    const reversed = await load("recipientsFile: { path: debtors.csv, columns: { phone: calleeNumber } }\n");
    expect(reversed.diagnostics[0]?.hint).toBe("the field comes first, then the file's column: calleeNumber: phone");
    expect(located(await load("recipientsFile: { path: debtors.csv, colums: { text1: borrower } }\n"))).toEqual([
      "c.yaml:4:38: error unknown-field: unknown field colums — did you mean columns?",
    ]);
    expect(located(await load("recipientsFile: { columns: { text1: borrower } }\n"))).toEqual([
      "c.yaml:4:17: error missing-field: recipientsFile is missing required field path",
    ]);
    expect(located(await load("recipientsFile: { path: debtors.txt }\n"))).toEqual([
      'c.yaml:4:25: error invalid-value: recipientsFile.path "debtors.txt" must name a .csv file',
    ]);
  });

  test("without columns the file is read as before: an unknown column is an error (with the way to map it)", async () => {
    const result = await load("recipientsFile: debtors.csv\n");
    expect(located(result)).toContain("debtors.csv:1:1: error unknown-column: unknown column id");
    expect(result.diagnostics[0]?.hint).toBe(
      "columns allowed: calleeNumber, text1 … text10 (or name the file's own columns in recipientsFile.columns)",
    );
    // The object form without columns is the same file read the same way.
    expect(located(await load("recipientsFile: { path: debtors.csv }\n"))).toEqual(located(result));
  });

  test("a file that is not there is reported at its path", async () => {
    expect(located(await load("recipientsFile:\n  path: missing.csv\n  columns: { calleeNumber: phone }\n"))).toEqual([
      "c.yaml:5:9: error recipients-file-not-found: recipientsFile missing.csv cannot be read (looked for missing.csv)",
    ]);
  });

  test("a base can hold the mapping and numberFormat, each campaign its own path (maps merge)", async () => {
    const dir = await tempDir({
      "_crm.yaml":
        "appId: A1\nagentId: 1\nrecipientsFile:\n  columns: { calleeNumber: phone, text1: borrower }\n  numberFormat: international\n",
      "c.yaml": "extends: _crm.yaml\ntaskName: dues\nrecipientsFile: { path: debtors.csv }\n",
      "debtors.csv": "phone,borrower\n+91 97000 00001,Asha\n",
    });
    const result = await loadDir(dir);
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.recipients).toEqual([{ calleeNumber: "919700000001", text1: "Asha" }]);
  });

  test("a header written as phone numbers is masked in every message", async () => {
    const csv = "919700000001,borrower\n919700000002,Asha\n";
    const result = await load(
      "recipientsFile: { path: debtors.csv, columns: { calleeNumber: '919700000009' } }\n",
      csv,
    );
    expect(JSON.stringify(result.diagnostics)).not.toMatch(/919700000001|919700000009/);
    expect(located(result)[0]).toContain('recipients file has no column "9197•••••009"');
  });
});
