import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { validators } from "../../src/schema/validators.js";
import { fakePlatform, ok } from "../fakes/platform.js";
import { daytimeNow, runCli, tempDir } from "../helpers.js";

// Issue 18, sections 1 and 3 (extends, forEach), against the independent fake platform: every
// request is scripted; an unexpected one, or an answer left unused, fails the test.

const REPO = join(import.meta.dirname, "..", "..");
const CONFIG = "api:\n  timezone: Asia/Shanghai\nguards:\n  callingHours: false\n";

// The docs' example campaign split in two: what every campaign of the team shares, and the rest.
const DOCS_BASE = `# yaml-language-server: $schema=../schemas/generated/campaign-partial.schema.json
appId: Jgd8oFei
displayNum: "123456"
maxCalls: 300
maxRingingTime: 60
agentId: 110
enableRecording: 1
calloutRate: 1
recallFlow:
  recallType: 3
  recallInterval: 10
  recallNum: 1
  nodeList:
    - agentId: "110"
  recallIntent: ["99999"]
`;
const DOCS_CAMPAIGN = `extends: _base.yaml
taskName: docs-example
description: The LAAFFIC docs' example request, as a campaign file.
sendTime: "2030-04-01 14:00:00"
numberInfoList:
  - calleeNumber: "919700000001"
    text1: Asha
    text2: "2030-04-05"
  - calleeNumber: "919700000001"
    text1: Asha
    text2: "2030-04-05"
`;

const BASE = `appId: Jgd8oFei
agentId: 110
maxCalls: 120
`;
const NUMBERS = 'numberInfoList:\n  - calleeNumber: "919700000001"\n';
const DUES = `# yaml-language-server: $schema=../schemas/generated/campaign-partial.schema.json
extends: _base.yaml
forEach: regions.csv
taskName: dues-\${region}
sendTime: "\${date} 14:00:00"
${NUMBERS}`;
const REGIONS = "region,date\nnorth,2030-05-02\nsouth,2030-05-03\neast,2030-05-04\n";

async function project(files: Record<string, string>) {
  const fake = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({ "campaign.config.yaml": CONFIG, ...files });
  const cli = (...args: string[]) => runCli(args, dir, fake.env, fake.now());
  return { fake, dir, cli };
}

type Plan = { entries: { taskName: string; action: string; file?: string; line?: number; row?: unknown }[] };

