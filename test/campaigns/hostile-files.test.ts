// Hostile and careless campaign inputs (issue 14): bytes that are not UTF-8, files that are not
// files, files too big, alias bombs, YAML tags and merge keys, unprintable task names, paths
// leading out of the project, and files or directories holding no campaign at all.
import { execFileSync } from "node:child_process";
import { mkdir, open, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CAMPAIGN_HEAD, located, loadDir, runCli, tempDir } from "../helpers.js";

const RECIPIENT = 'numberInfoList: [{calleeNumber: "919700000001"}]\n';
const CAMPAIGN = `${CAMPAIGN_HEAD}${RECIPIENT}`;

/** line:col of byte `offset` in `text` (all of it before `offset` is ASCII here). */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

// Each a byte sequence no UTF-8 decoder may accept: stray continuation, invalid lead bytes,
// truncated sequences, overlong forms, a UTF-16 surrogate, a code point past U+10FFFF.
const BAD_BYTES = [
  [0x80],
  [0xff],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf0, 0x28, 0x8c, 0xbc],
];

function withBadBytes(text: string, offset: number, bad: number[]): Buffer {
  return Buffer.concat([Buffer.from(text.slice(0, offset)), Buffer.from(bad), Buffer.from(text.slice(offset))]);
}

describe("invalid UTF-8 is an error at the bad byte, never a silent U+FFFD", () => {
  test("in campaign files, at the start, inside a value, in a comment and at the end", async () => {
    const text = `# reminders\n${CAMPAIGN}`;
    const offsets = [0, text.indexOf("reminders", 12) + 3, 5, text.length];
    const dir = await tempDir();
    const expected: string[] = [];
    let n = 0;
    for (const offset of offsets) {
      for (const bad of BAD_BYTES) {
        const file = `c${String(n++).padStart(2, "0")}.yaml`;
        await writeFile(join(dir, file), withBadBytes(text, offset, bad));
        expected.push(`${file}:${lineCol(text, offset)}: error invalid-utf8`);
      }
    }
    const result = await loadDir(dir);
    expect(located(result).map((d) => d.split(": campaign file")[0])).toEqual(expected);
    expect(result.diagnostics.every((d) => !d.message.includes("\ufffd"))).toBe(true);
  });

  test("in a recipients CSV, at its line and column, naming the recipientsFile line", async () => {
    const csv = "calleeNumber,text1\n919700000001,Asha\n919700000002,Ravi\n";
    const offsets = [0, csv.indexOf("Asha") + 2, csv.indexOf("Ravi"), csv.length];
    for (const [i, offset] of offsets.entries()) {
      const bad = BAD_BYTES[i * 2]!;
      const dir = await tempDir({ "c.yaml": `${CAMPAIGN_HEAD}recipientsFile: people.csv\n` });
      await writeFile(join(dir, "people.csv"), withBadBytes(csv, offset, bad));
      const result = await loadDir(dir);
      expect(located(result)).toEqual([
        `people.csv:${lineCol(csv, offset)}: error invalid-utf8: recipients file people.csv is not valid UTF-8 (line ${lineCol(csv, offset).replace(":", ", column ")})`,
      ]);
      expect(result.diagnostics[0]?.hint).toContain("c.yaml:4:17");
      expect(result.diagnostics[0]?.related).toEqual([
        { file: "c.yaml", line: 4, column: 17, message: "referenced here" },
      ]);
      expect(result.campaigns[0]?.valid).toBe(false);
    }
  });
});

