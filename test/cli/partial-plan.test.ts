import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { AppliedState } from "../../src/schema/generated/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

/** alpha in campaigns/one.yaml, bravo in campaigns/two.yaml, north-1 in campaigns/north/n.yaml: all submitted. */
async function project() {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({
    "campaigns/one.yaml": campaignYaml("alpha", "", ["919700000001"]),
    "campaigns/two.yaml": campaignYaml("bravo", "", ["919700000002"]),
    "campaigns/north/n.yaml": campaignYaml("north-1", "", ["919700000003"]),
  });
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
  const statePath = join(dir, ".campaign", "state.json");
  const state = async () => (await readStateFile(statePath))!;
  const editState = async (edit: (s: AppliedState) => void) => {
    const s = await state();
    edit(s);
    await writeFile(statePath, JSON.stringify(s));
  };
  expect((await cli("apply", "--auto-approve")).code).toBe(0);
  const creates = () => sim.stats().requests["create"] ?? 0;
  return { sim, dir, cli, state, editState, creates };
}

const names = (plan: { entries: { taskName: string }[] }) => plan.entries.map((e) => e.taskName);

describe("a plan over some files judges only those files", () => {
  test("campaign plan one-file.yaml says nothing of the other files' campaigns, only counts them (text, markdown, JSON)", async () => {
    const { dir, cli, state } = await project();
    expect(Object.fromEntries(Object.entries((await state()).campaigns).map(([n, c]) => [n, c.sourcePath]))).toEqual({
      alpha: "campaigns/one.yaml",
      bravo: "campaigns/two.yaml",
      "north-1": "campaigns/north/n.yaml",
    });
    await rm(join(dir, "campaigns/two.yaml"));

    const text = await cli("plan", "--detailed-exitcode", "campaigns/one.yaml");
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain("bravo");
    expect(text.stdout).not.toContain("north-1");
    expect(text.stdout).toContain(
      "2 campaigns in the state outside these paths were not considered.\nPlan: 0 to create, 1 unchanged.",
    );
    const markdown = await cli("plan", "--format", "markdown", "campaigns/one.yaml");
    expect(markdown.stdout).not.toContain("bravo");
    expect(markdown.stdout).toContain("2 campaigns in the state outside these paths were not considered.");
    const json = JSON.parse((await cli("plan", "--json", "campaigns/one.yaml")).stdout);
    expect(names(json)).toEqual(["alpha"]);
    expect(json.outsidePaths).toEqual({ campaigns: 2, unknown: [] });
    expect(json.findings).toEqual([]);

    // The whole campaigns directory (by default, or named) judges the whole state: bravo is orphaned.
    for (const args of [[], ["campaigns"], ["campaigns/"], ["."]]) {
      const whole = JSON.parse((await cli("plan", "--json", ...args)).stdout);
      expect(whole.entries).toContainEqual(expect.objectContaining({ taskName: "bravo", action: "orphaned" }));
      expect(whole.outsidePaths).toBeUndefined();
    }
  });

  test("a directory path judges the entries recorded inside it: a deleted file there is orphaned; the orphan hint points at cancel: true", async () => {
    const { dir, cli } = await project();
    await rm(join(dir, "campaigns/north/n.yaml"));
    await writeFile(join(dir, "campaigns/north/other.yaml"), campaignYaml("north-2", "", ["919700000004"]));
    const plan = await cli("plan", "campaigns/north");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("  - north-1 (orphaned)");
    expect(plan.stdout).toContain(
      "hint: removing the file does not cancel calls: to stop them, restore campaigns/north/n.yaml with cancel: true and apply",
    );
    expect(plan.stdout).not.toContain("alpha");
    expect(plan.stdout).toContain("2 campaigns in the state outside these paths were not considered.");
  });

  test("campaign apply PATHS submits what those paths declare and leaves the rest alone", async () => {
    const { dir, cli, creates, state } = await project();
    await rm(join(dir, "campaigns/two.yaml"));
    await writeFile(
      join(dir, "campaigns/one.yaml"),
      campaignYaml("alpha", "", ["919700000001"]) + "---\n" + campaignYaml("alpha-2", "", ["919700000005"]),
    );
    const before = creates();
    const applied = await cli("apply", "--auto-approve", "campaigns/one.yaml");
    expect(applied.code).toBe(0);
    expect(applied.stdout).not.toContain("bravo");
    expect(applied.stdout).toContain("2 campaigns in the state outside these paths were not considered.");
    expect(applied.stdout).toContain("Apply complete: 1 submitted");
    expect(creates()).toBe(before + 1);
    expect((await state()).campaigns["alpha-2"]!.sourcePath).toBe("campaigns/one.yaml");
  });

  test("an unknown outcome outside the paths is counted with its name and the way to resolve it; inside, its hint says refresh first", async () => {
    const { cli, editState } = await project();
    await editState((s) => {
      s.campaigns["bravo"]!.status = "unknown";
      s.campaigns["north-1"]!.status = "pending";
    });
    const outside = await cli("plan", "campaigns/one.yaml");
    expect(outside.code).toBe(0);
    expect(outside.stdout).toContain(
      '2 campaigns in the state outside these paths were not considered (2 of them unknown: "bravo", "north-1"; run campaign refresh, or campaign state resolve NAME --check).',
    );
    expect(JSON.parse((await cli("plan", "--json", "campaigns/one.yaml")).stdout).outsidePaths).toEqual({
      campaigns: 2,
      unknown: ["bravo", "north-1"],
    });
    const inside = await cli("plan", "campaigns/two.yaml");
    expect(inside.code).toBe(1);
    expect(inside.stdout).toContain(
      "hint: ask the platform: campaign refresh (or campaign state resolve bravo --check); only when it cannot tell",
    );
  });

  test("rename detection looks at the whole state; a move from outside the paths must be planned with them", async () => {
    const { dir, cli, creates } = await project();
    await rm(join(dir, "campaigns/two.yaml"));
    await writeFile(
      join(dir, "campaigns/one.yaml"),
      campaignYaml("alpha", "", ["919700000001"]) + "---\n" + campaignYaml("charlie", "", ["919700000002"]),
    );
    const copy = await cli("plan", "campaigns/one.yaml");
    expect(copy.code).toBe(1);
    expect(copy.stdout).toContain(
      'error looks-like-rename: "charlie" has the same definition as "bravo" (task 100002, still scheduled; recorded from campaigns/two.yaml, outside these paths): applying it would call the same 1 person again',
    );
    const before = creates();
    expect((await cli("apply", "--auto-approve", "campaigns/one.yaml")).code).toBe(1);
    expect(creates()).toBe(before);

    await writeFile(
      join(dir, "campaigns/one.yaml"),
      campaignYaml("alpha", "", ["919700000001"]) +
        "---\n" +
        campaignYaml("charlie", "renamedFrom: bravo\n", ["919700000002"]),
    );
    const scoped = await cli("plan", "campaigns/one.yaml");
    expect(scoped.code).toBe(1);
    expect(scoped.stdout).toContain(
      'error renamed-from-invalid: renamedFrom: "bravo" was declared in campaigns/two.yaml, outside these paths: this plan cannot tell whether it is still declared',
    );
    const whole = await cli("plan", "--detailed-exitcode");
    expect(whole.code).toBe(2);
    expect(whole.stdout).toContain("  → bravo is now charlie  (campaigns/one.yaml:");
  });

  test("a state written before source files and name-free hashes were recorded still plans; renamedFrom works against it", async () => {
    const { dir, cli, editState, state, creates } = await project();
    await editState((s) => {
      for (const c of Object.values(s.campaigns)) {
        delete c.sourcePath;
        delete c.identityFreeHash;
      }
    });
    // With paths, entries without a recorded file are outside; the whole plan judges them all.
    const scoped = JSON.parse((await cli("plan", "--json", "campaigns/one.yaml")).stdout);
    expect(names(scoped)).toEqual(["alpha"]);
    expect(scoped.outsidePaths).toEqual({ campaigns: 2, unknown: [] });
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(0);

    // No name-free hash to compare: the copy is only a same-recipients warning...
    await rm(join(dir, "campaigns/two.yaml"));
    await writeFile(join(dir, "campaigns/three.yaml"), campaignYaml("charlie", "", ["919700000002"]));
    const copy = await cli("plan");
    expect(copy.stdout).not.toContain("looks-like-rename");
    expect(copy.stdout).toContain(
      'warning same-recipients-as-orphan: "charlie" calls the same 1 person as "bravo" (task 100002, still scheduled)',
    );
    // ...and renamedFrom is checked against the old full hash, computed under the old name.
    await writeFile(
      join(dir, "campaigns/three.yaml"),
      campaignYaml("charlie", "renamedFrom: bravo\n", ["919700000002"]),
    );
    const before = creates();
    const moved = await cli("apply", "--auto-approve");
    expect(moved.code).toBe(0);
    expect(creates()).toBe(before);
    expect((await state()).campaigns["charlie"]).toMatchObject({
      sourcePath: "campaigns/three.yaml",
      renamedFrom: "bravo",
      identityFreeHash: expect.stringMatching(/^hmac-sha256:/),
    });
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(0);
  });
});
