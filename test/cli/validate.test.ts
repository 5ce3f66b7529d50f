import { spawnSync } from "node:child_process";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, test } from "vitest";
import { validationReportSchema } from "../../src/schema/generated/index.js";
import { runCli, tempDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

describe("campaign validate", () => {
  test("the shipped examples are valid; the docs example warns only about its duplicate callee", async () => {
    const run = await runCli(["validate", join(REPO, "campaigns")], REPO);
    expect(run.code).toBe(0);
    const warnings = run.stdout.split("\n").filter((l) => / warning /.test(l));
    expect(warnings).toEqual([
      "campaigns/docs-example.yaml:19:19: warning duplicate-callee: calleeNumber 9197•••••001 is listed again (first at campaigns/docs-example.yaml:16); it would be called twice",
    ]);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("3 campaigns valid, 0 invalid, 1 warning");
  });

  test("every problem of every file in one run, compiler form with hints, exit 1", async () => {
    const dir = await tempDir();
    await cp(join(REPO, "test/fixtures/invalid"), join(dir, "campaigns"), { recursive: true });
    const run = await runCli(["validate"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "campaigns/recall-count-mismatch.yaml:10:14: error recall-count-mismatch: recallNum is 3 but nodeList has 2 entries\n  hint: give nodeList one entry per recall round (3), or set recallNum: 2\n",
    );
    expect(run.stdout).toContain("campaigns/yaml-syntax.yaml:7:1: error yaml-syntax:");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("0 campaigns valid, 16 invalid, 0 warnings");
    expect(run.stdout).not.toMatch(/\d{7,}/);
    expect(run.stderr).toBe("");
  });

  test("--format json (and --json) prints only a versioned report that matches its schema", async () => {
    const dir = await tempDir();
    await cp(join(REPO, "test/fixtures/duplicates"), join(dir, "campaigns"), { recursive: true });
    for (const args of [
      ["validate", "--format", "json"],
      ["--json", "validate"],
    ]) {
      const run = await runCli(args, dir);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      const ajv = new Ajv({ strict: false });
      expect(ajv.validate(validationReportSchema, report), JSON.stringify(ajv.errors)).toBe(true);
      expect(report).toMatchObject({
        formatVersion: 1,
        valid: false,
        summary: { campaigns: 2, valid: 1, invalid: 1, errors: 1, warnings: 2, recipients: 3 },
      });
      expect(run.stdout).not.toMatch(/\d{7,}/);
    }
  });

  test("--quiet leaves out warnings; markdown renders a table for pull requests", async () => {
    const dir = await tempDir();
    await cp(join(REPO, "test/fixtures/duplicates"), join(dir, "campaigns"), { recursive: true });
    const quiet = await runCli(["validate", "--quiet"], dir);
    expect(quiet.stdout).not.toMatch(/: warning /);
    expect(quiet.stdout).toContain("error duplicate-task-name");
    const markdown = await runCli(["validate", "--format", "markdown"], dir);
    expect(markdown.stdout).toContain("### Campaign validation: ❌ 1 campaign valid, 1 invalid, 2 warnings");
    expect(markdown.stdout).toContain("| error | `campaigns/b.yaml:2:1` | `duplicate-task-name` |");
  });

  test("a path that does not exist is an error with a hint, no stack trace", async () => {
    const dir = await tempDir();
    const run = await runCli(["validate", "missing/"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "error path-not-found: missing/ does not exist\n  hint: pass campaign files or directories, or set campaignsDir in the config\n",
    );
  });

  test("an invalid config fails validation before any campaign is read", async () => {
    const dir = await tempDir({
      ".campaignrc.json": '{"api": {"secret": "s3cr3t-value"}}',
      "campaigns/a.yaml": "taskName: t1\n",
    });
    const run = await runCli(["validate"], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(".campaignrc.json:1:10: error secret-in-config");
    expect(run.stdout).not.toContain("s3cr3t-value");
  });

  test("unknown commands and options exit 1 with usage help", async () => {
    const dir = await tempDir();
    expect((await runCli(["frobnicate"], dir)).code).toBe(1);
    expect((await runCli(["validate", "--format", "yaml"], dir)).code).toBe(1);
  });

  test("bin/campaign runs the built CLI: --version, --help and validate", () => {
    const bin = join(REPO, "bin", "campaign");
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnSync(bin, ["--help"], { encoding: "utf8" });
    expect(help.stdout).toContain("validate [paths...]");
    expect(help.stdout).toContain("Exit codes:");
    const validate = spawnSync(bin, ["validate", "campaigns/"], {
      cwd: REPO,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(validate.status).toBe(0);
    expect(validate.stdout).toContain("3 campaigns valid, 0 invalid, 1 warning");
  });
});