describe("files that are not regular files never block a read", () => {
  test("a FIFO, a directory and a device as recipientsFile; a FIFO named as a campaign file or met in a walk", async () => {
    const dir = await tempDir({
      "fifo.yaml": `${CAMPAIGN_HEAD}recipientsFile: pipe.csv\n`,
      "dir.yaml": CAMPAIGN.replace("reminders", "dir-one").replace(RECIPIENT, "recipientsFile: x.csv\n"),
      "zero.yaml": CAMPAIGN.replace("reminders", "zero-one").replace(RECIPIENT, "recipientsFile: zero.csv\n"),
      "config.yaml": "allowPathsOutsideProject: true\n",
    });
    execFileSync("mkfifo", [join(dir, "pipe.csv"), join(dir, "walked.yaml"), join(dir, "named.yaml")]);
    await mkdir(join(dir, "x.csv"));
    await symlink("/dev/zero", join(dir, "zero.csv"));
    const walked = await runCli(["validate", "--config", "config.yaml", "."], dir);
    expect(walked.code).toBe(1);
    expect(walked.stdout).toContain(
      "pipe.csv:1:1: error file-not-regular: recipients file pipe.csv is a FIFO (named pipe), not a regular file",
    );
    expect(walked.stdout).toContain(
      "x.csv:1:1: error file-not-regular: recipients file x.csv is a directory, not a regular file",
    );
    expect(walked.stdout).toContain(
      "zero.csv:1:1: error file-not-regular: recipients file zero.csv is a character device, not a regular file",
    );
    expect(walked.stdout).not.toContain("walked.yaml"); // a walk takes regular files only
    const named = await runCli(["validate", "named.yaml"], dir);
    expect(named.code).toBe(1);
    expect(named.stdout).toContain(
      "named.yaml:1:1: error file-not-regular: campaign file named.yaml is a FIFO (named pipe), not a regular file",
    );
  });

  test("without the opt-in: /dev/zero symlinked as recipientsFile is outside the project, a FIFO inside it is no file", async () => {
    const dir = await tempDir({
      "c.yaml": `${CAMPAIGN_HEAD}recipientsFile: zero.csv\n`,
      "d.yaml": CAMPAIGN.replace("reminders", "piped").replace(RECIPIENT, "recipientsFile: lists/pipe.csv\n"),
    });
    await symlink("/dev/zero", join(dir, "zero.csv"));
    await mkdir(join(dir, "lists"));
    execFileSync("mkfifo", [join(dir, "lists", "pipe.csv")]);
    const validate = await runCli(["validate", "."], dir);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      "c.yaml:4:17: error path-outside-project: recipientsFile zero.csv resolves to /dev/zero, outside the project",
    );
    expect(validate.stdout).toContain(
      "lists/pipe.csv:1:1: error file-not-regular: recipients file lists/pipe.csv is a FIFO (named pipe), not a regular file",
    );
    const plan = await runCli(["plan", "."], dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("lists/pipe.csv:1:1: error file-not-regular");
  });
});

