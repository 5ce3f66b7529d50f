import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { readStateFile } from "../../src/state/index.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// Issue 16, sections 1 and 3: the simulator speaks each reading of the undocumented create
// answer (`--create-answer int|jobId|null`), and the whole loop holds in each.

const NAME = "uc-campaign";

async function project(createAnswer: "int" | "jobId" | "null") {
  const sim = await testSimulator({ createAnswer, now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": "guards:\n  callingHours: false\n",
    "campaigns/a.yaml": campaignYaml(NAME),
  });
  const cli = (args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
  const state = async () => (await readStateFile(join(dir, ".campaign", "state.json")))!;
  const simTaskId = () => [...sim.world.tasks.values()].find((t) => t.taskName === NAME)?.taskId;
  return { sim, dir, cli, state, simTaskId };
}

describe("the simulator's create answers, end to end", () => {
  test("jobId: the state holds the simulator's task id", async () => {
    const { cli, state, simTaskId } = await project("jobId");
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: simTaskId() });
  });

  test("null: submitted without an id; refresh fills it in by exact name; cancel: true is carried out", async () => {
    const { dir, cli, state, simTaskId } = await project("null");
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toContain("without a task id (its answer: null)");
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: null });
    expect((await cli(["refresh"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: simTaskId() });
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml(NAME, "cancel: true\n"));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "cancelled" });
  });

  test("null, then cancel: true without a refresh: the task is found by exact name and cancelled", async () => {
    const { dir, cli, state, simTaskId } = await project("null");
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    await writeFile(join(dir, "campaigns/a.yaml"), campaignYaml(NAME, "cancel: true\n"));
    const cancel = await cli(["apply", "--auto-approve"]);
    expect(cancel.code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "cancelled", taskId: simTaskId() });
  });

  test.each([500, 502, 504])("HTTP %i answered to a create → unknown (exit 5), never rejected", async (httpStatus) => {
    const { sim, cli, state } = await project("int");
    sim.setFault("create", { httpStatus, times: 1 });
    expect((await cli(["apply", "--auto-approve"])).code).toBe(5);
    expect((await state()).campaigns[NAME]?.status).toBe("unknown");
  });

  test("-18 answered by the simulator → unknown (exit 5), never rejected", async () => {
    const { sim, cli, state } = await project("int");
    sim.setFault("create", { platformCode: "-18", times: 1 });
    expect((await cli(["apply", "--auto-approve"])).code).toBe(5);
    expect((await state()).campaigns[NAME]?.status).toBe("unknown");
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("campaign simulator --create-answer refuses an unknown form, naming the allowed ones", async () => {
    const dir = await tempDir();
    for (const form of ["bogus", "", "INT", "919700000001"]) {
      const run = await runCli(["simulator", "--port", "0", "--create-answer", form], dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("--create-answer must be one of int, jobId, null");
      expect(run.stderr).not.toContain("919700000001");
    }
  });
});
