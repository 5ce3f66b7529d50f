import { createServer } from "node:net";
import { describe, expect, test } from "vitest";
import { buildCreateTaskBody, type ApiFailure, type ApiResult, type CreateTaskBody } from "../../src/laaffic/index.js";
import type { NumberInfo } from "../../src/schema/generated/index.js";
import { testClient, testSimulator } from "../helpers.js";

const SECRET = "demo-secret";

function body(
  taskName: string,
  extra: Partial<CreateTaskBody> = {},
  numbers: NumberInfo[] = [{ calleeNumber: "919700000001" }],
): CreateTaskBody {
  return { ...buildCreateTaskBody({ taskName, appId: "Jgd8oFei", agentId: 110 }, numbers), ...extra };
}

function failure<T>(result: ApiResult<T>): ApiFailure {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.failure;
}

describe("client against the simulator: platform error codes become PlatformError with the hint", () => {
  test("success returns the integer task id", async () => {
    const sim = await testSimulator();
    const result = await testClient(sim).createTask(body("ok-task"));
    expect(result).toEqual({ ok: true, data: { taskId: 100001 }, attempts: 1 });
  });

  test.each([
    ["-21", body("range", { maxCalls: 5000 }), "a field is invalid; fix the campaign"],
    [
      "-22",
      body("recall", {
        recallFlow: { recallType: 0, recallInterval: 5, recallNum: 2, nodeList: [{ agentId: "110" }] },
      }),
      "fix the campaign (for recall: nodeList must have recallNum entries); the schema should have caught it",
    ],
    [
      "-22",
      { ...body("missing"), appId: undefined as unknown as string },
      "fix the campaign (for recall: nodeList must have recallNum entries); the schema should have caught it",
    ],
    ["-32", body("app", { appId: "OtherApp" }), "this API key has no permission for the appId; check appId or the key"],
    [
      "-67",
      body("intent", {
        recallFlow: {
          recallType: 3,
          recallInterval: 5,
          recallNum: 1,
          nodeList: [{ agentId: "110" }],
          recallIntent: ["201"],
        },
      }),
      "fix recallIntent: use intent codes of the agent's industry",
    ],
  ])("%s", async (code, request, hint) => {
    const sim = await testSimulator();
    const result = failure(await testClient(sim).createTask(request));
    expect(result).toMatchObject({ kind: "platform", code, hint });
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("-20: a taskName used before", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    await client.createTask(body("twice"));
    expect(failure(await client.createTask(body("twice")))).toMatchObject({
      kind: "platform",
      code: "-20",
      hint: expect.stringContaining("may already exist"),
    });
    expect(sim.stats().tasksCreatedByName).toEqual({ twice: 1 });
  });

  test("-23: more than 200,000 numbers", async () => {
    const sim = await testSimulator();
    const numbers = Array.from({ length: 200_001 }, (_, i) => ({ calleeNumber: String(910_000_000_000 + i) }));
    expect(failure(await testClient(sim, { timeoutMs: 20_000 }).createTask(body("huge", {}, numbers)))).toMatchObject({
      code: "-23",
    });
  });

  test("-1: a wrong secret; the secret and signature appear nowhere in the failure", async () => {
    const sim = await testSimulator();
    const client = testClient(sim, { credentials: { apiKey: "demo-key", apiSecret: "wrong-secret" } });
    const result = failure(await client.createTask(body("auth")));
    expect(result).toMatchObject({
      kind: "platform",
      code: "-1",
      hint: "check LAAFFIC_API_KEY, LAAFFIC_API_SECRET and appId",
    });
    expect(JSON.stringify(result)).not.toContain("wrong-secret");
  });

  test("-16: a clock off by ten minutes is re-signed and retried, then reported with the NTP hint", async () => {
    const sim = await testSimulator();
    const result = await testClient(sim, { now: () => Date.now() - 600_000 }).createTask(body("skew"));
    expect(result.attempts).toBe(3);
    expect(failure(result)).toMatchObject({ code: "-16", hint: "the machine clock is off; sync it (NTP)" });
    expect(sim.stats().requests["create"]).toBe(3);
  });

  test("-16 once, then a fresh signature passes", async () => {
    const sim = await testSimulator();
    let calls = 0;
    const result = await testClient(sim, { now: () => (calls++ === 0 ? Date.now() - 600_000 : Date.now()) }).createTask(
      body("skew-once"),
    );
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(sim.stats().tasksCreated).toBe(1);
  });

  test("-18 to a create is an unknown outcome (issue 16); an unknown code keeps the platform's message", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    sim.setFault("create", { platformCode: "-18", times: 1 });
    expect(failure(await client.createTask(body("e18")))).toMatchObject({
      kind: "unknown",
      reason: expect.stringContaining("-18 (system exception)"),
    });
    sim.setFault("create", { platformCode: "-99", times: 1 });
    expect(failure(await client.createTask(body("e99")))).toMatchObject({
      code: "-99",
      message: "system exception",
      hint: "an error code this tool does not know; see the platform's message",
    });
  });

  test("-24 and -54 on cancel", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    expect(failure(await client.cancelTasks([424242]))).toMatchObject({ code: "-24" });
    const created = await client.createTask(body("cancel-me"));
    const taskId = created.ok ? created.data.taskId! : 0;
    expect(await client.cancelTasks([taskId])).toMatchObject({ ok: true, data: null });
    expect(failure(await client.cancelTasks([taskId]))).toMatchObject({ code: "-54" });
  });
});

