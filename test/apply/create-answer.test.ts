import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { answerShape, createClient } from "../../src/laaffic/index.js";
import type { ApplyReport } from "../../src/schema/generated/index.js";
import { readStateFile } from "../../src/state/index.js";
import { fakePlatform, ok, refuse, type Body, type FakePlatform } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, runCli, tempDir } from "../helpers.js";

// Issue 16, section 1: the create answer, whichever way the platform's undocumented `data`
// falls, against the independent fake platform (every request scripted; any other fails).

const NAME = "ca-campaign";
const CREATE = "POST /voice/group/call/send/agent" as const;
const QUERY = "POST /voice/group/call/query" as const;
const named = (b: Body) => b.params?.searchCondition === NAME && b.params?.taskType === 3;
const task = (taskId: number, taskName = NAME, status = 0) => ({
  taskId,
  taskName,
  status,
  numCnt: 1,
  callNum: 0,
  success: 0,
  fail: 0,
  createdTime: "2026-11-25 20:00:00",
});

async function project() {
  const fake = await fakePlatform({ now: daytimeNow });
  // reconcileAfterSeconds 0: a refresh may conclude from what it sees at once (the fake checks signatures against its own clock).
  const dir = await tempDir({
    "campaign.config.yaml": "guards:\n  callingHours: false\napi:\n  reconcileAfterSeconds: 0\n",
    "campaigns/a.yaml": campaignYaml(NAME),
  });
  const cli = (args: string[]) => runCli(args, dir, fake.env, fake.now());
  const state = async () => (await readStateFile(join(dir, ".campaign", "state.json")))!;
  const cancelIt = () => writeFile(join(dir, "campaigns/a.yaml"), campaignYaml(NAME, "cancel: true\n"));
  return { fake, dir, cli, state, cancelIt };
}

/** Sent since `from`, as route names. */
const sentSince = (fake: FakePlatform, from: number) => fake.requests.slice(from).map((r) => r.route);

