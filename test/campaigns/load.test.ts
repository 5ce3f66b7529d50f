import { describe, expect, test } from "vitest";
import { FIXED_NOW, loadDir, located, tempDir } from "../helpers.js";

const FIXTURES = "test/fixtures";

async function errorsOf(dir: string, file: string): Promise<string[]> {
  const result = await loadDir(`${FIXTURES}/${dir}`, [file]);
  return located(result);
}

describe("schema rules, each with the exact file:line:col, code and message", () => {
  test.each([
    [
      "recall-count-mismatch.yaml",
      ["recall-count-mismatch.yaml:10:14: error recall-count-mismatch: recallNum is 3 but nodeList has 2 entries"],
    ],
    [
      "recall-intent-missing.yaml",
      [
        "recall-intent-missing.yaml:8:15: error recall-intent-required: recallType 3 (recall by intent) needs recallIntent",
      ],
    ],
    [
      "recall-intent-empty.yaml",
      [
        "recall-intent-empty.yaml:13:17: error recall-intent-required: recallIntent is empty but recallType 3 (recall by intent) needs at least one intent code",
      ],
    ],
    [
      "unknown-field.yaml",
      ["unknown-field.yaml:5:1: error unknown-field: unknown field maxRingTime — did you mean maxRingingTime?"],
    ],
    [
      "missing-task-name.yaml",
      ["missing-task-name.yaml:1:1: error missing-field: campaign is missing required field taskName"],
    ],
    [
      "task-name-too-short.yaml",
      ["task-name-too-short.yaml:1:11: error invalid-length: taskName is 1 character long but must be at least 2"],
    ],
    [
      "send-time-not-a-date.yaml",
      [
        'send-time-not-a-date.yaml:5:11: error invalid-send-time: sendTime "2030-02-29 10:00:00" is not a real date and time in the form YYYY-MM-DD HH:mm:ss',
      ],
    ],
    [
      "send-time-wrong-form.yaml",
      [
        'send-time-wrong-form.yaml:5:11: error invalid-send-time: sendTime "2030-04-01T10:00:00Z" is not a real date and time in the form YYYY-MM-DD HH:mm:ss',
      ],
    ],
    ["no-recipients.yaml", ["no-recipients.yaml:2:1: error no-recipients: campaign has no recipients"]],
    [
      "empty-recipients.yaml",
      ["empty-recipients.yaml:5:17: error no-recipients: numberInfoList is empty and there is no recipientsFile"],
    ],
    ["not-a-mapping.yaml", ["not-a-mapping.yaml:1:1: error wrong-type: campaign must be an object, not a list"]],
    [
      "ranges.yaml",
      [
        "ranges.yaml:5:17: error out-of-range: maxRingingTime is 200 but must be at most 120",
        "ranges.yaml:6:18: error invalid-value: enableRecording is 2 but must be one of 0, 1",
        "ranges.yaml:9:12: error text-too-long: numberInfoList[0].text1 is 46 characters long; the platform keeps only 30 and would cut the rest",
        "ranges.yaml:12:19: error out-of-range: recallFlow.recallInterval is 2000 but must be at most 1440",
        "ranges.yaml:13:14: error out-of-range: recallFlow.recallNum is 11 but must be at most 10",
      ],
    ],
    [
      "wrong-types.yaml",
      [
        "wrong-types.yaml:6:13: error wrong-type: displayNum must be a string of digits in quotes, not a number",
        "wrong-types.yaml:5:11: error wrong-type: maxCalls must be an integer, not a string",
        "wrong-types.yaml:9:12: error wrong-type: numberInfoList[0].text1 must be a string, not a number",
      ],
    ],
  ])("%s", async (file, expected) => {
    expect(await errorsOf("invalid", file)).toEqual(expected);
  });

  test("callee numbers: too short, formatted, unquoted, inexact and too long; all masked", async () => {
    expect(await errorsOf("invalid", "callee-numbers.yaml")).toEqual([
      "callee-numbers.yaml:9:19: error inexact-number: calleeNumber is an unquoted number of 19 digits, which cannot be read exactly",
      `callee-numbers.yaml:6:19: error invalid-phone-number: numberInfoList[0].calleeNumber "1•••5" is not 6–18 digits (country code + number, no '+' or spaces)`,
      `callee-numbers.yaml:7:19: error invalid-phone-number: numberInfoList[1].calleeNumber "+91 ••••••••001" is not 6–18 digits (country code + number, no '+' or spaces)`,
      "callee-numbers.yaml:8:19: error wrong-type: numberInfoList[2].calleeNumber must be a string of digits in quotes, not a number",
      `callee-numbers.yaml:10:19: error invalid-phone-number: numberInfoList[4].calleeNumber "1234••••••••••••789" is not 6–18 digits (country code + number, no '+' or spaces)`,
    ]);
  });

  test("hints say what would be right", async () => {
    const result = await loadDir(`${FIXTURES}/invalid`, [
      "recall-count-mismatch.yaml",
      "unknown-field.yaml",
      "callee-numbers.yaml",
    ]);
    const hints = result.diagnostics.map((d) => d.hint);
    expect(hints).toContain("give nodeList one entry per recall round (3), or set recallNum: 2");
    expect(hints).toContain("rename it to maxRingingTime");
    expect(hints).toContain('write it in quotes (e.g. calleeNumber: "…") so every digit is kept');
  });

  test("no raw phone number appears in any message or hint", async () => {
    const result = await loadDir(`${FIXTURES}/invalid`, ["callee-numbers.yaml"]);
    const text = JSON.stringify(result.diagnostics);
    expect(text).not.toMatch(/\d{7,}/);
  });
});