describe("extends against the fake platform", () => {
  test("a campaign extending _base.yaml sends exactly the docs' example body, and _base.yaml is no campaign", async () => {
    const { fake, cli } = await project({
      "campaigns/_base.yaml": DOCS_BASE,
      "campaigns/docs-example.yaml": DOCS_CAMPAIGN,
    });
    const validate = await cli("validate", "--json");
    expect(validate.code).toBe(0);
    expect(JSON.parse(validate.stdout).campaigns.map((c: { taskName: string }) => c.taskName)).toEqual([
      "docs-example",
    ]);

    const golden = JSON.parse(await readFile(join(REPO, "test/fixtures/laaffic/docs-example-body.json"), "utf8"));
    const expected = { ...golden, sendTime: "2030-04-01 14:00:00" };
    fake.expect("POST /voice/group/call/send/agent", expected, ok(5000));
    const apply = await cli("apply", "--auto-approve");
    expect(apply.code).toBe(0);
    fake.done();
    // Same names, types and order as the docs; the tool's own fields (extends, description) are never sent.
    expect(JSON.stringify(fake.requests[0]!.body)).toBe(JSON.stringify(expected));
  });

  test("an error in a base is reported at the base's line, naming the campaign, in text, markdown and JSON; nothing is sent", async () => {
    const { fake, cli } = await project({
      "campaigns/_base.yaml": BASE.replace("maxCalls: 120", "maxCalls: 5000"),
      "campaigns/a.yaml": `extends: _base.yaml\ntaskName: alpha\n${NUMBERS}`,
    });
    const line =
      "campaigns/_base.yaml:3:11: error out-of-range: maxCalls is 5000 but must be at most 999; in campaign alpha (campaigns/a.yaml:1)";
    const text = await cli("plan");
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toContain(line);
    const validate = await cli("validate", "--format", "markdown");
    expect(validate.stdout).toContain(
      "| error | `campaigns/_base.yaml:3:11` | `out-of-range` | maxCalls is 5000 but must be at most 999; in campaign alpha (campaigns/a.yaml:1)",
    );
    const json = JSON.parse((await cli("plan", "--json")).stdout);
    expect(json.error.diagnostics).toEqual([
      expect.objectContaining({
        file: "campaigns/_base.yaml",
        line: 3,
        column: 11,
        code: "out-of-range",
        related: [{ file: "campaigns/a.yaml", line: 1, column: 1, message: "in campaign alpha" }],
      }),
    ]);
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(fake.requests).toEqual([]);
  });

  test("editing a base after apply: every campaign it changes is blocked, a new one is a create, others stay unchanged", async () => {
    const { fake, dir, cli } = await project({
      "campaigns/_base.yaml": BASE,
      "campaigns/a.yaml": `extends: _base.yaml\ntaskName: alpha\n${NUMBERS}`,
      "campaigns/dues.yaml": DUES,
      "campaigns/regions.csv": "region,date\nnorth,2030-05-02\n",
      "campaigns/z.yaml": `taskName: zeta\n${BASE}${NUMBERS}`,
    });
    let id = 7000;
    fake.expect(
      "POST /voice/group/call/send/agent",
      (b) => b.taskName === "alpha",
      () => ok(++id),
    );
    fake.expect(
      "POST /voice/group/call/send/agent",
      (b) => b.taskName === "dues-north",
      () => ok(++id),
    );
    fake.expect(
      "POST /voice/group/call/send/agent",
      (b) => b.taskName === "zeta",
      () => ok(++id),
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    fake.done();

    await writeFile(join(dir, "campaigns/_base.yaml"), BASE.replace("maxCalls: 120", "maxCalls: 90"));
    await writeFile(join(dir, "campaigns/b.yaml"), `extends: _base.yaml\ntaskName: beta\n${NUMBERS}`);
    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("  ! alpha  (campaigns/a.yaml:1)");
    expect(text.stdout).toContain("  ! dues-north  (campaigns/dues.yaml:2, campaigns/regions.csv:2)");
    expect(text.stdout).toContain("  + beta  (campaigns/b.yaml:1)");
    expect(text.stdout).toContain("~ maxCalls: 120 → 90");
    // The plan's own findings about a generated campaign name its row too.
    expect(text.stdout).toMatch(
      /campaigns\/dues\.yaml:2:1: error [a-z-]+: "dues-north" was submitted as task 7002 .*; row campaigns\/regions\.csv:2\n/,
    );
    expect(text.stdout).not.toContain("zeta");
    const json = JSON.parse((await cli("plan", "--json")).stdout) as Plan;
    expect(json.entries.map((e) => [e.taskName, e.action]).sort()).toEqual([
      ["alpha", "blocked"],
      ["beta", "create"],
      ["dues-north", "blocked"],
      ["zeta", "unchanged"],
    ]);
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });
});

describe("forEach against the fake platform", () => {
  test("three rows plan three campaigns, each named with its row, in text, markdown and JSON; apply submits the three", async () => {
    const { fake, dir, cli } = await project({
      "campaigns/_base.yaml": BASE,
      "campaigns/dues.yaml": DUES,
      "campaigns/regions.csv": REGIONS,
    });
    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("  + dues-north  (campaigns/dues.yaml:2, campaigns/regions.csv:2)");
    expect(text.stdout).toContain("  + dues-south  (campaigns/dues.yaml:2, campaigns/regions.csv:3)");
    expect(text.stdout).toContain("  + dues-east  (campaigns/dues.yaml:2, campaigns/regions.csv:4)");
    expect(text.stdout).toContain('sendTime   = "2030-05-03 14:00:00"');
    expect(text.stdout).toContain("Plan: 3 to create, 0 unchanged.");

    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.stdout).toMatch(
      /\| 🟢 create \| `dues-north` \| 1 \| `campaigns\/dues.yaml:2`, `campaigns\/regions.csv:2` \|/,
    );

    const json = JSON.parse((await cli("plan", "--json")).stdout);
    expect(validators().plan(json)).toBe(true);
    expect((json as Plan).entries.map((e) => [e.taskName, e.file, e.line, e.row])).toEqual([
      ["dues-east", "campaigns/dues.yaml", 2, { file: "campaigns/regions.csv", line: 4 }],
      ["dues-north", "campaigns/dues.yaml", 2, { file: "campaigns/regions.csv", line: 2 }],
      ["dues-south", "campaigns/dues.yaml", 2, { file: "campaigns/regions.csv", line: 3 }],
    ]);

    // Bases and rows files are inputs: no output may overwrite them.
    for (const target of ["campaigns/regions.csv", "campaigns/_base.yaml"]) {
      const refused = await cli("plan", "--out", target);
      expect(refused.code).toBe(1);
      expect(refused.stdout + refused.stderr).toContain(`file ${target}`);
    }
    expect(await readFile(join(dir, "campaigns/_base.yaml"), "utf8")).toBe(BASE);

    const rows: [string, string][] = [
      ["north", "2030-05-02"],
      ["south", "2030-05-03"],
      ["east", "2030-05-04"],
    ];
    rows.forEach(([region, date], i) =>
      fake.expect(
        "POST /voice/group/call/send/agent",
        (b) => b.taskName === `dues-${region}` && b.sendTime === `${date} 14:00:00` && !("forEach" in b),
        ok(1001 + i),
      ),
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    fake.done();
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(0);
  });

  test("a misspelt placeholder is an error at the template's line naming the row, in text, markdown and JSON; nothing is sent", async () => {
    const { fake, cli } = await project({
      "campaigns/_base.yaml": BASE,
      "campaigns/dues.yaml": DUES.replace("${date}", "${dtae}"),
      "campaigns/regions.csv": REGIONS,
    });
    const message =
      "sendTime names ${dtae}, but the forEach row campaigns/regions.csv:2 (and 2 more rows) has no such column — did you mean date?";
    const text = await cli("plan");
    expect(text.code).toBe(1);
    expect(text.stdout + text.stderr).toContain(`campaigns/dues.yaml:5:11: error unknown-placeholder: ${message}`);
    const validate = await cli("validate", "--format", "markdown");
    expect(validate.stdout).toContain(`| error | \`campaigns/dues.yaml:5:11\` | \`unknown-placeholder\` | ${message}`);
    const json = JSON.parse((await cli("validate", "--json")).stdout);
    expect(json.valid).toBe(false);
    expect(json.diagnostics).toEqual([
      expect.objectContaining({
        file: "campaigns/dues.yaml",
        line: 5,
        column: 11,
        code: "unknown-placeholder",
        message,
      }),
    ]);
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(fake.requests).toEqual([]);
  });
});

describe("partials on the command line", () => {
  test("a partial folder given as the directory to search holds no campaigns; a partial named alone is skipped with a warning", async () => {
    const { cli } = await project({
      "campaigns/_shared/_base.yaml": BASE,
      "campaigns/_drafts/unfinished.yaml": "taskName: x\n",
      "campaigns/a.yaml": `extends: _shared/_base.yaml\ntaskName: alpha\n${NUMBERS}`,
    });
    const validate = await cli("validate");
    expect(validate.stdout).toBe("1 campaign valid, 0 invalid, 0 warnings\n");
    const named = await cli("validate", "campaigns/_shared/_base.yaml");
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("warning partial-not-a-campaign");
  });
});

describe("the shipped example", () => {
  test("examples/shared-bases: two bases, a forEach over three regions and a campaign of its own plan four campaigns", async () => {
    const run = await runCli(["validate", "--json", join(REPO, "examples/shared-bases/campaigns")], REPO);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { diagnostics: unknown[]; campaigns: { taskName: string }[] };
    expect(report.diagnostics).toEqual([]);
    expect((report.campaigns[1] as { row?: unknown }).row).toEqual({
      file: "examples/shared-bases/campaigns/regions.csv",
      line: 3,
    });
    expect(report.campaigns.map((c) => c.taskName)).toEqual([
      "dues-north-2030-05",
      "dues-south-2030-05",
      "dues-east-2030-05",
      "renewals-2030-05",
    ]);
  });
});