describe("big input stays bounded", () => {
  test("a 25 MiB campaign file is refused fast, naming the limit", async () => {
    const dir = await tempDir();
    const handle = await open(join(dir, "big.yaml"), "w");
    await handle.truncate(25 * 1024 * 1024); // sparse: written in no time
    await handle.close();
    const started = performance.now();
    const result = await runCli(["validate", "big.yaml"], dir);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "big.yaml:1:1: error file-too-large: campaign file big.yaml is 25 MiB, more than the limit of 20 MiB",
    );
  });

  test("a CSV of a million rows is refused at the first row past 200,000, without reading the rest", async () => {
    const rows = Array.from({ length: 1_000_000 }, (_, i) => String(919_700_000_000 + i)).join("\n");
    const dir = await tempDir({
      "c.yaml": `${CAMPAIGN_HEAD}recipientsFile: million.csv\n`,
      "million.csv": `calleeNumber\n${rows}\n`,
    });
    const started = performance.now();
    const result = await loadDir(dir);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(located(result)).toEqual([
      "million.csv:200002:1: error too-many-recipients: recipients file has more than 200000 rows; the platform takes at most 200000 per task (reading stopped at row 200001)",
    ]);
  });

  // Each expands to far more than the alias cap: nested (billion laughs), wide, deep, and inside recipients.
  const laughs = (levels: number, width: number): string => {
    let text = `l0: &l0 [${Array(width).fill('"ha"').join(", ")}]\n`;
    for (let i = 1; i < levels; i++)
      text += `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(", ")}]\n`;
    return text;
  };
  test.each([
    ["billion laughs 9×9", `${CAMPAIGN}${laughs(9, 9)}`, 6, 10],
    ["billion laughs 3×40", `${CAMPAIGN}${laughs(40, 3)}`, 6, 10],
    [
      "one anchor used 500 times",
      `${CAMPAIGN_HEAD}numberInfoList: [&n {calleeNumber: "919700000001"}, ${Array(500).fill("*n").join(", ")}]\n`,
      4,
      53,
    ],
    [
      "a bomb inside numberInfoList",
      `${CAMPAIGN_HEAD}numberInfoList:\n  - &a {calleeNumber: "919700000001", text1: x}\n  - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  - &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  - [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
      6,
      9,
    ],
  ])("%s: an error at the first alias, never a crash", async (_name, text, line, column) => {
    const dir = await tempDir({ "bomb.yaml": text });
    const started = performance.now();
    const result = await loadDir(dir);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(located(result)).toEqual([
      `bomb.yaml:${line}:${column}: error yaml-alias: YAML aliases (*name) here expand to more than 100 copies of their anchors`,
    ]);
    expect(result.campaigns).toHaveLength(1);
    expect(result.campaigns[0]?.valid).toBe(false);
  });

  test("an alias to an anchor that is not defined is an error at the alias", async () => {
    const dir = await tempDir({ "c.yaml": `${CAMPAIGN_HEAD}description: *nowhere\n${RECIPIENT}` });
    expect(located(await loadDir(dir))[0]).toMatch(/^c\.yaml:4:14: error yaml-alias: YAML alias cannot be resolved/);
  });
});

describe("YAML tags and merge keys are refused where they stand", () => {
  const TAGS = [
    "!!js/function",
    "!!js/regexp",
    "!!js/undefined",
    "!!binary",
    "!!timestamp",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!map",
    "!!seq",
    "!!python/object:os.system",
    "!foo",
    "!",
    "!<tag:yaml.org,2002:int>",
    "!<tag:example.com,2000:app>",
  ];
  test.each(TAGS)("%s on a value, on the whole document and inside a list", async (tag) => {
    const dir = await tempDir({
      "value.yaml": `${CAMPAIGN_HEAD}description: ${tag} "x"\n${RECIPIENT}`,
      "document.yaml": `${tag} "x"\n`,
      "list.yaml": `${CAMPAIGN_HEAD}numberInfoList:\n  - calleeNumber: ${tag} "919700000001"\n`,
    });
    const result = await loadDir(dir);
    const message = `error yaml-tag: YAML tag ${tag} is not accepted in a campaign file`;
    expect(located(result)).toEqual([
      `document.yaml:1:1: ${message}`,
      `list.yaml:5:19: ${message}`,
      `value.yaml:4:14: ${message}`,
    ]);
    expect(result.campaigns.every((c) => !c.valid)).toBe(true);
  });

  test("a tag named through a %TAG directive is shown as written", async () => {
    const dir = await tempDir({
      "c.yaml": `%TAG !e! tag:example.com,2000:\n---\n${CAMPAIGN_HEAD}description: !e!widget x\n${RECIPIENT}`,
    });
    expect(located(await loadDir(dir))).toEqual([
      "c.yaml:6:14: error yaml-tag: YAML tag !e!widget is not accepted in a campaign file",
    ]);
  });

  test("!!str is accepted: it only says what quotes say", async () => {
    const dir = await tempDir({
      "c.yaml": `${CAMPAIGN_HEAD}description: !!str 12345\nnumberInfoList: [{calleeNumber: !!str 919700000001}]\n`,
    });
    const result = await loadDir(dir);
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]?.campaign.description).toBe("12345");
  });

  test.each([
    ["at the top", `base: &base {appId: A1}\n---\ntaskName: t1\n<<: *base\nagentId: 1\n${RECIPIENT}`, 4, 1],
    [
      "inside a recipient",
      `${CAMPAIGN_HEAD}numberInfoList:\n  - &p {calleeNumber: "919700000001"}\n  - <<: *p\n    text1: x\n`,
      6,
      5,
    ],
    ["merging a list of anchors", `${CAMPAIGN_HEAD}x: &x {a: 1}\nrecallFlow:\n  <<: [*x, *x]\n${RECIPIENT}`, 6, 3],
  ])("a merge key %s is an error at the <<", async (_name, text, line, column) => {
    const dir = await tempDir({ "c.yaml": text });
    const lines = located(await loadDir(dir)).filter((d) => d.includes("merge"));
    expect(lines).toEqual([
      `c.yaml:${line}:${column}: error yaml-merge-key: YAML merge keys (<<) are not supported in a campaign file`,
    ]);
  });
});

describe("taskName must be printable text on one line without spaces at its ends", () => {
  const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f, 0x80, 0x85, 0x9b, 0x9f];
  const bidi = [0x061c, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069];
  const breaks = [0x0a, 0x0d, 0x85, 0x2028, 0x2029];
  const hex = (c: number): string => c.toString(16).toUpperCase().padStart(4, "0");
  // Written as YAML double-quoted escapes (\u001b, \e, \r …), as an author or a generator would.
  const cases: [string, string, string][] = [
    ...controls.map((c): [string, string, string] => [
      `"ab\\u${hex(c).toLowerCase()}cd"`,
      breaks.includes(c) ? "a line break" : "a control character",
      `U+${hex(c)}`,
    ]),
    ...bidi.map((c): [string, string, string] => [`"ab\\u${hex(c)}cd"`, "a bidirectional-text control", `U+${hex(c)}`]),
    ...breaks.map((c): [string, string, string] => [`"ab\\u${hex(c)}cd"`, "a line break", `U+${hex(c)}`]),
    ...[0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff].map((c): [string, string, string] => [
      `"ab\\u${hex(c)}cd"`,
      "an invisible (zero-width) character",
      `U+${hex(c)}`,
    ]),
    ['"ab\\e[31mred"', "a control character", "U+001B"],
    ['"ab\\r\\nlines"', "a line break", "U+000D"],
    ['"ab\\there"', "a control character", "U+0009"],
  ];
  test.each(cases)("%s: %s (%s)", async (written, what, code) => {
    const dir = await tempDir({ "c.yaml": CAMPAIGN.replace("taskName: reminders", `taskName: ${written}`) });
    const [line, ...rest] = located(await loadDir(dir));
    expect(rest).toEqual([]);
    expect(line).toBe(`c.yaml:1:11: error invalid-task-name: taskName holds ${what} (${code}) at character 3`);
  });

  test.each([
    ['" reminders"', "taskName starts with whitespace"],
    ['"reminders "', "taskName ends with whitespace"],
    ['"\\u00a0reminders\\t"', "taskName holds a control character (U+0009) at character 11"],
    ['"\\u00a0reminders\\u2003"', "taskName starts and ends with whitespace"],
    ['" 919700000001"', "taskName starts with whitespace"],
    ['"   "', "taskName is only whitespace"],
    ['"\\u00a0\\u00a0"', "taskName is only whitespace"],
    ['"\\u3000\\u2003"', "taskName is only whitespace"],
  ])("%s", async (written, message) => {
    const dir = await tempDir({ "c.yaml": CAMPAIGN.replace("taskName: reminders", `taskName: ${written}`) });
    // (A name holding a phone number is also warned about: test/campaigns/literal-text.test.ts.)
    const errors = located(await loadDir(dir)).filter((line) => line.includes(": error "));
    expect(errors).toEqual([`c.yaml:1:11: error invalid-task-name: ${message}`]);
  });

  test.each(["Reminder – Dec", "日本語 campaign", "a\u00a0b", "émoji 📞 calls", "x-1_2.3"])(
    "%s is a fine name",
    async (name) => {
      const dir = await tempDir({ "c.yaml": CAMPAIGN.replace("taskName: reminders", `taskName: "${name}"`) });
      expect(located(await loadDir(dir))).toEqual([]);
    },
  );
});

describe("files named by campaigns and the config stay inside the project", () => {
  const CSV = "calleeNumber\n919700000001\n";
  async function project(
    recipientsFile: (root: string) => string,
    config = "",
  ): Promise<{ root: string; dir: string; written: string }> {
    const root = await tempDir({ "outside.csv": CSV, "project/campaigns/inside.csv": CSV });
    const dir = join(root, "project");
    const written = recipientsFile(root);
    await writeFile(join(dir, "campaigns", "c.yaml"), `${CAMPAIGN_HEAD}recipientsFile: ${written}\n`);
    if (config) await writeFile(join(dir, "campaign.config.yaml"), config);
    await symlink(join(root, "outside.csv"), join(dir, "campaigns", "escape.csv"));
    await symlink(join(dir, "campaigns", "inside.csv"), join(dir, "campaigns", "alias.csv"));
    return { root, dir, written };
  }

  test.each([
    ["..", () => "../../outside.csv"],
    ["an absolute path", (root: string) => join(root, "outside.csv")],
    ["a symlink", () => "escape.csv"],
  ])(
    "recipientsFile through %s is refused, then allowed by allowPathsOutsideProject",
    async (_name, recipientsFile) => {
      // Without a config the project is the working directory; with one, the config's directory.
      for (const config of ["", "campaignsDir: campaigns\n"]) {
        const { root, dir, written } = await project(recipientsFile, config);
        const refused = await runCli(["validate", "campaigns"], dir);
        expect(refused.code).toBe(1);
        expect(refused.stdout).toContain(
          `campaigns/c.yaml:4:17: error path-outside-project: recipientsFile ${written} resolves to ${join(root, "outside.csv")}, outside the project ${dir}`,
        );
        await writeFile(join(dir, "campaign.config.yaml"), `${config}allowPathsOutsideProject: true\n`);
        const allowed = await runCli(["validate", "campaigns"], dir);
        expect(allowed.stdout).toContain("1 campaign valid");
        expect(allowed.code).toBe(0);
      }
    },
  );

  test("a symlink that stays inside, and .. that comes back inside, are fine", async () => {
    for (const path of ["alias.csv", "../campaigns/inside.csv"]) {
      const { dir } = await project(() => path);
      const result = await runCli(["validate", "campaigns"], dir);
      expect(result.stdout).toContain("1 campaign valid");
    }
  });

  test("the project is the config file's directory: a config higher up widens it", async () => {
    const { root, dir } = await project(() => "../../outside.csv");
    await writeFile(
      join(root, "package.json"),
      JSON.stringify({ name: "outer", campaign: { campaignsDir: "project/campaigns" } }),
    );
    expect((await runCli(["validate", "project/campaigns"], root)).stdout).toContain("1 campaign valid");
    expect((await runCli(["validate", "campaigns"], dir)).stdout).toContain("1 campaign valid");
    // A package.json without a "campaign" key is no config: the project is the working directory.
    await writeFile(join(root, "package.json"), JSON.stringify({ name: "outer" }));
    expect((await runCli(["validate", "campaigns"], dir)).stdout).toContain("path-outside-project");
  });

  test.each([
    ["../dnc.txt", "ROOT/dnc.txt"],
    ["ABSOLUTE", "ROOT/dnc.txt"],
    ["lists/escape.txt", "ROOT/dnc.txt"],
  ])("a suppression list %s is refused at its line in the config, then allowed", async (written, resolvedTemplate) => {
    const root = await tempDir({ "dnc.txt": "+919700000009\n", "project/campaigns/c.yaml": CAMPAIGN });
    const dir = join(root, "project");
    await mkdir(join(dir, "lists"));
    await symlink(join(root, "dnc.txt"), join(dir, "lists", "escape.txt"));
    const path = written === "ABSOLUTE" ? join(root, "dnc.txt") : written;
    const config = `guards:\n  suppressionLists:\n    - ${path}\n`;
    await writeFile(join(dir, "campaign.config.yaml"), config);
    const refused = await runCli(["plan"], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `campaign.config.yaml:3:7: error path-outside-project: guards.suppressionLists[0] ${path} resolves to ${resolvedTemplate.replace("ROOT", root)}, outside the project ${dir}`,
    );
    await writeFile(join(dir, "campaign.config.yaml"), `allowPathsOutsideProject: true\n${config}`);
    const allowed = await runCli(["plan"], dir);
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
  });

  test("a suppression list that is a FIFO, a directory, or not UTF-8 is an error naming it", async () => {
    const dir = await tempDir({
      "campaigns/c.yaml": CAMPAIGN,
      "campaign.config.yaml": "guards:\n  suppressionLists: [dnc.txt]\n",
    });
    execFileSync("mkfifo", [join(dir, "dnc.txt")]);
    const fifo = await runCli(["plan"], dir);
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain(
      "dnc.txt:1:1: error file-not-regular: suppression list dnc.txt is a FIFO (named pipe), not a regular file",
    );
    await writeFile(join(dir, "campaign.config.yaml"), "guards:\n  suppressionLists: [lists, bad.txt]\n");
    await mkdir(join(dir, "lists"));
    expect((await runCli(["plan"], dir)).stderr).toContain(
      "lists:1:1: error file-not-regular: suppression list lists is a directory, not a regular file",
    );
    await writeFile(join(dir, "campaign.config.yaml"), "guards:\n  suppressionLists: [bad.txt]\n");
    await writeFile(join(dir, "bad.txt"), Buffer.from("+919700000009\n+9197\xff00000008\n", "latin1"));
    expect((await runCli(["plan"], dir)).stderr).toContain(
      "bad.txt:2:6: error invalid-utf8: suppression list bad.txt is not valid UTF-8 (line 2, column 6)",
    );
  });
});

describe("files and directories holding no campaign", () => {
  const EMPTY = [
    "",
    "\n\n   \n",
    "# only a comment\n",
    "---\n",
    "---\n---\n...\n",
    "# a\n---\n# b\n",
    "%YAML 1.2\n---\n",
  ];
  test.each(EMPTY.map((text) => [JSON.stringify(text), text]))(
    "%s beside a campaign: a warning naming it, validate exits 0",
    async (_name, text) => {
      const dir = await tempDir({ "campaigns/a.yaml": CAMPAIGN, "campaigns/empty.yaml": text });
      const result = await runCli(["validate"], dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        "campaigns/empty.yaml:1:1: warning empty-campaign-file: campaigns/empty.yaml holds no campaign (it is empty, or only comments or ---)",
      );
      expect(result.stdout).toContain("1 campaign valid, 0 invalid, 1 warning");
    },
  );

  test("an empty directory, or one of only empty files: validate and plan say where they looked and exit 0", async () => {
    const empty = await tempDir({ "campaigns/.keep": "" });
    const onlyEmpty = await tempDir({ "campaigns/a.yaml": "# gone\n", "campaigns/b.yml": "" });
    for (const [dir, found] of [
      [empty, "no .yaml or .yml files"],
      [onlyEmpty, "2 files, none holding a campaign"],
    ] as const) {
      const validate = await runCli(["validate"], dir);
      expect(validate.code).toBe(0);
      expect(validate.stdout).toContain(
        `campaigns:1:1: warning no-campaigns: no campaigns found in campaigns (${found})`,
      );
      const json = JSON.parse((await runCli(["validate", "--format", "json"], dir)).stdout) as {
        valid: boolean;
        diagnostics: { code: string }[];
      };
      expect(json.valid).toBe(true);
      expect(json.diagnostics.map((d) => d.code)).toContain("no-campaigns");
      const plan = await runCli(["plan", "--detailed-exitcode"], dir);
      expect(plan.code).toBe(0);
      expect(plan.stdout + plan.stderr).toContain(`no campaigns found in campaigns (${found})`);
    }
  });
});

describe("a number reads as what is written, or is refused", () => {
  test.each(["0x6E", "0o156", "1.1e2", "110.0", "0110", ".inf", "-.inf", ".nan", "1e3", "00"])(
    "agentId: %s is refused at its position",
    async (written) => {
      const dir = await tempDir({ "c.yaml": CAMPAIGN.replace("agentId: 110", `agentId: ${written}`) });
      const result = await loadDir(dir, ["c.yaml"]);
      expect(result.campaigns[0]?.valid).toBe(false);
      expect(located(result).join("\n")).toMatch(/c\.yaml:\d+:10: error inexact-number: agentId is written as /);
    },
  );
  test.each(["110", "-5", "+7", "0", "0.5", "0.50", "12.25"])("%s is a plain decimal and is read", async (written) => {
    const dir = await tempDir({ "c.yaml": CAMPAIGN.replace("agentId: 110", `agentId: ${written}`) });
    expect(located(await loadDir(dir, ["c.yaml"])).join("\n")).not.toContain("inexact-number");
  });
});
