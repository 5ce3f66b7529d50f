import { describe, expect, test } from "vitest";
import { loadDir, located, tempDir } from "../helpers.js";

const HEAD = "appId: Jgd8oFei\nagentId: 110\n";
const NUMBERS = 'numberInfoList:\n  - calleeNumber: "919700000001"\n';
const REGIONS = "region,date,agent\nnorth,2030-05-02,110\nsouth,2030-05-03,111\neast,2030-05-04,112\n";

async function load(files: Record<string, string>, paths = ["."]) {
  const dir = await tempDir(files);
  return loadDir(dir, paths);
}

describe("forEach: one campaign per row", () => {
  test("a CSV of three rows generates three campaigns, ${column} filled in every string value, each with its row", async () => {
    const result = await load({
      "c/regions.csv": REGIONS,
      "c/north.csv": "calleeNumber\n919700000001\n",
      "c/south.csv": "calleeNumber\n919700000002\n",
      "c/east.csv": "calleeNumber\n919700000003\n",
      "c/dues.yaml": `${HEAD}forEach: regions.csv
taskName: dues-\${region}
description: Dues reminders for \${region}
sendTime: "\${date} 14:00:00"
recipientsFile: \${region}.csv
`,
    });
    expect(located(result)).toEqual([]);
    expect(
      result.campaigns.map((c) => [
        c.taskName,
        c.campaign.sendTime,
        c.campaign.description,
        c.recipientsPath,
        c.row,
        c.source,
      ]),
    ).toEqual([
      [
        "dues-north",
        "2030-05-02 14:00:00",
        "Dues reminders for north",
        "c/north.csv",
        { file: "c/regions.csv", line: 2, column: 1 },
        { file: "c/dues.yaml", line: 1, column: 1 },
      ],
      [
        "dues-south",
        "2030-05-03 14:00:00",
        "Dues reminders for south",
        "c/south.csv",
        { file: "c/regions.csv", line: 3, column: 1 },
        { file: "c/dues.yaml", line: 1, column: 1 },
      ],
      [
        "dues-east",
        "2030-05-04 14:00:00",
        "Dues reminders for east",
        "c/east.csv",
        { file: "c/regions.csv", line: 4, column: 1 },
        { file: "c/dues.yaml", line: 1, column: 1 },
      ],
    ]);
    expect(result.campaigns.every((c) => c.valid && !("forEach" in c.campaign))).toBe(true);
    expect(result.inputFiles).toEqual(["c/regions.csv"]);
  });

  test("rows inline or in a .yaml file; nested values (recall flow, text variables) are filled too", async () => {
    const template = (rows: string) => `${HEAD}forEach: ${rows}
taskName: t-\${region}
numberInfoList:
  - calleeNumber: "919700000001"
    text1: \${greeting}
recallFlow:
  recallType: 3
  recallInterval: 10
  recallNum: 1
  nodeList: [{ agentId: "\${agent}" }]
  recallIntent: ["\${intent}"]
`;
    const inline = await load({
      "c/a.yaml": template(
        '\n  - { region: north, greeting: Hello, agent: 110, intent: "99999" }\n  - { region: south, greeting: Hi, agent: 111, intent: "12" }',
      ),
    });
    const file = await load({
      "c/_rows.yaml":
        '- { region: north, greeting: Hello, agent: 110, intent: "99999" }\n- { region: south, greeting: Hi, agent: 111, intent: "12" }\n',
      "c/a.yaml": template("_rows.yaml"),
    });
    for (const result of [inline, file]) {
      expect(located(result)).toEqual([]);
      expect(
        result.campaigns.map((c) => [c.taskName, c.campaign.numberInfoList![0]!.text1, c.campaign.recallFlow]),
      ).toEqual([
        [
          "t-north",
          "Hello",
          { recallType: 3, recallInterval: 10, recallNum: 1, nodeList: [{ agentId: "110" }], recallIntent: ["99999"] },
        ],
        [
          "t-south",
          "Hi",
          { recallType: 3, recallInterval: 10, recallNum: 1, nodeList: [{ agentId: "111" }], recallIntent: ["12"] },
        ],
      ]);
    }
    expect(inline.campaigns.map((c) => c.row?.line)).toEqual([4, 5]);
    expect(file.campaigns.map((c) => `${c.row?.file}:${c.row?.line}`)).toEqual(["c/_rows.yaml:1", "c/_rows.yaml:2"]);
  });

  test("a lone placeholder in a number field gives a number; anything else stays text and the schema says so", async () => {
    const result = await load({
      "c/rows.csv": "region,agent,calls\nnorth,110,60\nsouth,0110,1e2\n",
      "c/a.yaml": `appId: Jgd8oFei\nforEach: rows.csv\ntaskName: t-\${region}\nagentId: \${agent}\nmaxCalls: \${calls}\n${NUMBERS}`,
    });
    expect(result.campaigns[0]!.campaign).toMatchObject({ agentId: 110, maxCalls: 60 });
    expect(located(result)).toEqual([
      "c/a.yaml:4:10: error wrong-type: agentId must be an integer, not a string; in campaign t-south (c/a.yaml:1, row c/rows.csv:3)",
      "c/a.yaml:5:11: error wrong-type: maxCalls must be an integer, not a string; in campaign t-south (c/a.yaml:1, row c/rows.csv:3)",
    ]);
    expect(result.campaigns.map((c) => c.valid)).toEqual([true, false]);
  });

  test("hostile values stay the text they are: YAML-looking, placeholders, control characters are never re-read", async () => {
    const result = await load({
      "c/_rows.yaml":
        '- { region: north, note: "${region} {a: 1} &x *x !!binary" }\n- { region: south, note: "line\\u0007bell: [1]" }\n',
      "c/a.yaml": `${HEAD}forEach: _rows.yaml\ntaskName: t-\${region}\ndescription: "\${note}"\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([]);
    expect(result.campaigns.map((c) => c.campaign.description)).toEqual([
      "${region} {a: 1} &x *x !!binary",
      "line\u0007bell: [1]",
    ]);
  });

  test("a row value that would make a taskName unprintable is refused by the taskName rule, naming the row", async () => {
    const result = await load({
      "c/a.yaml": `${HEAD}forEach: [{ r: "a\\u001b[2Jb" }]\ntaskName: t-\${r}\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/a.yaml:4:11: error invalid-task-name: taskName holds a control character (U+001B) at character 4; in campaign t-a\u001b[2Jb (c/a.yaml:1, row c/a.yaml:3)",
    ]);
  });

  test("$${ writes a literal ${, and keys are never filled", async () => {
    const result = await load({
      "c/a.yaml": `${HEAD}forEach: [{ region: north }]\ntaskName: t-\${region}\ndescription: "cost $\${region} for \${region}"\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]!.campaign.description).toBe("cost ${region} for north");
  });

  test("a .yaml rows file among the campaigns is also read as a campaign: an error says to name it _rows.yaml", async () => {
    const result = await load({
      "c/rows.yaml": "- { r: a }\n",
      "c/a.yaml": `${HEAD}forEach: rows.yaml\ntaskName: t-\${r}\n${NUMBERS}`,
    });
    expect(located(result)).toContain(
      "c/rows.yaml:1:1: error partial-without-underscore: c/rows.yaml is read as forEach rows, and also as a campaign file (it lies among the campaigns)",
    );
  });

  test("a template's inline recipients are shared by its campaigns, not copied per row", async () => {
    const result = await load({
      "c/a.yaml": `${HEAD}forEach: [{ r: a }, { r: b }]\ntaskName: t-\${r}\n${NUMBERS}`,
    });
    const [a, b] = result.campaigns;
    expect(a!.campaign.numberInfoList).toBe(b!.campaign.numberInfoList);
  });

  test("forEach with extends: the base's placeholders are filled too, and an error in the base names the row", async () => {
    const result = await load({
      "c/_base.yaml": `${HEAD}description: Dues for \${region}\nmaxCalls: 5000\n`,
      "c/a.yaml": `extends: _base.yaml\nforEach: [{ region: north }]\ntaskName: dues-\${region}\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/_base.yaml:4:11: error out-of-range: maxCalls is 5000 but must be at most 999; in campaign dues-north (c/a.yaml:1, row c/a.yaml:2)",
    ]);
    expect(result.campaigns[0]!.campaign.description).toBe("Dues for north");
  });
});

describe("forEach: what is refused", () => {
  test("a misspelt placeholder is an error at the template's line naming the row, with a suggestion; nothing is generated", async () => {
    const result = await load({
      "c/regions.csv": REGIONS,
      "c/dues.yaml": `${HEAD}forEach: regions.csv\ntaskName: dues-\${region}\nsendTime: "\${dtae} 14:00:00"\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/dues.yaml:5:11: error unknown-placeholder: sendTime names ${dtae}, but the forEach row c/regions.csv:2 (and 2 more rows) has no such column — did you mean date?",
    ]);
    expect(result.diagnostics[0]!.hint).toBe("write ${date}");
    expect(result.diagnostics[0]!.related).toEqual([{ file: "c/regions.csv", line: 2, column: 1, message: "the row" }]);
    expect(result.campaigns).toMatchObject([{ valid: false, source: { file: "c/dues.yaml", line: 1 } }]);
  });

  test("a column only some inline rows have names the first row without it", async () => {
    const result = await load({
      "c/a.yaml": `${HEAD}forEach:\n  - { region: north, date: "2030-05-02" }\n  - { region: south }\ntaskName: t-\${region}-\${date}\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/a.yaml:6:11: error unknown-placeholder: taskName names ${date}, but the forEach row c/a.yaml:5 has no such column",
    ]);
  });

  test("taskName must hold a placeholder; generated names are unique like any others", async () => {
    const fixed = await load({ "c/a.yaml": `${HEAD}forEach: [{ r: a }]\ntaskName: same\n${NUMBERS}` });
    expect(located(fixed)).toEqual([
      "c/a.yaml:4:11: error task-name-without-placeholder: taskName of a forEach campaign must hold a placeholder, so that every generated campaign has its own name",
    ]);
    const twice = await load({
      "c/a.yaml": `${HEAD}forEach: [{ r: a }, { r: b }, { r: a }]\ntaskName: t-\${r}\n${NUMBERS}`,
      "c/b.yaml": `taskName: t-b\n${HEAD}${NUMBERS}`,
    });
    expect(located(twice)).toEqual([
      'c/a.yaml:3:31: error duplicate-task-name: taskName "t-a" is also declared at c/a.yaml:3:11',
      'c/b.yaml:1:1: error duplicate-task-name: taskName "t-b" is also declared at c/a.yaml:3:21',
    ]);
    expect(twice.campaigns.map((c) => [c.taskName, c.valid])).toEqual([
      ["t-a", true],
      ["t-b", true],
      ["t-a", false],
      ["t-b", false],
    ]);
  });

  test("malformed placeholders, a forEach that is no rows, rows that are no mappings, nested values", async () => {
    const result = await load({
      "c/a.yaml": `${HEAD}forEach: [{ r: a }]\ntaskName: t-\${r}\ndescription: "open \${r"\n${NUMBERS}`,
      "c/b.yaml": `${HEAD}forEach: rows.txt\ntaskName: t-\${r}\n${NUMBERS}`,
      "c/c.yaml": `${HEAD}forEach: [north, { r: [1] }]\ntaskName: t-\${r}\n${NUMBERS}`,
      "c/d.yaml": `${HEAD}forEach: [{ r: a }]\ntaskName: t-\${}\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/a.yaml:5:14: error invalid-placeholder: description has a ${ that is never closed with }",
      "c/b.yaml:3:10: error invalid-for-each: forEach must name a .csv or .yaml file of rows, or list the rows",
      "c/c.yaml:3:11: error invalid-for-each-row: forEach row 1 must be a mapping of column: value",
      "c/c.yaml:3:18: error invalid-for-each-row: forEach row 2: r is a list or mapping; a row's values are text",
      "c/d.yaml:4:11: error invalid-placeholder: taskName has an empty or malformed placeholder ${}",
      "c/d.yaml:4:11: error task-name-without-placeholder: taskName of a forEach campaign must hold a placeholder, so that every generated campaign has its own name",
    ]);
    expect(result.campaigns.map((c) => c.valid)).toEqual([false, false, false, false]);
  });

  test("CSV problems: a ragged row, a repeated column, a missing file; no rows is a warning", async () => {
    const template = (rows: string) => `${HEAD}forEach: ${rows}\ntaskName: t-\${region}\n${NUMBERS}`;
    const result = await load({
      "c/ragged.csv": "region,date\nnorth\n",
      "c/twice.csv": "region,region\nnorth,south\n",
      "c/empty.csv": "region\n",
      "c/a.yaml": template("ragged.csv"),
      "c/b.yaml": template("twice.csv"),
      "c/c.yaml": template("missing.csv"),
      "c/d.yaml": template("empty.csv"),
    });
    expect(located(result)).toEqual([
      "c/ragged.csv:2:1: error csv-syntax: the row has 1 field but the header has 2; in campaign t-${region} (c/a.yaml:1)",
      "c/twice.csv:1:1: error duplicate-column: the header names the column region twice; in campaign t-${region} (c/b.yaml:1)",
      "c/c.yaml:3:10: error file-not-found: forEach missing.csv cannot be read (looked for c/missing.csv)",
      "c/d.yaml:3:10: warning for-each-empty: forEach has no rows: this template generates no campaign",
    ]);
    expect(result.campaigns.map((c) => [c.source.file, c.valid])).toEqual([
      ["c/a.yaml", false],
      ["c/b.yaml", false],
      ["c/c.yaml", false],
    ]);
  });

  test("a placeholder inside a long inline list would copy the list for every row: refused, pointing at recipientsFile", async () => {
    const list = Array.from(
      { length: 2_001 },
      (_, i) => `  - { calleeNumber: "9197000${String(i).padStart(5, "0")}" }\n`,
    ).join("");
    const rows = "r\n" + Array.from({ length: 1_000 }, (_, i) => `x${i}`).join("\n") + "\n";
    const result = await load({
      "c/rows.csv": rows,
      "c/a.yaml": `${HEAD}forEach: rows.csv\ntaskName: t-\${r}\nnumberInfoList:\n  - { calleeNumber: "919700000001", text1: "\${r}" }\n${list}`,
    });
    expect(located(result)).toEqual([
      "c/a.yaml:3:10: error template-too-large: filling 1000 rows would copy the template's lists that hold placeholders once per row, more than 2000000 values in all",
    ]);
  });

  test("bounds: more than 10,000 rows, a value over 1,000 characters, a filled value over 10,000", async () => {
    const many = "r\n" + Array.from({ length: 10_001 }, (_, i) => `x${i}`).join("\n") + "\n";
    const long = "r,v\na," + "y".repeat(1_001) + "\n";
    const wide = "r,v\na," + "y".repeat(1_000) + "\n";
    const result = await load({
      "c/many.csv": many,
      "c/long.csv": long,
      "c/wide.csv": wide,
      "c/a.yaml": `${HEAD}forEach: many.csv\ntaskName: t-\${r}\n${NUMBERS}`,
      "c/b.yaml": `${HEAD}forEach: long.csv\ntaskName: t-\${r}\n${NUMBERS}`,
      "c/c.yaml": `${HEAD}forEach: wide.csv\ntaskName: t-\${r}\ndescription: "${"${v}".repeat(11)}"\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "c/a.yaml:3:10: error too-many-rows: forEach has more than 10000 rows",
      "c/long.csv:2:1: error invalid-for-each-row: v is 1001 characters long; a forEach value is at most 1000; in campaign t-${r} (c/b.yaml:1)",
      "c/c.yaml:5:14: error filled-value-too-long: description is longer than 10000 characters once the row c/wide.csv:2 fills it",
    ]);
  });
});
