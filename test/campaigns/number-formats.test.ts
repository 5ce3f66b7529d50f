import { describe, expect, test } from "vitest";
import { loadDir, located, tempDir } from "../helpers.js";

const HEAD = "taskName: dues\nappId: A1\nagentId: 1\n";
const RAW = /97776|54321|7400|123456|9700000/;

async function load(yaml: string, csv?: string) {
  const dir = await tempDir({ "c.yaml": HEAD + yaml, ...(csv !== undefined ? { "r.csv": csv } : {}) });
  return loadDir(dir);
}

describe("numberFormat in recipientsFile", () => {
  test("international: numbers as CRMs write them become digits, counted where they changed", async () => {
    const csv = [
      "phone,name",
      "+91 97776-54321,Asha",
      '"(0044) 7400 123456",Ben',
      "0044 7400 123457,Cy",
      "+44 (0) 7400 123458,Di",
      "919777654322,Ed",
      "",
    ].join("\n");
    const result = await load(
      "recipientsFile: { path: r.csv, columns: { calleeNumber: phone, text1: name }, numberFormat: international }\n",
      csv,
    );
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.recipients.map((r) => r.calleeNumber)).toEqual([
      "919777654321",
      "447400123456",
      "447400123457",
      "447400123458",
      "919777654322",
    ]);
    expect(result.campaigns[0]?.numbersRewritten).toBe(4);
  });

  test("national with country: national numbers of that country, and international ones", async () => {
    const csv = "calleeNumber\n097776 54321\n97776-54322\n+44 7400 123456\n0044 7400 123457\n";
    const result = await load("recipientsFile: { path: r.csv, numberFormat: national, country: IN }\n", csv);
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.recipients.map((r) => r.calleeNumber)).toEqual([
      "919777654321",
      "919777654322",
      "447400123456",
      "447400123457",
    ]);
  });

  test("a number that cannot be read is an error at its row and column, masked; the rest are still checked", async () => {
    const csv = [
      "id,phone",
      "1,+91 97776 54321 ext. 12",
      "2,1-800-FLOWERS",
      '3,"+91 97776 54321, +91 97776 54322"',
      "4,+91 12",
      "5,07400 123456",
      "6,+91 97776 54329",
      "",
    ].join("\n");
    const result = await load(
      "recipientsFile: { path: r.csv, columns: { calleeNumber: phone }, numberFormat: international }\n",
      csv,
    );
    expect(located(result)).toEqual([
      'r.csv:2:3: error unreadable-number: calleeNumber "+91 •••••••••••••••• 12" has an extension or a dialling code',
      'r.csv:3:3: error unreadable-number: calleeNumber "1-80••••••ERS" has letters',
      'r.csv:4:3: error unreadable-number: calleeNumber "+91 •••••••••••••••••••••••••322" holds more than one number',
      'r.csv:5:3: error unreadable-number: calleeNumber "+••••2" is not a valid phone number for IN (read as 4 digits, country code included)',
      'r.csv:6:3: error unreadable-number: calleeNumber "0740•••••456" starts with 0: it is written without its country code',
    ]);
    expect(JSON.stringify(result.diagnostics)).not.toMatch(RAW);
  });

  test("national needs a country; an unknown country is refused; either way the file's rows are not read", async () => {
    const csv = "calleeNumber\n97776 54321\n";
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: national }\n", csv))).toEqual([
      "c.yaml:4:46: error country-required: numberFormat: national needs country: the country whose national numbers these are",
    ]);
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: national, country: XX }\n", csv))).toEqual([
      "c.yaml:4:65: error unknown-country: country XX is not an ISO 3166 country the phone-number metadata knows",
    ]);
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: national, country: in }\n", csv))).toEqual([
      'c.yaml:4:65: error invalid-value: recipientsFile.country "in" is not an ISO 3166-1 alpha-2 country code',
    ]);
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: e164 }\n", csv))).toEqual([
      'c.yaml:4:46: error invalid-value: recipientsFile.numberFormat is "e164" but must be one of "digits", "international", "national"',
    ]);
  });

  test("a country nothing reads is a warning", async () => {
    const csv = "calleeNumber\n919777654321\n";
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: digits, country: IN }\n", csv))).toEqual([
      "c.yaml:4:63: warning country-unused: country is read only with numberFormat: national or international; here it changes nothing",
    ]);
  });

  test("international with country: a bare national number is an error at its row (masked); bare digits are kept", async () => {
    const csv = "phone,name\n+91 97776 54321,Asha\n9777654322,Ben\n919777654323,Cy\n";
    const result = await load(
      "recipientsFile: { path: r.csv, columns: { calleeNumber: phone, text1: name }, numberFormat: international, country: IN }\n",
      csv,
    );
    expect(located(result)).toEqual([
      'r.csv:3:1: error unreadable-number: calleeNumber "9777•••322" is ambiguous: national or with country code? Without + or 00 it is read as digits, country code first, but it is also a valid national number of IN',
    ]);
    expect(JSON.stringify(result.diagnostics)).not.toMatch(RAW);
    const bare = await load(
      "recipientsFile: { path: r.csv, numberFormat: international }\n",
      "calleeNumber\n919777654323\n+91 97776 54321\n",
    );
    expect(located(bare)).toEqual([]);
    expect(bare.campaigns[0]?.recipients.map((r) => r.calleeNumber)).toEqual(["919777654323", "919777654321"]);
    expect(bare.campaigns[0]?.numbersRewritten).toBe(1);
  });

  test("without numberFormat numbers are digits only, as before", async () => {
    const result = await load("recipientsFile: r.csv\n", "calleeNumber\n+91 97776 54321\n");
    expect(located(result)).toEqual([
      "r.csv:2:1: error invalid-phone-number: calleeNumber \"+91 ••••••••321\" is not 6–18 digits (country code + number, no '+' or spaces)",
    ]);
    expect(result.diagnostics[0]?.hint).toBe(
      "remove '+', spaces, dashes and brackets: digits only (or set numberFormat: international, or national with country, to have numbers read as written)",
    );
  });

  test("the same number written two ways is one number: the repeat is found", async () => {
    const csv = "calleeNumber\n+91 97776 54321\n919777654321\n";
    expect(located(await load("recipientsFile: { path: r.csv, numberFormat: international }\n", csv))).toEqual([
      "r.csv:3:1: warning duplicate-callee: calleeNumber 9197•••••321 is listed again (first at r.csv:2); it would be called twice",
    ]);
  });
});