describe("client against the simulator: fault modes", () => {
  test("reset before the task is stored: outcome unknown, never resent, nothing created", async () => {
    const sim = await testSimulator();
    sim.setFault("create", { resetBeforeStore: true });
    const result = await testClient(sim).createTask(body("reset-before"));
    expect(failure(result)).toMatchObject({
      kind: "unknown",
      reason: "the connection was reset after the request was sent",
    });
    expect(result.attempts).toBe(1);
    expect(sim.stats()).toMatchObject({ tasksCreated: 0, requests: { create: 1 } });
  });

  test("reset after the task is stored: outcome unknown, exactly one task", async () => {
    const sim = await testSimulator();
    sim.setFault("create", { resetAfterStore: true });
    const result = await testClient(sim).createTask(body("reset-after"));
    expect(failure(result).kind).toBe("unknown");
    expect(sim.stats().tasksCreatedByName).toEqual({ "reset-after": 1 });
    expect(sim.stats().requests["create"]).toBe(1);
  });

  test("hang after the task is stored: the timeout makes it unknown, exactly one task", async () => {
    const sim = await testSimulator();
    sim.setFault("create", { hangAfterStore: true });
    const result = await testClient(sim, { timeoutMs: 300 }).createTask(body("hang-after"));
    expect(failure(result)).toMatchObject({
      kind: "unknown",
      reason: "no answer within api.timeoutMs after the request was sent",
    });
    expect(sim.stats().tasksCreatedByName).toEqual({ "hang-after": 1 });
  });

  test("HTTP 5xx on create is unknown (not resent); on a read it is retried", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    sim.setFault("create", { httpStatus: 502 });
    expect(failure(await client.createTask(body("bad-gateway")))).toMatchObject({
      kind: "unknown",
      reason: "the platform answered HTTP 502",
    });
    expect(sim.stats().requests["create"]).toBe(1);
    sim.setFault("query", { httpStatus: 500, times: 2 });
    const query = await client.queryTasks({
      current: 1,
      size: 10,
      strTime: "2020-01-01 00:00:00",
      endTime: "2040-01-01 00:00:00",
    });
    expect(query).toMatchObject({ ok: true, attempts: 3, data: { total: 0, records: [] } });
  });

  test("503 with Retry-After is retried after the wait; 429 without it is a definite failure", async () => {
    const sim = await testSimulator();
    const waits: number[] = [];
    const client = testClient(sim, { sleep: async (ms) => void waits.push(ms) });
    sim.setFault("create", { httpStatus: 503, retryAfterSeconds: 2, times: 1 });
    expect(await client.createTask(body("after-503"))).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([2000]);
    sim.setFault("create", { httpStatus: 429, times: 1 });
    expect(failure(await client.createTask(body("after-429")))).toMatchObject({
      kind: "platform",
      code: "http-429",
      hint: "lower api.parallelism or try again later",
    });
    expect(sim.stats().tasksCreatedByName).toEqual({ "after-503": 1 });
  });

  test("added latency within the timeout still succeeds", async () => {
    const sim = await testSimulator();
    sim.setFault("create", { latencyMs: 150 });
    expect(await testClient(sim).createTask(body("slow"))).toMatchObject({ ok: true });
  });

  test("a read reset before it is answered is retried", async () => {
    const sim = await testSimulator();
    sim.setFault("query", { resetBeforeStore: true, times: 1 });
    const result = await testClient(sim).queryTasks({
      current: 1,
      size: 10,
      strTime: "2020-01-01 00:00:00",
      endTime: "2040-01-01 00:00:00",
    });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
  });

  test("connection refused: retried with backoff, then unreachable (provably not sent)", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
    const waits: number[] = [];
    const result = await testClient(
      { url: `http://127.0.0.1:${port}` },
      { sleep: async (ms) => void waits.push(ms) },
    ).createTask(body("refused"));
    expect(result.attempts).toBe(3);
    expect(failure(result)).toMatchObject({ kind: "unreachable", reason: "connection refused" });
    expect(waits).toEqual([200, 400]);
  });

  test("no secret, signature or key appears in any failure", async () => {
    const sim = await testSimulator();
    const failures: unknown[] = [];
    for (const fault of [
      { resetBeforeStore: true },
      { resetAfterStore: true },
      { httpStatus: 500 },
      { platformCode: "-18" },
      { hangAfterStore: true },
    ]) {
      sim.setFault("create", fault);
      failures.push(await testClient(sim, { timeoutMs: 300 }).createTask(body(`f-${failures.length}`)));
    }
    sim.setFault("create", null);
    failures.push(
      await testClient(sim, { credentials: { apiKey: "demo-key", apiSecret: "not-it" } }).createTask(body("auth")),
    );
    const text = JSON.stringify(failures);
    for (const secret of [SECRET, "not-it", "demo-key"]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/[0-9a-f]{32}/);
  });
});