describe("the create answer against an independent fake", () => {
  test("Bar: stored, then answered -18 → exit 5; a second apply sends nothing; refresh settles it; the plan is clean", async () => {
    const { fake, cli, state } = await project();
    fake.expect(CREATE, (b) => b.taskName === NAME, refuse("-18", "system exception"));
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(5);
    expect((await state()).campaigns[NAME]).toMatchObject({
      status: "unknown",
      lastError: { kind: "unknown", message: expect.stringContaining("-18") },
    });
    fake.done();

    const before = fake.requests.length;
    expect((await cli(["apply", "--auto-approve"])).code).not.toBe(0);
    expect(sentSince(fake, before)).toEqual([]);

    fake.expect(QUERY, named, ok({ total: 2, records: [task(4242), task(4243, `${NAME}-other`)] }));
    expect((await cli(["refresh"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 4242 });
    expect((await cli(["plan", "--detailed-exitcode"])).code).toBe(0);
  });

  test('Bar: answered {"jobId": N} → the state holds task id N', async () => {
    const { fake, cli, state } = await project();
    fake.expect(CREATE, (b) => b.taskName === NAME, ok({ jobId: 31337 }));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 31337 });
  });

  test("Bar: answered data: null → submitted with a warning; refresh fills in the id; a later cancel: true is carried out", async () => {
    const { fake, cli, state, cancelIt } = await project();
    fake.expect(CREATE, (b) => b.taskName === NAME, ok(null));
    const apply = await cli(["apply", "--auto-approve", "--json"]);
    expect(apply.code).toBe(0);
    const report = JSON.parse(apply.stdout) as ApplyReport;
    expect(JSON.stringify(report)).toContain("without a task id (its answer: null)");
    expect(apply.stderr).toContain("without a task id");
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: null });

    fake.expect(QUERY, named, ok({ total: 1, records: [task(5151)] }));
    expect((await cli(["refresh"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 5151 });

    await cancelIt();
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [5151] }, ok(null));
    fake.expect(QUERY, named, ok({ total: 1, records: [task(5151, NAME, 4)] }));
    const cancel = await cli(["apply", "--auto-approve"]);
    expect(cancel.code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "cancelled", taskId: 5151 });
  });

  test("a success without a recognisable id keeps its shape, masked, in the history: keys and types, never values", async () => {
    const { fake, cli, state } = await project();
    fake.expect(CREATE, () => true, ok({ result: "919700000001", count: 3 }));
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('{"result": string, "count": number}');
    const history = JSON.stringify((await state()).history);
    expect(history).toContain('{\\"result\\": string, \\"count\\": number}');
    expect(history + apply.stdout + apply.stderr).not.toContain("919700000001");
  });

  test("cancel: true of a campaign without a task id looks the task up by exact name first", async () => {
    const { fake, cli, state, cancelIt } = await project();
    fake.expect(CREATE, () => true, ok(null));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    await cancelIt();
    const plan = await cli(["plan", "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    fake.expect(QUERY, named, ok({ total: 2, records: [task(6000, `${NAME}x`), task(6001)] }));
    fake.expect("POST /voice/group/call/cancel", { taskIdList: [6001] }, ok(null));
    fake.expect(QUERY, named, ok({ total: 1, records: [task(6001, NAME, 4)] }));
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "cancelled", taskId: 6001 });
  });

  test("a cancel whose task cannot be found by exact name is an error naming the campaign and why, never 'No changes'", async () => {
    const { fake, cli, state, cancelIt } = await project();
    fake.expect(CREATE, () => true, ok(null));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    await cancelIt();
    fake.expect(QUERY, named, ok({ total: 1, records: [task(6000, `${NAME}x`)] }));
    const apply = await cli(["apply", "--auto-approve"]);
    expect(apply.code).toBe(1);
    expect(apply.stdout).not.toContain("No changes");
    expect(apply.stdout).toContain(NAME);
    expect(apply.stdout).toContain("no task carries exactly this name");
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: null });
  });

  test("data: null and two tasks carrying exactly the name: refresh guesses no id; the id can be recorded by hand", async () => {
    const { fake, cli, state } = await project();
    fake.expect(CREATE, () => true, ok(null));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    fake.expect(QUERY, named, ok({ total: 2, records: [task(8000), task(8001)] }));
    const refresh = await cli(["refresh"]);
    expect(refresh.stdout + refresh.stderr).toContain("2 tasks carry exactly this name");
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: null });
    expect((await cli(["state", "resolve", NAME, "--submitted", "--task-id", "8001"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 8001 });
  });

  test("-20 for a new campaign: one exact match is taken as ours (never resent); none leaves it unknown (exit 5)", async () => {
    const { fake, cli, state } = await project();
    fake.expect(CREATE, () => true, refuse("-20", "data exists"));
    fake.expect(QUERY, named, ok({ total: 1, records: [task(7000)] }));
    expect((await cli(["apply", "--auto-approve"])).code).toBe(0);
    expect((await state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 7000 });
    expect(JSON.stringify((await state()).history)).toContain("-20");
    expect(fake.requests.filter((r) => r.route === CREATE)).toHaveLength(1);

    const other = await project();
    other.fake.expect(CREATE, () => true, refuse("-20", "data exists"));
    other.fake.expect(QUERY, named, ok({ total: 0, records: [] }));
    expect((await other.cli(["apply", "--auto-approve"])).code).toBe(5);
    expect((await other.state()).campaigns[NAME]).toMatchObject({
      status: "unknown",
      lastError: { code: "-20", message: expect.stringContaining("-20") },
    });
    // Refresh never concludes "not submitted" for a name the platform said is taken…
    other.fake.expect(QUERY, named, ok({ total: 0, records: [] }));
    const refresh = await other.cli(["refresh"]);
    expect(refresh.stdout + refresh.stderr).toContain("name taken");
    expect((await other.state()).campaigns[NAME]?.status).toBe("unknown");
    // …and takes the one task found by exact name, however long ago it was created.
    other.fake.expect(
      QUERY,
      (b) => named(b) && Date.parse(b.params.endTime) - Date.parse(b.params.strTime) > 6 * 86_400_000,
      ok({ total: 1, records: [task(7100)] }),
    );
    expect((await other.cli(["refresh"])).code).toBe(0);
    expect((await other.state()).campaigns[NAME]).toMatchObject({ status: "submitted", taskId: 7100 });
  });
});

