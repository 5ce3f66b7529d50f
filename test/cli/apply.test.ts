import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, simulatorEnv, tempDir, testClient, testSimulator, daytimeNow } from "../helpers.js";
import { buildCreateTaskBody } from "../../src/laaffic/index.js";

async function workspace(files: Record<string, string>) {
  const sim = await testSimulator({ now: daytimeNow });
  const dir = await tempDir(files);
  const env = simulatorEnv(sim);
  const cli = (...args: string[]) => runCli(args, dir, env, daytimeNow());
  const state = () => readStateFile(join(dir, ".campaign", "state.json"));
  return { sim, dir, env, cli, state };
}

describe("plan and apply against the simulator", () => {
  test("create → nothing to do → edit a submitted campaign: plan blocked, apply refuses without a request", async () => {
    const { sim, dir, cli, state } = await workspace({
      "campaigns/a.yaml": campaignYaml("alpha"),
      "campaigns/b.yaml": campaignYaml("bravo", "maxCalls: 120\n"),
    });
    const first = await cli("plan", "--detailed-exitcode");
    expect(first.code).toBe(2);
    expect(first.stdout).toContain("Plan: 2 to create, 0 unchanged.");

    const applied = await cli("apply", "--auto-approve");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/✓ alpha: task 10000[12], 1 recipient\n/);
    expect(applied.stdout).toContain("Apply complete: 2 submitted, 0 rejected, 0 unknown, 0 unchanged.");
    expect(applied.stderr).toMatch(/Z submitting alpha \(1 recipient\)/);
    expect(sim.stats().tasksCreatedByName).toEqual({ alpha: 1, bravo: 1 });
    expect(await state()).toMatchObject({
      campaigns: { alpha: { status: "submitted" }, bravo: { status: "submitted" } },
    });

    const again = await cli("plan", "--detailed-exitcode");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Plan: 0 to create, 2 unchanged.");
    expect((await cli("apply", "--auto-approve")).stdout).toContain("No changes. Nothing to submit.");

    await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("bravo", "maxCalls: 300\n"));
    const blocked = await cli("plan", "--detailed-exitcode");
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain("  ! bravo  (campaigns/b.yaml:1)");
    expect(blocked.stdout).toContain("  ~ maxCalls: 120 → 300");
    expect(blocked.stdout).toContain("error submitted-campaign-changed");
    expect(blocked.stdout).toContain("Plan: 0 to create, 1 blocked, 1 unchanged.");
    const requests = sim.stats().requests["create"];
    const refused = await cli("apply", "--auto-approve");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("error plan-has-errors: apply refuses to start: the plan has 1 error (see above)");
    expect(sim.stats().requests["create"]).toBe(requests);
  });

  test("rejections (-67, -22) are recorded with code, reason and hint, and retried after a fix; -20 (name taken) is matched by exact name", async () => {
    const intent =
      'recallFlow:\n  recallType: 3\n  recallInterval: 5\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n  recallIntent: ["201"]\n';
    const { sim, dir, cli, state } = await workspace({
      "campaigns/a.yaml": campaignYaml("wrong-intent", intent),
      "campaigns/b.yaml": campaignYaml("taken-name"),
      "campaigns/c.yaml": campaignYaml("flaky"),
    });
    await testClient(sim, { now: daytimeNow }).createTask(
      buildCreateTaskBody({ taskName: "taken-name", appId: "Jgd8oFei", agentId: 110 }, [
        { calleeNumber: "919700000009" },
      ]),
    );
    // The plan lists flaky, taken-name, wrong-intent; at parallelism 1 the one -22 fault hits flaky.
    sim.setFault("create", { platformCode: "-22", times: 1 });
    const result = await cli("apply", "--auto-approve", "--parallelism", "1");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("✗ flaky: rejected -22: system exception");
    // Issue 16: -20 is never a rejection to loop on: the one task with exactly this name is taken as ours.
    expect(result.stdout).toContain("✓ taken-name: task ");
    expect(result.stdout).toContain("the platform answered -20 (name taken)");
    expect(result.stdout).toContain(
      "✗ wrong-intent: rejected -67: recallIntent 201 does not match the agent's industry intents",
    );
    expect(result.stdout).toContain("Apply complete: 1 submitted, 2 rejected, 0 unknown, 0 unchanged.");
    expect(await state()).toMatchObject({
      campaigns: {
        "wrong-intent": {
          status: "rejected",
          lastError: {
            kind: "platform",
            code: "-67",
            hint: "fix recallIntent: use intent codes of the agent's industry",
          },
        },
      },
    });

    const plan = await cli("plan");
    expect(plan.stdout).toContain("  + wrong-intent (retry)");
    expect(plan.stdout).toContain(
      "last attempt rejected: -67 recallIntent 201 does not match the agent's industry intents",
    );
    expect(plan.stdout).toContain("Plan: 2 to create (2 retries), 1 unchanged.");

    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("wrong-intent", intent.replace('"201"', '"101"')));
    const fixed = await cli("apply", "--auto-approve");
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain("Apply complete: 2 submitted, 0 rejected, 0 unknown, 1 unchanged.");
    expect(sim.stats().tasksCreatedByName).toEqual({ "taken-name": 1, flaky: 1, "wrong-intent": 1 });
    const after = await cli("plan");
    expect(after.stdout).toContain("Plan: 0 to create, 3 unchanged.");
  });

  test("saved plan: applied once, refused the second time (exit 3); a stale or edited plan is refused before any request", async () => {
    const { sim, dir, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("saved-one") });
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    const saved = await readFile(join(dir, "plan.json"), "utf8");
    expect(saved).not.toContain("919700000001");
    expect(saved).not.toContain("Person0");
    const applied = await cli("apply", "plan.json");
    expect(applied.code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "saved-one": 1 });
    const twice = await cli("apply", "plan.json");
    expect(twice.code).toBe(3);
    expect(twice.stderr).toContain("error plan-stale: the plan plan.json was already applied");

    await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("saved-two"));
    expect((await cli("plan", "--out", "second.json")).code).toBe(0);
    await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("saved-two", "maxCalls: 99\n"));
    const edited = await cli("apply", "second.json");
    expect(edited.code).toBe(3);
    expect(edited.stderr).toContain(
      'error plan-stale: "saved-two" changed since the plan second.json was made (campaigns/b.yaml:1)',
    );

    await writeFile(join(dir, "campaigns/b.yaml"), campaignYaml("saved-two"));
    expect((await cli("plan", "--out", "third.json")).code).toBe(0);
    await writeFile(join(dir, "campaigns/c.yaml"), campaignYaml("saved-three", "maxCalls: 60\n"));
    expect((await cli("apply", "--auto-approve", "campaigns/c.yaml")).code).toBe(0);
    const stale = await cli("apply", "third.json");
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(
      /error plan-stale: the state changed since the plan third.json was made \(serial \d+ → \d+\)/,
    );
    expect(sim.stats().tasksCreatedByName).toEqual({ "saved-one": 1, "saved-three": 1 });
  });

  test("a plan made with no state yet cannot be applied twice, nor after another apply created the state", async () => {
    const { cli } = await workspace({ "campaigns/a.yaml": campaignYaml("first-ever") });
    await cli("plan", "--out", "p1.json");
    await cli("plan", "--out", "p2.json");
    expect((await cli("apply", "p1.json")).code).toBe(0);
    expect((await cli("apply", "p1.json")).stderr).toContain("was already applied");
    const other = await cli("apply", "p2.json");
    expect(other.code).toBe(3);
    expect(other.stderr).toContain("was made before any state existed, and a state has been created since");
  });

  test("an outcome lost after sending becomes unknown (exit 5), is never resent, and is resolved by hand", async () => {
    const { sim, cli, state } = await workspace({
      "campaigns/a.yaml": campaignYaml("lost-answer"),
      "campaigns/b.yaml": campaignYaml("never-sent"),
    });
    sim.setFault("create", { resetAfterStore: true });
    const applied = await cli("apply", "--auto-approve", "--parallelism", "1");
    expect(applied.code).toBe(5);
    expect(applied.stdout).toContain(
      "✗ lost-answer: outcome unknown: the connection was reset after the request was sent",
    );
    expect(applied.stdout).toContain(
      "resolve: campaign state resolve lost-answer --submitted [--task-id ID]  |  --not-submitted",
    );
    expect(await state()).toMatchObject({
      campaigns: { "lost-answer": { status: "unknown" }, "never-sent": { status: "unknown" } },
    });
    sim.setFault("create", null);

    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("  ? lost-answer  (campaigns/a.yaml:1)");
    expect(plan.stdout).toContain("Plan: 0 to create, 2 unknown, 0 unchanged.");
    expect((await cli("apply", "--auto-approve")).code).toBe(1);
    expect(sim.stats().tasksCreatedByName).toEqual({ "lost-answer": 1, "never-sent": 1 });

    expect((await cli("state", "resolve", "lost-answer", "--submitted", "--task-id", "100001")).code).toBe(0);
    expect((await cli("state", "resolve", "never-sent", "--not-submitted")).code).toBe(0);
    expect((await cli("state", "resolve", "lost-answer", "--submitted")).stderr).toContain(
      '"lost-answer" is submitted; only an unknown or pending outcome can be resolved',
    );
    const resolved = await cli("plan");
    expect(resolved.stdout).toContain("  + never-sent (retry)");
    expect(resolved.stdout).toContain("Plan: 1 to create (1 retry), 1 unchanged.");
    const show = await cli("state", "show", "lost-answer");
    expect(show.stdout).toMatch(/resolve {2}submitted as task 100001 {2}by \S+@\S+/);
  });

  test("without a terminal and without --auto-approve, apply does not prompt: exit 1 with a hint", async () => {
    const { sim, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("needs-approval") });
    const run = await cli("apply");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error approval-needed: apply needs approval, and there is no terminal to ask");
    expect(run.stderr).toContain("hint: review the plan and run campaign apply --auto-approve");
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("missing credentials stop apply before any request, with a hint", async () => {
    const { dir } = await workspace({ "campaigns/a.yaml": campaignYaml("no-creds") });
    const run = await runCli(["apply", "--auto-approve"], dir, { LAAFFIC_BASE_URL: "http://127.0.0.1:9" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error credentials-missing: LAAFFIC_API_KEY and LAAFFIC_API_SECRET are not set");
  });

  test("two applies started together: exactly one proceeds, the other exits 4 naming the holder", async () => {
    const { sim, cli } = await workspace({ "campaigns/a.yaml": campaignYaml("racing") });
    sim.setFault("create", { latencyMs: 400 });
    const [a, b] = await Promise.all([cli("apply", "--auto-approve"), cli("apply", "--auto-approve")]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 4]);
    const loser = a.code === 4 ? a : b;
    expect(loser.stderr).toMatch(
      /error state-locked: the state is locked by \S+ pid \d+ running "campaign apply --auto-approve" since .*, lock id [0-9a-f-]{36}/,
    );
    expect(sim.stats().tasksCreatedByName).toEqual({ racing: 1 });
  });

  test("state list / forget, each change bumping the serial and logged", async () => {
    const { cli, state, dir } = await workspace({ "campaigns/a.yaml": campaignYaml("listed") });
    await cli("apply", "--auto-approve");
    const list = await cli("state", "list");
    expect(list.stdout).toMatch(/listed\s+submitted\s+100001\s+1 /);
    const before = (await state())!.serial;
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml("renamed"));
    const forget = await cli("state", "forget", "listed");
    expect(forget.stderr).toContain(
      "note: task 100001 stays scheduled on the platform; forgetting it here cancels nothing",
    );
    const after = (await state())!;
    expect(after.serial).toBe(before + 1);
    expect(after.history.at(-1)).toMatchObject({
      action: "forget",
      taskName: "listed",
      detail: "was submitted (task 100001)",
    });
    expect((await cli("state", "show", "nope")).code).toBe(1);
  });
});

describe("state views as JSON", () => {
  test("state list and state show match schemas/state-view.schema.json", async () => {
    const { Ajv } = await import("ajv");
    const addFormats = (await import("ajv-formats")).default as unknown as (a: InstanceType<typeof Ajv>) => void;
    const { stateSchema, stateViewSchema } = await import("../../src/schema/generated/index.js");
    const { cli } = await workspace({ "campaigns/a.yaml": campaignYaml("viewed") });
    await cli("apply", "--auto-approve");
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    ajv.addSchema(stateSchema);
    for (const args of [
      ["--json", "state", "list"],
      ["--json", "state", "show", "viewed"],
    ]) {
      const view = JSON.parse((await cli(...args)).stdout);
      expect(ajv.validate(stateViewSchema, view), JSON.stringify(ajv.errors)).toBe(true);
    }
  });
});