describe("queries and recall flows through the client", () => {
  test("query pages, recall flow page/detail/update/cancel", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    const recallFlow = {
      recallType: 1 as const,
      recallInterval: 30,
      recallNum: 2,
      nodeList: [{ agentId: "110" }, { agentId: "111" }],
    };
    const created = await client.createTask(body("with-flow", { sendTime: "2040-01-01 10:00:00", recallFlow }));
    expect(created.ok).toBe(true);
    const window = { current: 1, size: 10, strTime: "2020-01-01 00:00:00", endTime: "2040-01-01 00:00:00" };
    const tasks = await client.queryTasks({ ...window, searchCondition: "with" });
    expect(tasks).toMatchObject({
      ok: true,
      data: { total: 1, records: [{ taskName: "with-flow", status: 0, numCnt: 1 }] },
    });
    const flows = await client.queryRecallFlows({ ...window, taskName: "with-flow" });
    if (!flows.ok) throw new Error("query failed");
    const keyId = flows.data.records[0]!.keyId;
    expect(flows.data.records[0]).toMatchObject({ recallType: 1, recallNum: 2, status: 0 });
    expect(
      await client.updateRecallFlow({
        keyId,
        recallType: 0,
        recallInterval: 60,
        recallNum: 1,
        nodeList: [{ scriptId: 111 }],
      }),
    ).toMatchObject({ ok: true });
    expect(await client.recallFlowDetail(keyId)).toMatchObject({
      ok: true,
      data: { recallType: 0, recallInterval: 60, recallNum: 1, nodeList: [{ nodeStatus: 0, scriptId: 111 }] },
    });
    expect(await client.cancelRecallFlow(1, keyId)).toMatchObject({ ok: true });
    expect(await client.recallFlowDetail(keyId)).toMatchObject({ ok: true, data: { status: 3 } });
    expect(
      failure(await client.updateRecallFlow({ keyId, recallType: 0, recallInterval: 60, recallNum: 1 })),
    ).toMatchObject({ code: "-54" });
  });

  test("a query answer without records is refused at the boundary", async () => {
    const sim = await testSimulator();
    sim.setFault("query", { platformCode: "0" });
    const result = await testClient(sim).queryTasks({
      current: 1,
      size: 10,
      strTime: "2020-01-01 00:00:00",
      endTime: "2040-01-01 00:00:00",
    });
    expect(failure(result)).toMatchObject({ kind: "platform", code: "invalid-response" });
  });
});