describe("YAML syntax", () => {
  test("a syntax error is reported at its position and the document counts as invalid", async () => {
    const result = await loadDir(`${FIXTURES}/invalid`, ["yaml-syntax.yaml"]);
    expect(located(result)).toEqual([
      "yaml-syntax.yaml:7:1: error yaml-syntax: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
    expect(result.campaigns).toMatchObject([{ valid: false, taskName: undefined }]);
  });

  test("a repeated key is an error at the second key", async () => {
    expect(await errorsOf("invalid", "duplicate-key.yaml")).toEqual([
      "duplicate-key.yaml:4:1: error yaml-syntax: Map keys must be unique",
    ]);
  });

  test("several documents in one file, a leap day and an empty trailing document", async () => {
    const result = await loadDir(`${FIXTURES}/valid`);
    expect(result.diagnostics).toEqual([]);
    expect(result.campaigns.map((c) => [c.taskName, c.source.line, c.valid])).toEqual([
      ["first-campaign", 1, true],
      ["second-campaign", 8, true],
    ]);
  });

  test("comments, key order and quoting style do not change what is loaded", async () => {
    const dir = await tempDir({
      "a.yaml":
        'taskName: same\nappId: A1\nagentId: 110\nnumberInfoList:\n  - {calleeNumber: "919700000001", text1: x}\n',
      "b.yaml":
        "# comment\nnumberInfoList:\n  - text1: 'x'\n    calleeNumber: '919700000001' # who\nagentId: 110\nappId: \"A1\"\ntaskName: same2\n",
    });
    const result = await loadDir(dir);
    const [a, b] = result.campaigns;
    expect(a?.recipients).toEqual(b?.recipients);
    expect({ ...a?.campaign, taskName: "" }).toEqual({ ...b?.campaign, taskName: "" });
  });
});

describe("checks beyond the schema", () => {
  test("the same taskName in two files names both places; duplicate callees and a past sendTime warn", async () => {
    const result = await loadDir(`${FIXTURES}/duplicates`);
    expect(located(result)).toEqual([
      "a.yaml:7:19: warning duplicate-callee: calleeNumber 9197•••••001 is listed again (first at a.yaml:5); it would be called twice",
      "b.yaml:5:11: warning send-time-passed: sendTime 2026-11-01 09:00:00 (Asia/Shanghai) is in the past; the platform would start calling as soon as the task is submitted",
      'b.yaml:2:1: error duplicate-task-name: taskName "same-name" is also declared at a.yaml:1:1',
    ]);
    const duplicate = result.diagnostics.find((d) => d.code === "duplicate-task-name");
    expect(duplicate?.related).toEqual([{ file: "a.yaml", line: 1, column: 1, message: "first declared here" }]);
  });

  test("sendTime is compared in the platform's time zone with the injected clock", async () => {
    const dir = await tempDir({
      "c.yaml":
        'taskName: soon\nappId: A1\nagentId: 1\nsendTime: "2026-11-25 20:30:00"\nnumberInfoList: [{calleeNumber: "919700000001"}]\n',
    });
    // 20:30 in Shanghai is 12:30 UTC: in the future at 12:00 UTC, in the past at 13:00 UTC.
    expect((await loadDir(dir, ["."], FIXED_NOW)).diagnostics).toEqual([]);
    expect(located(await loadDir(dir, ["."], FIXED_NOW + 3600_000))[0]).toContain("warning send-time-passed");
  });

  test("more than 200,000 recipients in one campaign is an error", async () => {
    const rows = Array.from({ length: 200_001 }, (_, i) => String(919_700_000_000 + i)).join("\n");
    const dir = await tempDir({
      "big.yaml": "taskName: big-one\nappId: A1\nagentId: 1\nrecipientsFile: big.csv\n",
      "big.csv": `calleeNumber\n${rows}\n`,
    });
    const result = await loadDir(dir);
    // The CSV is refused at the first row past the limit, before the rest is read (issue 14).
    expect(located(result)).toEqual([
      "big.csv:200002:1: error too-many-recipients: recipients file has more than 200000 rows; the platform takes at most 200000 per task (reading stopped at row 200001)",
    ]);
    expect(result.campaigns[0]?.valid).toBe(false);
  });
});

describe("recipients CSV", () => {
  test("bad rows are reported at their line and column; valid rows are kept", async () => {
    const result = await loadDir(`${FIXTURES}/csv`, ["campaign.yaml"]);
    expect(located(result)).toEqual([
      "people.csv:5:1: error csv-syntax: row has 2 fields but the header has 3",
      `people.csv:4:1: error invalid-phone-number: calleeNumber "9.•••••11" is not 6–18 digits (country code + number, no '+' or spaces)`,
      "people.csv:6:1: error missing-field: row has no calleeNumber",
      "people.csv:7:14: error text-too-long: text1 is 42 characters long; the platform keeps only 30 and would cut the rest",
    ]);
    expect(result.diagnostics[1]?.hint).toContain("scientific notation");
    expect(result.campaigns[0]?.valid).toBe(false);
  });

  test("a valid CSV loads every row with its text variables", async () => {
    const dir = await tempDir({
      "c.yaml":
        "taskName: csv-ok\nappId: A1\nagentId: 1\nnumberInfoList: [{calleeNumber: '919700000009'}]\nrecipientsFile: lists/r.csv\n",
      "lists/r.csv": '\ufeffcalleeNumber,text1,text2\r\n919700000001,"Kumar, Anil",\r\n 919700000002 ,Asha,x\r\n',
    });
    const result = await loadDir(dir);
    expect(result.diagnostics).toEqual([]);
    expect(result.campaigns[0]?.recipients).toEqual([
      { calleeNumber: "919700000009" },
      { calleeNumber: "919700000001", text1: "Kumar, Anil" },
      { calleeNumber: "919700000002", text1: "Asha", text2: "x" },
    ]);
  });

  test("duplicate numbers across inline entries and CSV rows are warned about at the CSV line", async () => {
    const dir = await tempDir({
      "c.yaml":
        "taskName: csv-dup\nappId: A1\nagentId: 1\nnumberInfoList: [{calleeNumber: '919700000001'}]\nrecipientsFile: r.csv\n",
      "r.csv": "calleeNumber\n919700000002\n919700000001\n",
    });
    expect(located(await loadDir(dir))).toEqual([
      "r.csv:3:1: warning duplicate-callee: calleeNumber 9197•••••001 is listed again (first at c.yaml:4); it would be called twice",
    ]);
  });

  test.each([
    ["unknown-column.yaml", ["unknown-column.csv:1:20: error unknown-column: unknown column name"]],
    [
      "missing-file.yaml",
      [
        "missing-file.yaml:5:17: error recipients-file-not-found: recipientsFile nowhere.csv cannot be read (looked for nowhere.csv)",
      ],
    ],
    [
      "no-callee-column.yaml",
      [
        "no-callee-column.csv:1:1: error unknown-column: unknown column phone",
        "no-callee-column.csv:1:1: error missing-column: recipients file has no calleeNumber column",
      ],
    ],
  ])("%s", async (file, expected) => {
    expect(await errorsOf("csv", file)).toEqual(expected);
  });

  test("an unclosed quote is a syntax error at its line", async () => {
    const dir = await tempDir({
      "c.yaml": "taskName: q1\nappId: A1\nagentId: 1\nrecipientsFile: r.csv\n",
      "r.csv": 'calleeNumber,text1\n919700000001,ok\n919700000002,"open\n',
    });
    const lines = located(await loadDir(dir));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^r\.csv:3:1: error csv-syntax: /);
  });
});