describe("numberFormat on the campaign", () => {
  test("applies to the inline numbers and the recipientsFile; the file's own numberFormat wins", async () => {
    const inline = 'numberFormat: international\nnumberInfoList:\n  - calleeNumber: "+91 97776 54321"\n';
    const both = await load(`${inline}recipientsFile: r.csv\n`, "calleeNumber\n+44 7400 123456\n");
    expect(located(both)).toEqual([]);
    expect(both.campaigns[0]?.recipients.map((r) => r.calleeNumber)).toEqual(["919777654321", "447400123456"]);
    expect(both.campaigns[0]?.numbersRewritten).toBe(2);

    const digits = await load(
      `${inline}recipientsFile: { path: r.csv, numberFormat: digits }\n`,
      "calleeNumber\n+44 7400 123456\n",
    );
    expect(located(digits)).toEqual([
      "r.csv:2:1: error invalid-phone-number: calleeNumber \"+44 ••••••••456\" is not 6–18 digits (country code + number, no '+' or spaces)",
    ]);
  });

  test("national with the campaign's country; the file may name its own", async () => {
    const yaml =
      'numberFormat: national\ncountry: IN\nnumberInfoList:\n  - calleeNumber: "097776 54321"\nrecipientsFile: { path: r.csv, country: GB }\n';
    const result = await load(yaml, "calleeNumber\n07400 123456\n");
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.recipients.map((r) => r.calleeNumber)).toEqual(["919777654321", "447400123456"]);
  });

  test("an inline number that cannot be read is an error at its line, said once", async () => {
    const yaml = 'numberFormat: international\nnumberInfoList:\n  - calleeNumber: "+91 97776 5432l"\n    text1: Asha\n';
    const result = await load(yaml);
    expect(located(result)).toEqual([
      'c.yaml:6:19: error unreadable-number: calleeNumber "+91 ••••••••32l" has letters',
    ]);
    expect(result.diagnostics[0]?.field).toBe("/numberInfoList/0/calleeNumber");
  });

  test("national on the campaign without a country is an error where numberFormat is written", async () => {
    const yaml = 'numberFormat: national\nnumberInfoList:\n  - calleeNumber: "97776 54321"\n';
    expect(located(await load(yaml))).toEqual([
      "c.yaml:4:15: error country-required: numberFormat: national needs country: the country whose national numbers these are",
      "c.yaml:6:19: error invalid-phone-number: numberInfoList[0].calleeNumber \"9777••••321\" is not 6–18 digits (country code + number, no '+' or spaces)",
    ]);
  });
});
