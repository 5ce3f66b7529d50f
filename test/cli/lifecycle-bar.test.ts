import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fakePlatform, ok } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, runCli, tempDir } from "../helpers.js";

// The Bar of issue 15 (recall rounds, renames, partial plans) against the independent fake
// platform: every request is scripted; an unexpected one, or an answer left unused, fails.

const NUMBERS = ["919700000001", "919700000002"];
const recall = (interval: number) =>
  `recallFlow:\n  recallType: 1\n  recallInterval: ${interval}\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n`;

async function project(files: Record<string, string>, config = "") {
  const fake = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({ "campaign.config.yaml": config || "api:\n  timezone: Asia/Shanghai\n", ...files });
  const cli = (...args: string[]) => runCli(args, dir, fake.env, fake.now());
  return { fake, dir, cli };
}

describe("issue 15 against an independent fake platform", () => {
  // daytimeNow is 12:00 UTC (17:30 in India); sendTime is read in Asia/Shanghai (UTC+8).
  // The first round rings 2026-11-26 17:30 IST; its recall round 4 h later at 21:30 IST.
  test("a recall round that would ring at 21:30 callee time: plan exits 1, apply sends nothing; a 2-hour interval plans fine", async () => {
    const late = await project({
      "campaigns/a.yaml": campaignYaml("dues-north", `sendTime: "2026-11-26 20:00:00"\n${recall(240)}`, NUMBERS),
    });
    const plan = await late.cli("plan", "--detailed-exitcode");
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toMatch(
      /recall round 1 of "dues-north" would ring from 21:30 in IN \(Asia\/(Calcutta|Kolkata)\)/,
    );
    const json = JSON.parse((await late.cli("plan", "--json")).stdout) as {
      findings: { code: string; message: string }[];
    };
    expect(json.findings.map((f) => f.code)).toContain("calling-hours");
    expect((await late.cli("plan", "--format", "markdown")).stdout).toContain("recall round 1");
    const apply = await late.cli("apply", "--auto-approve");
    expect(apply.code).toBe(1);
    expect(late.fake.requests).toEqual([]);

    const fine = await project({
      "campaigns/a.yaml": campaignYaml("dues-north", `sendTime: "2026-11-26 20:00:00"\n${recall(120)}`, NUMBERS),
    });
    expect((await fine.cli("plan", "--detailed-exitcode")).code).toBe(2);
    fine.fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
    expect((await fine.cli("apply", "--auto-approve")).code).toBe(0);
    fine.fake.done();
  });

  test("renaming a submitted campaign: plan exits 1 naming the old name, apply sends nothing; with renamedFrom no request and the next plan is clean", async () => {
    const { fake, dir, cli } = await project(
      { "campaigns/a.yaml": campaignYaml("first-name", "", NUMBERS) },
      "guards:\n  callingHours: false\n",
    );
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "first-name", ok(5000));
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    fake.done();
    const sent = fake.requests.length;

    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("second-name", "", NUMBERS));
    const plan = await cli("plan", "--detailed-exitcode");
    expect(plan.code).toBe(1);
    expect(plan.stdout + plan.stderr).toContain(
      '"second-name" has the same definition as "first-name" (task 5000, still scheduled)',
    );
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(fake.requests.length).toBe(sent);

    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("second-name", "renamedFrom: first-name\n", NUMBERS));
    const move = await cli("plan", "--detailed-exitcode");
    expect(move.code).toBe(2);
    expect(move.stdout).toContain("first-name is now second-name");
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    const clean = await cli("plan", "--detailed-exitcode");
    expect(clean.code).toBe(0);
    expect(fake.requests.length).toBe(sent);
  });

  test("campaign plan one-file.yaml says nothing about the campaigns of other files", async () => {
    const { fake, dir, cli } = await project(
      {
        "campaigns/a.yaml": campaignYaml("alpha", "", [NUMBERS[0]!]),
        "campaigns/b.yaml": campaignYaml("bravo", "", [NUMBERS[1]!]),
      },
      "guards:\n  callingHours: false\n",
    );
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "alpha", ok(5001));
    fake.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "bravo", ok(5002));
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    fake.done();
    await rm(join(dir, "campaigns/b.yaml"));
    const whole = await cli("plan");
    expect(whole.stdout).toContain("bravo"); // the whole plan sees the orphan …
    for (const format of ["text", "markdown", "json"]) {
      const one = await cli("plan", "campaigns/a.yaml", "--detailed-exitcode", "--format", format);
      expect(one.code, format).toBe(0);
      expect(one.stdout, format).not.toContain("bravo"); // … a plan of one file does not
      if (format !== "json")
        expect(one.stdout, format).toContain("1 campaign in the state outside these paths was not considered");
    }
    expect(fake.requests.length).toBe(2);
  });
});
