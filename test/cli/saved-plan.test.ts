import { execFileSync } from "node:child_process";
import { readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { CampaignPlan } from "../../src/schema/generated/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

async function project(files: Record<string, string>) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir(files);
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
  const creates = () => sim.stats().requests["create"] ?? 0;
  return { sim, dir, cli, creates };
}

type Edit = [string, (plan: CampaignPlan) => void];

/** One edit per class of field a saved plan holds: whatever it touches, the MAC no longer matches. */
const EDITS: Edit[] = [
  ["action create → cancel", (p) => void (p.entries.find((e) => e.action === "create")!.action = "cancel")],
  ["action create → retry", (p) => void (p.entries.find((e) => e.action === "create")!.action = "retry")],
  ["action unchanged → create", (p) => void (p.entries.find((e) => e.action === "unchanged")!.action = "create")],
  ["serial", (p) => void (p.state.serial += 1)],
  ["lineage", (p) => void (p.state.lineage = "00000000-0000-4000-8000-000000000000")],
  ["definitionHash", (p) => void (p.entries[0]!.definitionHash = `hmac-sha256:${"0".repeat(64)}`)],
  ["createdAt", (p) => void (p.createdAt = "2020-01-01T00:00:00.000Z")],
  ["planId", (p) => void (p.planId = "another-plan")],
  ["paths", (p) => void (p.paths = ["campaigns/b.yaml"])],
  ["recipients", (p) => void (p.entries[0]!.recipients += 1)],
  ["entries reordered", (p) => void p.entries.reverse()],
  ["an entry removed", (p) => void p.entries.pop()],
  ["an entry added", (p) => void p.entries.push({ ...p.entries[0]!, taskName: "charlie" })],
  ["summary", (p) => void (p.summary.create += 1)],
  [
    "a finding added",
    (p) => void p.findings.push({ severity: "warning", code: "x", message: "reviewed", file: "a", line: 1, column: 1 }),
  ],
  ["a preview field", (p) => void (p.entries.find((e) => e.action === "create")!.fields = { maxCalls: 999 })],
  ["mac removed", (p) => void delete p.mac],
  ["mac of another plan", (p) => void (p.mac = `hmac-sha256:${"ab".repeat(32)}`)],
];

