import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { describeFailure } from "../../src/cli/failure.js";
import { errorDocument, renderFailure } from "../../src/views/error.js";
import { ToolError } from "../../src/errors/index.js";
import { errorSchema, validationReportSchema } from "../../src/schema/generated/index.js";
import { campaignYaml, runCli, tempDir } from "../helpers.js";

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(validationReportSchema);
const validErrorDocument = ajv.compile(errorSchema);

/** Every command, with the arguments it needs to get past commander. */
const COMMANDS: Record<string, string[]> = {
  validate: ["validate"],
  plan: ["plan"],
  "plan --out": ["plan", "--out", "plan.json"],
  apply: ["apply", "--auto-approve"],
  "state list": ["state", "list"],
  "state show": ["state", "show", "some-campaign"],
  "state resolve": ["state", "resolve", "some-campaign", "--not-submitted"],
  "state forget": ["state", "forget", "some-campaign"],
  "state migrate": ["state", "migrate", "--to", "file"],
  refresh: ["refresh"],
  "force-unlock": ["force-unlock", "lock-id"],
  receive: ["receive", "--port", "0"],
  outcomes: ["outcomes"],
  "outcomes --out": ["outcomes", "--out", "o.json"],
  "reports import": ["reports", "import", "reports.ndjson"],
  doctor: ["doctor"],
};

/** Ways to fail: each changes the workspace, the arguments or the environment. */
interface FailureKind {
  files?: Record<string, string>;
  args?: (args: string[]) => string[];
  env?: Record<string, string>;
  /** Commands this kind does not apply to (e.g. they read no config). */
  skip?: string[];
}
const KINDS: Record<string, FailureKind> = {
  "unknown option": { args: (a) => [...a, "--no-such-option"] },
  "extra argument": { args: (a) => [...a, "one", "two", "three"], skip: ["validate", "plan", "plan --out", "apply"] },
  "config syntax error": { files: { "campaign.config.yaml": "campaignsDir: [unclosed\n" } },
  "config schema error": { files: { "campaign.config.yaml": "api:\n  parallelism: lots\n" } },
  "missing --config file": { args: (a) => ["--config", "nope.yaml", ...a] },
  "invalid LAAFFIC_BASE_URL": { env: { LAAFFIC_BASE_URL: "ftp://example.com" } },
  "short CAMPAIGN_RECEIVER_TOKEN": { env: { CAMPAIGN_RECEIVER_TOKEN: "short" } },
  "corrupt state file": {
    files: { ".campaign/state.json": "{ not json" },
    skip: ["validate", "receive", "reports import", "outcomes", "outcomes --out"],
  },
  "invalid campaign": {
    files: { "campaigns/bad.yaml": "taskName: x\n" },
    skip: [
      "state list",
      "state show",
      "state resolve",
      "state forget",
      "state migrate",
      "refresh",
      "force-unlock",
      "receive",
      "outcomes",
      "outcomes --out",
      "reports import",
    ],
  },
  "missing paths": {
    args: (a) => [...a, "no-such-dir"],
    skip: Object.keys(COMMANDS).filter((c) => !["validate", "plan", "plan --out", "apply"].includes(c)),
  },
  "report store is not SQLite": {
    files: { ".campaign/reports.db": "this is a text file, not a database\n" },
    skip: Object.keys(COMMANDS).filter((c) => !["receive", "outcomes", "outcomes --out", "reports import"].includes(c)),
  },
};

const WORKSPACE = {
  "campaign.config.yaml": "guards:\n  callingHours: false\n",
  "campaigns/a.yaml": campaignYaml("json-errors"),
  "reports.ndjson": '{"voiceId":"v1"}\n',
};

/** stdout is exactly one JSON document: the command's own (validate, plan) or the error document. */
function expectOneDocument(stdout: string, what: string): Record<string, unknown> {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`${what}: stdout is not one JSON document:\n${stdout}`);
  }
  if ("error" in document)
    expect(validErrorDocument(document), `${what}: ${JSON.stringify(validErrorDocument.errors)}`).toBe(true);
  else expect(document, what).toMatchObject({ formatVersion: 1 });
  return document;
}

