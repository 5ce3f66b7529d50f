// Hostile and careless config files (issue 14): syntax errors at file:line:col, two config files
// at once, files that are not files or not UTF-8, YAML tricks, and JS configs that fail.
import { execFileSync } from "node:child_process";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { CAMPAIGN_HEAD, located, runCli, tempDir } from "../helpers.js";

const CAMPAIGN = `${CAMPAIGN_HEAD}numberInfoList: [{calleeNumber: "919700000001"}]\n`;
const JSON_CONFIG =
  '{\n  "campaignsDir": "campaigns",\n  "api": {\n    "timezone": "UTC",\n    "parallelism": 4\n  }\n}\n';
const YAML_CONFIG = "campaignsDir: campaigns\napi:\n  timezone: UTC\n  parallelism: 4\n";

async function diagnosticsOf(files: Record<string, string | Buffer>, configFile?: string): Promise<string[]> {
  const dir = await tempDir();
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return located(await loadConfig({ cwd: dir, env: {}, ...(configFile ? { configFile } : {}) }));
}

describe("a syntax error names file:line:col and what is wrong", () => {
  test.each([
    ["a missing comma", JSON_CONFIG.replace('"campaigns",', '"campaigns"'), "3:3"],
    ["a trailing comma", JSON_CONFIG.replace("4\n", "4,\n"), "6:3"],
    ["a comment", JSON_CONFIG.replace("{\n", "{\n  // note\n"), "2:3"],
    ["a misspelt literal", JSON_CONFIG.replace("4\n", "tru\n"), "5:20"],
    ["NaN", JSON_CONFIG.replace("4\n", "NaN\n"), "5:20"],
    ["single quotes", JSON_CONFIG.replace('"UTC"', "'UTC'"), "4:17"],
    ["an unterminated string", JSON_CONFIG.replace('"UTC"', '"UTC'), "4:22"],
    ["a trailing comma in a list", JSON_CONFIG.replace('"campaigns"', '["a",]'), "2:24"],
    ["a cut-off file", JSON_CONFIG.slice(0, -3), "6:4"],
    ["two values", `${JSON_CONFIG}{}\n`, "8:1"],
  ])("JSON with %s", async (_name, text, at) => {
    for (const file of ["campaign.config.json", ".campaignrc.json"]) {
      const [first, ...rest] = await diagnosticsOf({ [file]: text });
      expect(rest).toEqual([]);
      expect(first).toMatch(new RegExp(`^${file.replace(".", "\\.")}:${at}: error config-syntax: .+ \\(JSON\\)$`));
      // The text around the error is not quoted back: it could hold a secret.
      expect(first).not.toMatch(/is not valid JSON|"UTC|campaigns"/);
    }
  });

  test("package.json with a syntax error, and one whose campaign key is wrong, are reported at their place", async () => {
    expect(await diagnosticsOf({ "package.json": '{"name": "x",\n "campaign": {"campaignsDir": 5,}}\n' })).toEqual([
      expect.stringMatching(/^package\.json:2:33: error config-syntax: /),
    ]);
    expect(await diagnosticsOf({ "package.json": '{"name": "x",\n "campaign": {"campaignsDir": 5}}\n' })).toEqual([
      expect.stringMatching(/^package\.json:2:31: error wrong-type: campaignsDir must be a string/),
    ]);
  });

  test.each([
    ["a bad indent", "api:\n  timezone: UTC\n   parallelism: 4\n", "2:13", "yaml-syntax"],
    ["an unclosed flow map", "api: {timezone: UTC\n", "2:1", "yaml-syntax"],
    ["an unclosed quote", 'campaignsDir: "abc\n', "2:1", "yaml-syntax"],
    ["a tab indent", "api:\n\ttimezone: UTC\n", "2:1", "yaml-syntax"],
    ["a repeated key", "campaignsDir: a\ncampaignsDir: b\n", "2:1", "yaml-syntax"],
    ["a tag", "campaignsDir: !!binary abc\n", "1:15", "yaml-tag"],
    ["a JS tag", "api:\n  timezone: !!js/function 'x'\n", "2:13", "yaml-tag"],
    ["a merge key", "base: &b {timezone: UTC}\napi:\n  <<: *b\n", "3:3", "yaml-merge-key"],
    [
      "an alias bomb",
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(10).fill("*a").join(", ")}]\nc: [${Array(10).fill("*b").join(", ")}]\n`,
      "2:8",
      "yaml-alias",
    ],
    ["two documents", "campaignsDir: a\n---\ncampaignsDir: b\n", "3:1", "config-syntax"],
  ])("YAML with %s", async (_name, text, at, code) => {
    for (const file of ["campaign.config.yaml", ".campaignrc.yml", ".campaignrc"]) {
      const lines = await diagnosticsOf({ [file]: text });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines[0]).toMatch(new RegExp(`^${file.replace(/\./g, "\\.")}:${at}: error ${code}: `));
    }
  });

  test("through the CLI: exit 1, the position, no stack trace", async () => {
    const dir = await tempDir({
      "campaign.config.json": JSON_CONFIG.replace("4\n", "4,\n"),
      "campaigns/c.yaml": CAMPAIGN,
    });
    for (const command of [["validate"], ["plan"]]) {
      const result = await runCli(command, dir);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).toContain("campaign.config.json:6:3: error config-syntax:");
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("a key written twice in a JSON config is an error, not the last one silently", () => {
  test("at the top and inside an object, each at its line; tab-indented JSON without repeats still loads", async () => {
    const twice = JSON_CONFIG.replace(
      '"campaignsDir": "campaigns",',
      '"campaignsDir": "campaigns",\n  "campaignsDir": "other",',
    );
    expect(await diagnosticsOf({ "campaign.config.json": twice })).toEqual([
      'campaign.config.json:3:3: error config-duplicate-key: "campaignsDir" appears twice in its object; a JSON reader silently keeps the last one',
    ]);
    const nested = JSON_CONFIG.replace('"parallelism": 4', '"parallelism": 4,\n    "parallelism": 64');
    expect(await diagnosticsOf({ ".campaignrc.json": nested })).toEqual([
      '.campaignrc.json:6:5: error config-duplicate-key: "parallelism" appears twice in its object; a JSON reader silently keeps the last one',
    ]);
    const tabs = JSON_CONFIG.replace(/^ {2,4}/gm, "\t");
    expect(await diagnosticsOf({ "campaign.config.json": tabs })).toEqual([]);
  });
});

describe("invalid UTF-8, FIFOs, directories and big files as config", () => {
  test.each([
    ["campaign.config.yaml", YAML_CONFIG],
    ["campaign.config.json", JSON_CONFIG],
    ["package.json", '{"name": "x", "campaign": {"campaignsDir": "campaigns"}}\n'],
    ["campaign.config.mjs", 'export default { campaignsDir: "campaigns" };\n'],
  ])("%s with a bad byte: at its line and column, wherever it is", async (file, text) => {
    for (const offset of [0, text.indexOf("campaigns") + 4, text.length - 1]) {
      for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xb0, 0x80]]) {
        const bytes = Buffer.concat([
          Buffer.from(text.slice(0, offset)),
          Buffer.from(bad),
          Buffer.from(text.slice(offset)),
        ]);
        const before = text.slice(0, offset).split("\n");
        const at = `${before.length}:${before.at(-1)!.length + 1}`;
        expect(await diagnosticsOf({ [file]: bytes })).toEqual([
          `${file}:${at}: error invalid-utf8: config file ${file} is not valid UTF-8 (line ${at.replace(":", ", column ")})`,
        ]);
      }
    }
  });

  test("a FIFO found by the search or given with --config, a directory given with --config", async () => {
    const dir = await tempDir();
    execFileSync("mkfifo", [join(dir, ".campaignrc.json"), join(dir, "given.yaml")]);
    expect(await loadConfigLines(dir)).toEqual([
      ".campaignrc.json:1:1: error file-not-regular: config file .campaignrc.json is a FIFO (named pipe), not a regular file",
    ]);
    expect(await loadConfigLines(dir, "given.yaml")).toEqual([
      "given.yaml:1:1: error file-not-regular: config file given.yaml is a FIFO (named pipe), not a regular file",
    ]);
    await mkdir(join(dir, "conf.d"));
    const result = await runCli(["validate", "--config", "conf.d"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "conf.d:1:1: error file-not-regular: config file conf.d is a directory, not a regular file",
    );
    const devices = await runCli(["plan", "--config", "/dev/zero"], dir);
    expect(devices.code).toBe(1);
    expect(devices.stderr).toContain(
      "/dev/zero:1:1: error file-not-regular: config file /dev/zero is a character device, not a regular file",
    );
  });

  test("a config file over 1 MiB is refused before it is read, naming the limit", async () => {
    const dir = await tempDir();
    const handle = await open(join(dir, "campaign.config.yaml"), "w");
    await handle.truncate(5 * 1024 * 1024);
    await handle.close();
    expect(await loadConfigLines(dir)).toEqual([
      "campaign.config.yaml:1:1: error file-too-large: config file campaign.config.yaml is 5 MiB, more than the limit of 1 MiB",
    ]);
  });

  async function loadConfigLines(dir: string, configFile?: string): Promise<string[]> {
    return located(await loadConfig({ cwd: dir, env: {}, ...(configFile ? { configFile } : {}) }));
  }
});

describe("two config files in one directory are an error naming both", () => {
  const PACKAGE = JSON.stringify({ name: "x", campaign: { campaignsDir: "campaigns" } });
  test.each([
    ["campaign.config.yaml", ".campaignrc.json"],
    [".campaignrc", "campaign.config.yml"],
    [".campaignrc.yaml", "campaign.config.mjs"],
    ["campaign.config.json", "campaign.config.cjs"],
    ["package.json", "campaign.config.yaml"],
    ["package.json", ".campaignrc.js"],
  ])("%s and %s", async (a, b) => {
    const content = (name: string): string =>
      name === "package.json"
        ? PACKAGE
        : /js$/.test(name)
          ? name.endsWith("cjs")
            ? "module.exports = {};\n"
            : "export default {};\n"
          : name.endsWith("json")
            ? "{}\n"
            : "campaignsDir: campaigns\n";
    const dir = await tempDir({ [a]: content(a), [b]: content(b), "campaigns/c.yaml": CAMPAIGN });
    const named = (name: string): string => (name === "package.json" ? 'package.json (its "campaign" key)' : name);
    const [first, second] = [a, b].sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y));
    const message = `error config-conflict: 2 config files in .: ${named(first!)} and ${named(second!)}; only one may configure the tool`;
    const result = await runCli(["validate"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${first}:1:1: ${message}`);
    expect((await runCli(["plan"], dir)).stderr).toContain(message);
  });

  test("a package.json without a campaign key, or an empty config file, is no second config", async () => {
    const dir = await tempDir({
      "package.json": '{"name": "x"}',
      ".campaignrc.json": "  \n",
      "campaign.config.yaml": "campaignsDir: flows\n",
    });
    const { settings, diagnostics } = await loadConfig({ cwd: dir, env: {} });
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({ configFile: "campaign.config.yaml", campaignsDir: "flows" });
  });

  test("the nearest directory with a config decides; one in a parent is not a second", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "campaignsDir: outer\n",
      "sub/.campaignrc.yaml": "campaignsDir: inner\n",
    });
    const { settings, diagnostics, projectRoot } = await loadConfig({ cwd: join(dir, "sub"), env: {} });
    expect(diagnostics).toEqual([]);
    expect(settings.campaignsDir).toBe("inner");
    expect(projectRoot).toBe(join(dir, "sub"));
  });
});