describe("a saved plan cannot be edited into something else", () => {
  test("each field class flipped: exit 3 (plan-tampered) and no request reaches the platform; the unedited plan still applies", async () => {
    const { cli, dir, creates } = await project({
      "campaigns/a.yaml": campaignYaml("alpha"),
      "campaigns/b.yaml": campaignYaml("bravo"),
    });
    expect((await cli("apply", "--auto-approve", "campaigns/a.yaml")).code).toBe(0);
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    const text = await readFile(join(dir, "plan.json"), "utf8");
    const state = (await readStateFile(join(dir, ".campaign", "state.json")))!;
    expect(text).not.toContain(state.salt);
    const sent = creates();
    for (const [name, edit] of EDITS) {
      const plan = JSON.parse(text) as CampaignPlan;
      edit(plan);
      await writeFile(join(dir, "edited.json"), JSON.stringify(plan, null, 2));
      const run = await cli("apply", "edited.json");
      expect(run.code, name).toBe(3);
      expect(run.stderr, name).toMatch(
        /error plan-tampered: the plan edited\.json (was changed after it was made|has no MAC)/,
      );
      expect(creates(), name).toBe(sent);
    }
    // Reformatting changes no content: the canonical form is what the MAC covers.
    await writeFile(join(dir, "compact.json"), JSON.stringify(JSON.parse(text)));
    const applied = await cli("apply", "compact.json");
    expect(applied.code).toBe(0);
    expect(creates()).toBe(sent + 1);
  });

  test("a plan cut short at any of several offsets is refused before any request (exit 3 once it reads as our plan, else 1)", async () => {
    const { cli, dir, creates } = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    const text = await readFile(join(dir, "plan.json"), "utf8");
    for (const cut of [0, 1, 5, 20, 45, 100, Math.floor(text.length / 2), text.length - 40, text.length - 3]) {
      await writeFile(join(dir, "cut.json"), text.slice(0, cut));
      const run = await cli("apply", "cut.json");
      expect(run.code, `cut at ${cut}`).toBe(cut >= 45 ? 3 : 1);
      expect(run.stderr).toMatch(/error plan-(tampered|invalid): /);
    }
    expect(creates()).toBe(0);
  });

  test("a campaign file, random JSON, an empty file or a FIFO passed as the plan: exit 1, named, no request", async () => {
    const { cli, dir, creates } = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    const cases: [string, string, RegExp][] = [
      [
        "campaign.json",
        campaignYaml("alpha"),
        /plan-invalid: campaign\.json is YAML \(a campaign or config file\?\), not a saved plan/,
      ],
      ["commented.plan", `# a comment\n---\n${campaignYaml("alpha")}`, /is YAML/],
      ["object.json", JSON.stringify({ taskName: "alpha", appId: "x" }), /object\.json is JSON but not a saved plan/],
      ["array.json", "[1, 2, 3]", /array\.json is JSON but not a saved plan/],
      ["number.json", "42", /number\.json is JSON but not a saved plan/],
      ["empty.json", "", /empty\.json is not a saved plan \(not JSON\)/],
      ["version.json", JSON.stringify({ formatVersion: 2, planId: "x" }), /version\.json has plan format 2/],
      // Never echoed: a number (or escape sequence) in a hostile file's version.
      [
        "hostile.json",
        JSON.stringify({ formatVersion: "call 919700000001 \u001b[2J", planId: "x" }),
        /hostile\.json has plan format \(a string\); this version reads format 1$/m,
      ],
      [
        "big.json",
        JSON.stringify({ formatVersion: 919700000001, planId: "x" }),
        /big\.json has plan format \(a number\)/,
      ],
    ];
    for (const [file, content, says] of cases) {
      await writeFile(join(dir, file), content);
      const run = await cli("apply", file);
      expect(run.code, file).toBe(1);
      expect(run.stderr, file).toMatch(says);
    }
    execFileSync("mkfifo", [join(dir, "pipe.json")]);
    const fifo = await cli("apply", "pipe.json");
    expect(fifo.code).toBe(1);
    expect(fifo.stderr).toContain("the plan file pipe.json is a FIFO (named pipe), not a regular file");
    expect(creates()).toBe(0);
  });

  test("a plan from another project (another state) is refused with exit 3", async () => {
    const here = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    const there = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    expect((await here.cli("apply", "--auto-approve")).code).toBe(0);
    expect((await there.cli("apply", "--auto-approve")).code).toBe(0);
    await writeFile(join(there.dir, "campaigns/b.yaml"), campaignYaml("bravo"));
    await writeFile(join(here.dir, "campaigns/b.yaml"), campaignYaml("bravo"));
    expect((await there.cli("plan", "--out", "plan.json")).code).toBe(0);
    await writeFile(join(here.dir, "foreign.json"), await readFile(join(there.dir, "plan.json")));
    const run = await here.cli("apply", "foreign.json");
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("belongs to another project or state: its MAC does not match");
    expect(here.creates()).toBe(1);
  });

  test("before any state: the salt stays in .campaign/state.json.new-salt (0600), never in the plan; without it the plan is refused", async () => {
    const { cli, dir, creates } = await project({ "campaigns/a.yaml": campaignYaml("first") });
    expect((await cli("plan", "--out", "p1.json")).code).toBe(0);
    const saltFile = join(dir, ".campaign", "state.json.new-salt");
    const salt = (await readFile(saltFile, "utf8")).trim();
    expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect((await stat(saltFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, "p1.json"), "utf8")).not.toContain(salt);
    // A second plan reuses the salt: both are bound to the state the first apply creates.
    expect((await cli("plan", "--out", "p2.json")).code).toBe(0);
    expect((await readFile(saltFile, "utf8")).trim()).toBe(salt);

    for (const [name, edit] of [
      ["lineage null → a lineage", (p: CampaignPlan) => void (p.state.lineage = p.state.newLineage!)],
      ["newLineage", (p: CampaignPlan) => void (p.state.newLineage = "x")],
      ["serial", (p: CampaignPlan) => void (p.state.serial = 3)],
    ] as Edit[]) {
      const plan = JSON.parse(await readFile(join(dir, "p1.json"), "utf8")) as CampaignPlan;
      edit(plan);
      await writeFile(join(dir, "edited.json"), JSON.stringify(plan));
      expect((await cli("apply", "edited.json")).code, name).toBe(3);
    }
    await writeFile(join(dir, "salt.keep"), await readFile(saltFile));
    await unlink(saltFile);
    const refused = await cli("apply", "p1.json");
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("cannot be checked: there is no state yet, and no .campaign/state.json.new-salt");
    expect(creates()).toBe(0);

    await writeFile(saltFile, await readFile(join(dir, "salt.keep")));
    const applied = await cli("apply", "p1.json");
    expect(applied.code).toBe(0);
    const state = (await readStateFile(join(dir, ".campaign", "state.json")))!;
    expect(state.salt).toBe(salt);
    expect(state.lineage).toBe(
      (JSON.parse(await readFile(join(dir, "p1.json"), "utf8")) as CampaignPlan).state.newLineage,
    );
    const stale = await cli("apply", "p2.json");
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain("was made before any state existed, and a state has been created since");
    // Once the state holds the salt, the next plan tidies the file away.
    expect((await cli("plan")).code).toBe(0);
    await expect(stat(saltFile)).rejects.toThrow();
    expect(creates()).toBe(1);
  });
});