describe("generated create answers, read by the client", () => {
  const id = 987654;
  const cases: [string, unknown, "id" | "no-id" | "unknown"][] = [
    ["integer", id, "id"],
    ["numeric string", String(id), "id"],
    ...(["taskId", "id", "jobId", "keyId"] as const).flatMap((key): [string, unknown, "id"][] => [
      [`{${key}: int}`, { [key]: id }, "id"],
      [`{${key}: string}`, { [key]: String(id) }, "id"],
      [`{${key}, other}`, { other: "x", [key]: id }, "id"],
    ]),
    ["null", null, "no-id"],
    ["empty string", "", "no-id"],
    ["empty object", {}, "no-id"],
    ["object without id keys", { result: "ok" }, "no-id"],
    ["id two levels deep", { data: { taskId: id } }, "no-id"],
    ["negative", -5, "unknown"],
    ["zero", 0, "unknown"],
    ["float", 12.5, "unknown"],
    ["float string", "12.5", "unknown"],
    ["huge", 2 ** 60, "unknown"],
    ["array", [id], "unknown"],
    ["true", true, "unknown"],
    ["false", false, "unknown"],
    ["word", "abc", "unknown"],
    ["{taskId: negative}", { taskId: -1 }, "unknown"],
    ["{id: float}", { id: 1.5 }, "unknown"],
    ["{jobId: array}", { jobId: [1] }, "unknown"],
    ["{taskId: object}", { taskId: { id } }, "unknown"],
  ];

  test.each(cases)("%s", async (_what, data, expected) => {
    const fake = await fakePlatform();
    const client = createClient({
      baseUrl: fake.url,
      credentials: { apiKey: fake.env["LAAFFIC_API_KEY"]!, apiSecret: fake.env["LAAFFIC_API_SECRET"]! },
      timeoutMs: 2_000,
      now: fake.now,
    });
    fake.expect(CREATE, () => true, ok(data));
    const result = await client.createTask({
      appId: "a",
      taskName: "t",
      agentId: 110,
      numberInfoList: [{ calleeNumber: "919700000001" }],
    } as never);
    await client.close();
    if (expected === "id") expect(result).toMatchObject({ ok: true, data: { taskId: id } });
    else if (expected === "no-id")
      expect(result).toMatchObject({ ok: true, data: { taskId: null, answerShape: expect.any(String) } });
    else expect(result).toMatchObject({ ok: false, failure: { kind: "unknown" } });
    expect(fake.requests).toHaveLength(1);
  });

  test.each([
    { "919700000001": "x" },
    { ["k".repeat(5000)]: 1 },
    Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, i])),
    ["919700000001"],
    "919700000001",
  ])("the shape of %#: keys masked and bounded, values never shown", (data) => {
    const shape = answerShape(data);
    expect(shape).not.toContain("919700000001");
    expect(shape.length).toBeLessThan(600);
  });

  test("-18 answered to a create leaves it unknown, not rejected", async () => {
    const fake = await fakePlatform();
    const client = createClient({
      baseUrl: fake.url,
      credentials: { apiKey: fake.env["LAAFFIC_API_KEY"]!, apiSecret: fake.env["LAAFFIC_API_SECRET"]! },
      timeoutMs: 2_000,
      now: fake.now,
    });
    fake.expect(CREATE, () => true, refuse("-18", "system exception"));
    const result = await client.createTask({
      appId: "a",
      taskName: "t",
      agentId: 110,
      numberInfoList: [{ calleeNumber: "919700000001" }],
    } as never);
    await client.close();
    expect(result).toMatchObject({ ok: false, failure: { kind: "unknown", reason: expect.stringContaining("-18") } });
  });
});
