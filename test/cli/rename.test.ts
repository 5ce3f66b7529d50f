import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { buildCreateTaskBody } from "../../src/laaffic/index.js";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const TWO = ["919700000001", "919700000002"];

/** A project with one submitted campaign, `first-name` (2 people), in campaigns/a.yaml. */
async function submitted(extra = "") {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("first-name", extra, TWO) });
  const env = simulatorEnv(sim);
  const cli = (...args: string[]) => runCli(args, dir, env, daytimeNow());
  const state = async () => (await readStateFile(join(dir, ".campaign", "state.json")))!;
  expect((await cli("apply", "--auto-approve")).code).toBe(0);
  const creates = () => sim.stats().requests["create"] ?? 0;
  return { sim, dir, env, cli, state, creates };
}

/** Moves a.yaml's campaign to b.yaml under a new name, `extra` YAML lines added. */
async function renameTo(dir: string, name: string, extra = "") {
  await rm(join(dir, "campaigns/a.yaml"), { force: true });
  await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml(name, extra, TWO));
}

describe("a rename is not a new campaign", () => {
  test("the state records a name-free hash and the source file; a rename without renamedFrom is refused in text, markdown and JSON, and apply sends nothing", async () => {
    const { dir, cli, state, creates } = await submitted();
    const entry = (await state()).campaigns["first-name"]!;
    expect(entry.sourcePath).toBe("campaigns/a.yaml");
    expect(entry.identityFreeHash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(entry.identityFreeHash).not.toBe(entry.definitionHash);
    await renameTo(dir, "second-name");
    const message =
      '"second-name" has the same definition as "first-name" (task 100001, still scheduled): applying it would call the same 2 people again';

    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`campaigns/b.yaml:1:1: error looks-like-rename: ${message}`);
    expect(text.stdout).toContain('hint: if it is "first-name" renamed, add renamedFrom: first-name to its file');
    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain(`**looks-like-rename**: ${message}`);
    const json = await cli("plan", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).findings).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "looks-like-rename",
        message,
        file: "campaigns/b.yaml",
        line: 1,
      }),
    );

    const before = creates();
    const refused = await cli("apply", "--auto-approve");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("error looks-like-rename");
    expect(creates()).toBe(before);
  });

  test("renamedFrom makes it a move: no request, the entry moves with its history, the task keeps its old name, and the next plan is clean", async () => {
    const { sim, dir, cli, state, creates } = await submitted();
    await renameTo(dir, "second-name", "renamedFrom: first-name\n");

    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(2);
    expect(text.stdout).toContain("  → first-name is now second-name  (campaigns/b.yaml:1)");
    expect(text.stdout).toContain('task 100001 keeps the name "first-name" on the platform');
    expect(text.stdout).toContain("Plan: 0 to create, 1 to rename, 0 unchanged.");
    expect(text.stdout).not.toContain("(orphaned)");
    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.stdout).toContain(
      "| ➡️ rename | `second-name` | 2 | `campaigns/b.yaml:1` | renamed from `first-name`; task 100001 keeps the name `first-name` on the platform; nothing is sent |",
    );
    const json = JSON.parse((await cli("plan", "--json")).stdout);
    expect(json.entries).toEqual([
      expect.objectContaining({
        taskName: "second-name",
        action: "move",
        from: "first-name",
        platformTaskName: "first-name",
        recipients: 2,
      }),
    ]);
    expect(json.summary).toMatchObject({ move: 1, create: 0, orphaned: 0, hasChanges: true, errors: 0 });

    const before = creates();
    const applied = await cli("apply", "--auto-approve");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(
      "✓ second-name: renamed from first-name in the state; the task keeps the name first-name on the platform",
    );
    expect(applied.stdout).toContain("Apply complete: 0 submitted, 0 rejected, 0 unknown, 1 renamed, 0 unchanged.");
    expect(creates()).toBe(before);
    expect(Object.keys(sim.stats().requests)).not.toContain("cancel");
    const after = await state();
    expect(Object.keys(after.campaigns)).toEqual(["second-name"]);
    expect(after.campaigns["second-name"]).toMatchObject({
      status: "submitted",
      taskId: 100001,
      renamedFrom: "first-name",
      platformTaskName: "first-name",
      sourcePath: "campaigns/b.yaml",
      settings: { taskName: "second-name" },
    });
    expect(after.history.filter((h) => h.action === "rename")).toEqual([
      expect.objectContaining({
        taskName: "first-name",
        detail: "renamed to second-name",
        by: expect.stringContaining("@"),
      }),
      expect.objectContaining({
        taskName: "second-name",
        detail: "renamed from first-name; task 100001 keeps the name first-name on the platform",
      }),
    ]);

    const clean = await cli("plan", "--detailed-exitcode");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("Plan: 0 to create, 1 unchanged.");
    // Refresh still finds the task, by the name it keeps on the platform.
    const refreshed = await cli("refresh");
    expect(refreshed.code).toBe(0);
    expect((await state()).campaigns["second-name"]!.platform?.status).toBeDefined();
    // renamedFrom may stay in the file: the move is done.
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(0);
  });

  test("a saved plan with a move applies it; a renamed campaign changed in anything else is blocked", async () => {
    const { dir, cli, state, creates } = await submitted();
    await renameTo(dir, "second-name", "renamedFrom: first-name\nmaxCalls: 99\n");
    const blocked = await cli("plan");
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain("  ! second-name  (campaigns/b.yaml:1)");
    expect(blocked.stdout).toContain("renamed from first-name (renamedFrom)");
    expect(blocked.stdout).toContain("  ~ maxCalls: (absent) → 99");
    expect(blocked.stdout).toContain("a rename (renamedFrom) may change only the name");
    expect(blocked.stdout).not.toContain("taskName:");

    await renameTo(dir, "second-name", "renamedFrom: first-name\n");
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    const before = creates();
    const applied = await cli("--json", "apply", "plan.json");
    expect(applied.code).toBe(0);
    expect(applied.stderr).toContain("1 to rename");
    expect(creates()).toBe(before);
    const report = JSON.parse(applied.stdout);
    expect(report.summary).toMatchObject({ submitted: 0, moved: 1 });
    expect(report.outcomes).toEqual([
      {
        taskName: "second-name",
        status: "moved",
        renamedFrom: "first-name",
        platformTaskName: "first-name",
        recipients: 2,
      },
    ]);
    const { Ajv } = await import("ajv");
    const { applyReportSchema } = await import("../../src/schema/generated/index.js");
    expect(new Ajv({ strict: false }).validate(applyReportSchema, report)).toBe(true);
    expect(Object.keys((await state()).campaigns)).toEqual(["second-name"]);
  });

  test("renamedFrom errors point at its line: not in the state, still declared, its own name, never created", async () => {
    const { dir, cli, state } = await submitted();
    const cases: { yaml: Record<string, string>; message: string }[] = [
      {
        yaml: { "campaigns/b.yaml": campaignYaml("second-name", "renamedFrom: nobody-here\n", ["919700000003"]) },
        message: 'renamedFrom: "nobody-here" is not in the state',
      },
      {
        yaml: { "campaigns/b.yaml": campaignYaml("second-name", "renamedFrom: first-name\n", ["919700000003"]) },
        message: 'renamedFrom: "first-name" is still declared (campaigns/a.yaml:1)',
      },
      {
        yaml: { "campaigns/b.yaml": campaignYaml("second-name", "renamedFrom: second-name\n", ["919700000003"]) },
        message: 'renamedFrom: "second-name" is this campaign\'s own name',
      },
    ];
    for (const { yaml, message } of cases) {
      for (const [file, text] of Object.entries(yaml)) await writeFile(join(dir, file), text);
      for (const format of ["text", "json"]) {
        const run = await cli("plan", "--format", format);
        expect(run.code).toBe(1);
        if (format === "text")
          expect(run.stdout).toContain(`campaigns/b.yaml:4:14: error renamed-from-invalid: ${message}`);
        else
          expect(JSON.parse(run.stdout).findings).toContainEqual(
            expect.objectContaining({ code: "renamed-from-invalid", file: "campaigns/b.yaml", line: 4 }),
          );
      }
    }
    // A campaign rejected by the platform was never created: nothing to move.
    const s = await state();
    await writeFile(
      join(dir, ".campaign", "state.json"),
      JSON.stringify({
        ...s,
        campaigns: {
          ...s.campaigns,
          "was-rejected": {
            ...s.campaigns["first-name"]!,
            status: "rejected",
            lastError: { kind: "platform", code: "-20", message: "taken" },
          },
        },
      }),
    );
    await writeFile(
      join(dir, "campaigns/b.yaml"),
      campaignYaml("second-name", "renamedFrom: was-rejected\n", ["919700000003"]),
    );
    expect((await cli("plan")).stdout).toContain(
      'campaigns/b.yaml:4:14: error renamed-from-invalid: renamedFrom: "was-rejected" was never created on the platform (rejected): there is nothing to move',
    );
  });

  test("the same recipients as a campaign still scheduled but no longer declared: a warning naming both", async () => {
    const { dir, cli } = await submitted();
    await renameTo(dir, "other-name", "maxCalls: 45\n");
    for (const format of ["text", "markdown", "json"]) {
      const run = await cli("plan", "--format", format);
      expect(run.code).toBe(0);
      const message =
        '"other-name" calls the same 2 people as "first-name" (task 100001, still scheduled), which is no longer declared; only the settings differ';
      if (format === "json")
        expect(JSON.parse(run.stdout).findings).toContainEqual(
          expect.objectContaining({ severity: "warning", code: "same-recipients-as-orphan", message }),
        );
      else if (format === "text") expect(run.stdout).toContain(`warning same-recipients-as-orphan: ${message}`);
      else expect(run.stdout).toContain(message);
    }
  });

  test("a finished or cancelled old campaign is no rename: the copy is created", async () => {
    const { dir, cli, state, creates } = await submitted();
    const s = await state();
    const finished = {
      ...s.campaigns["first-name"]!,
      platform: { status: "finished" as const, statusCode: 3, refreshedAt: new Date(daytimeNow()).toISOString() },
    };
    await writeFile(
      join(dir, ".campaign", "state.json"),
      JSON.stringify({ ...s, campaigns: { "first-name": finished } }),
    );
    await renameTo(dir, "second-name");
    const plan = await cli("plan");
    expect(plan.code).toBe(0);
    expect(plan.stdout).not.toContain("looks-like-rename");
    const before = creates();
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    expect(creates()).toBe(before + 1);
  });

  test("moves between names of every kind: prototype members, spaces, quotes, non-Latin", async () => {
    const names = ["__proto__", "constructor", "to String", "it's-mine", "नाम-१", "hasOwnProperty"];
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir();
    const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
    const yaml = (name: string, extra = "") => campaignYaml(JSON.stringify(name), extra, TWO);
    await writeFile(join(dir, "c.yaml"), yaml(names[0]!));
    expect((await cli("apply", "--auto-approve", "c.yaml")).code).toBe(0);
    for (let i = 1; i < names.length; i++) {
      const [from, to] = [names[i - 1]!, names[i]!];
      await writeFile(join(dir, "c.yaml"), yaml(to));
      const refused = await cli("plan", "c.yaml");
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`has the same definition as ${JSON.stringify(from)}`);
      await writeFile(join(dir, "c.yaml"), yaml(to, `renamedFrom: ${JSON.stringify(from)}\n`));
      const moved = await cli("apply", "--auto-approve", "c.yaml");
      expect(moved.code).toBe(0);
      expect(moved.stdout).toContain(`→ ${from} is now ${to}`);
      const s = (await readStateFile(join(dir, ".campaign", "state.json")))!;
      expect(Object.keys(s.campaigns)).toEqual([to]);
      expect(Object.hasOwn(s.campaigns, to) && s.campaigns[to]!.platformTaskName).toBe(names[0]);
    }
    expect(sim.stats().requests["create"]).toBe(1);
    expect((await cli("plan", "--detailed-exitcode", "c.yaml")).code).toBe(0);
  });

  test("renamedFrom is the tool's own: never in the request body", () => {
    const body = buildCreateTaskBody({ taskName: "b-name", renamedFrom: "a-name", appId: "Jgd8oFei", agentId: 110 }, [
      { calleeNumber: "919700000001" },
    ]);
    expect(JSON.stringify(body)).not.toContain("renamedFrom");
    expect(JSON.stringify(body)).not.toContain("a-name");
  });
});