const ORDER = [
  "package.json",
  ".campaignrc",
  ".campaignrc.json",
  ".campaignrc.yaml",
  ".campaignrc.yml",
  ".campaignrc.js",
  ".campaignrc.mjs",
  ".campaignrc.cjs",
  "campaign.config.json",
  "campaign.config.yaml",
  "campaign.config.yml",
  "campaign.config.js",
  "campaign.config.mjs",
  "campaign.config.cjs",
];

describe("a JS config that fails is config-invalid naming the file and the error, no stack trace", () => {
  test.each([
    [
      "campaign.config.mjs",
      'throw new Error("boom: the settings service is down\\nsecond line");\n',
      "failed to load: boom: the settings service is down",
    ],
    // A syntax error's first line is Node's ("SyntaxError: Unexpected token ';'"); under vitest, vite's.
    ["campaign.config.mjs", "export default { campaignsDir: ;\n", "failed to load: "],
    [
      "campaign.config.mjs",
      'export default () => { throw new TypeError("no settings"); };\n',
      "failed to load: TypeError: no settings",
    ],
    [
      "campaign.config.mjs",
      'export default async () => { throw new Error("rejected later"); };\n',
      "failed to load: rejected later",
    ],
    [
      "campaign.config.mjs",
      'export default Promise.reject(new Error("rejected at once"));\n',
      "failed to load: rejected at once",
    ],
    ["campaign.config.cjs", 'throw new RangeError("cjs says no");\n', "failed to load: RangeError: cjs says no"],
    ["campaign.config.cjs", "module.exports = { campaignsDir: };\n", "failed to load: "],
    [
      "campaign.config.mjs",
      'import "./missing-module.mjs";\nexport default {};\n',
      "failed to load: Cannot find module",
    ],
    ["campaign.config.mjs", "throw 42;\n", "failed to load: 42"],
  ])("%s: %s", async (file, code, expected) => {
    const dir = await tempDir({ [file]: code, "campaigns/c.yaml": CAMPAIGN });
    for (const command of [["validate"], ["plan"], ["validate", "--format", "json"]]) {
      const result = await runCli(command, dir);
      expect(result.code).toBe(1);
      const output = result.stdout + result.stderr;
      expect(output).toContain("config-invalid");
      expect(output).toContain(`config file ${file} ${expected}`);
      expect(output).not.toMatch(/\n\s+at |second line/);
    }
  });

  test("a number in what a JS config throws is masked", async () => {
    const dir = await tempDir({
      "campaign.config.mjs": 'throw new Error("cannot call +91 97000 00001 or 919700000002");\n',
    });
    const result = await runCli(["validate"], dir);
    expect(result.stderr).toContain("config file campaign.config.mjs failed to load: cannot call");
    expect(result.stderr.replace(/\D/g, "")).not.toMatch(/9700000|97000/);
  });

  test("a JS config may export the settings, a promise of them or a function returning them", async () => {
    for (const code of [
      'export default { campaignsDir: "flows" };',
      'export default Promise.resolve({ campaignsDir: "flows" });',
      'export default async () => ({ campaignsDir: "flows" });',
      'module.exports = () => ({ campaignsDir: "flows" });',
    ]) {
      const file = code.startsWith("module") ? "campaign.config.cjs" : "campaign.config.mjs";
      const dir = await tempDir({ [file]: `${code}\n` });
      const { settings, diagnostics } = await loadConfig({ cwd: dir, env: {} });
      expect(diagnostics).toEqual([]);
      expect(settings.campaignsDir).toBe("flows");
    }
  });
});