describe("--format json: one JSON document on stdout, also on failure", () => {
  for (const [kindName, kind] of Object.entries(KINDS)) {
    test(`every command × ${kindName}`, async () => {
      const dir = await tempDir({ ...WORKSPACE, ...kind.files });
      let checked = 0;
      for (const [name, base] of Object.entries(COMMANDS)) {
        if (kind.skip?.includes(name)) continue;
        for (const flag of [["--json"], ["--format", "json"], ["--format=json"]]) {
          const args = kind.args ? kind.args(base) : base;
          const run = await runCli([...flag, ...args], dir, kind.env ?? {});
          const what = `${kindName}: campaign ${flag.join(" ")} ${args.join(" ")} (exit ${run.code}; stderr ${run.stderr})`;
          expect(run.code, what).not.toBe(0);
          expectOneDocument(run.stdout, what);
          expect(run.stderr, what).not.toMatch(/\n\s+at .*:\d+:\d+/);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  test("the flag may come after the command, and text mode has no JSON", async () => {
    const dir = await tempDir(WORKSPACE);
    const after = await runCli(["outcomes", "--json"], dir);
    expect(expectOneDocument(after.stdout, "outcomes --json")).toMatchObject({
      error: { code: "not-found", file: ".campaign/reports.db" },
    });
    const text = await runCli(["outcomes"], dir);
    expect(text.stdout).toBe("");
    expect(text.stderr).toContain("error not-found: the report store .campaign/reports.db does not exist");
  });

  test("invalid campaigns: the diagnostics are in the document, file:line:column from the first error", async () => {
    const dir = await tempDir({
      ...WORKSPACE,
      "campaigns/b.yaml": "taskName: ok-name\nappId: A\nagentId: 1\nmaxCalls: -5\nnumberInfoList: []\n",
    });
    for (const command of [["plan"], ["apply", "--auto-approve"]]) {
      const run = await runCli(["--json", ...command], dir);
      const document = expectOneDocument(run.stdout, command.join(" ")) as {
        error: {
          code: string;
          file: string;
          line: number;
          column: number;
          diagnostics: { severity: string; file: string; line: number; column: number }[];
        };
      };
      expect(document.error.code).toBe("invalid-input");
      const first = document.error.diagnostics.find((d) => d.severity === "error")!;
      expect(document.error).toMatchObject({ file: "campaigns/b.yaml", line: first.line, column: first.column });
    }
  });

  test("no command at all, help and version", async () => {
    const dir = await tempDir(WORKSPACE);
    expect(expectOneDocument((await runCli(["--json"], dir)).stdout, "no command")).toMatchObject({
      error: { code: "usage", message: "no command given" },
    });
    expect(expectOneDocument((await runCli(["--json", "state"], dir)).stdout, "state")).toMatchObject({
      error: { code: "usage" },
    });
    expect(await runCli(["--json", "--version"], dir)).toMatchObject({ code: 0 });
  });
});

describe("internal errors (bugs)", () => {
  const env = { LAAFFIC_API_SECRET: "s3cr3t-value-xyz" };
  const bug = new TypeError("cannot read 919700000001 with s3cr3t-value-xyz");

  test("no stack trace unless CAMPAIGN_DEBUG=1; masked; code internal in JSON", () => {
    const failure = describeFailure(bug, env)!;
    const text = renderFailure(failure, env);
    expect(text).toContain("internal error: cannot read 9197•••••001 with [secret]");
    expect(text).toContain("this is a bug");
    expect(text).not.toContain(" at ");
    expect(renderFailure(failure, { ...env, CAMPAIGN_DEBUG: "1" })).toMatch(/\n\s+at /);
    const document = JSON.parse(errorDocument(failure));
    expect(validErrorDocument(document)).toBe(true);
    expect(document.error.code).toBe("internal");
    expect(JSON.stringify(document)).not.toMatch(/919700000001|s3cr3t/);
  });

  test("a ToolError with a position renders in compiler form", () => {
    const failure = describeFailure(
      new ToolError("file-unreadable", "reports.ndjson is not valid UTF-8 (line 3, column 7)", "fix it", {
        file: "reports.ndjson",
        line: 3,
        column: 7,
      }),
      {},
    )!;
    expect(renderFailure(failure, {})).toBe(
      "reports.ndjson:3:7: error file-unreadable: reports.ndjson is not valid UTF-8 (line 3, column 7)\n  hint: fix it\n",
    );
  });
});
