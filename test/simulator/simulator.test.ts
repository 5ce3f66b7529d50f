import { spawn } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { buildCreateTaskBody, signedHeaders, type CreateTaskBody } from "../../src/laaffic/index.js";
import { wallTimeToEpochMs } from "../../src/campaigns/index.js";
import { TaskStatus } from "../../src/simulator/index.js";
import { testClient, testSimulator } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");
const WINDOW = { current: 1, size: 100, strTime: "2020-01-01 00:00:00", endTime: "2040-01-01 00:00:00" };

function body(taskName: string, extra: Partial<CreateTaskBody> = {}, count = 1): CreateTaskBody {
  const numbers = Array.from({ length: count }, (_, i) => ({
    calleeNumber: String(919_700_000_000 + i),
    text1: `n${i}`,
  }));
  return { ...buildCreateTaskBody({ taskName, appId: "Jgd8oFei", agentId: 110 }, numbers), ...extra };
}

async function post(url: string, payload: string | Buffer, headers: Record<string, string>) {
  const response = await request(url, { method: "POST", body: payload, headers });
  return { status: response.statusCode, body: await response.body.text() };
}

describe("simulator robustness", () => {
  test("malformed requests never crash it; each gets the platform's answer", async () => {
    const sim = await testSimulator();
    const url = `${sim.url}/voice/group/call/send/agent`;
    const signed = signedHeaders("demo-key", "demo-secret", Date.now());
    expect(JSON.parse((await post(url, "{}", {})).body)).toMatchObject({ code: "-1" });
    expect(JSON.parse((await post(url, "{}", { ...signed, Sign: "0".repeat(32) })).body)).toMatchObject({ code: "-1" });
    expect(JSON.parse((await post(url, "{not json", signed)).body)).toMatchObject({ code: "-18" });
    expect(JSON.parse((await post(url, "[1,2]", signed)).body)).toMatchObject({ code: "-18" });
    expect(
      JSON.parse(
        (await post(url, '{"taskName": 5, "appId": "Jgd8oFei", "agentId": "x", "numberInfoList": "no"}', signed)).body,
      ),
    ).toMatchObject({ code: "-22" });
    expect(
      JSON.parse((await post(url, JSON.stringify({ ...body("types"), numberInfoList: [null] }), signed)).body),
    ).toMatchObject({ code: "-22" });
    expect(
      JSON.parse((await post(url, JSON.stringify({ ...body("types"), recallFlow: "yes" }), signed)).body),
    ).toMatchObject({ code: "-22" });
    expect((await post(`${sim.url}/nowhere`, "{}", signed)).status).toBe(404);
    expect((await post(url, Buffer.alloc(65 * 1024 * 1024, 32), signed)).status).toBe(413);
    // still alive and correct
    expect(await testClient(sim).createTask(body("after-garbage"))).toMatchObject({ ok: true });
    expect(sim.stats().tasksCreated).toBe(1);
  });

  test("1,000 concurrent creates over loopback are all answered and counted", async () => {
    const sim = await testSimulator();
    const client = testClient(sim, { timeoutMs: 20_000 });
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.createTask(body(`bulk-${i}`))));
    expect(results.filter((r) => r.ok)).toHaveLength(1000);
    expect(new Set(results.map((r) => (r.ok ? r.data.taskId : 0))).size).toBe(1000);
    expect(sim.stats().tasksCreated).toBe(1000);
    expect(Object.values(sim.stats().tasksCreatedByName).every((n) => n === 1)).toBe(true);
  });

  test("sendTime is read in the configured platform time zone", async () => {
    const start = Date.UTC(2030, 0, 1, 0, 0, 0);
    let now = start;
    const sim = await testSimulator({ now: () => now, timeZone: "Asia/Shanghai" });
    const client = testClient(sim, { now: () => now });
    // 2030-01-01 09:00 in Shanghai is 01:00 UTC: one hour after `start`.
    const created = await client.createTask(body("at-nine", { sendTime: "2030-01-01 09:00:00" }));
    const taskId = created.ok ? created.data.taskId! : 0;
    const status = () => sim.world.tasks.get(taskId)!.status;
    sim.advance(59 * 60_000);
    expect(status()).toBe(TaskStatus.waiting);
    sim.advance(60_000);
    expect(status()).toBe(TaskStatus.submitting);
    expect(wallTimeToEpochMs("2030-01-01 09:00:00", "Asia/Shanghai")).toBe(start + 3600_000);
    now += 1; // the real clock barely moved: only simulated time ran
  });
});

describe("simulated calls, recall rounds and status pushes", () => {
  test("lifecycle 0 → 6 → 1 → 2, reports pushed in batches, recall round as a child task", async () => {
    const received: Record<string, unknown>[] = [];
    let failFirst = true;
    const receiver = createServer((req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        if (failFirst) {
          failFirst = false;
          res.writeHead(500).end();
          return;
        }
        received.push(...(JSON.parse(text) as { array: Record<string, unknown>[] }).array);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as { port: number }).port;
    try {
      const sim = await testSimulator({
        seed: 7,
        pushUrl: `http://127.0.0.1:${port}/reports`,
        pushRetryDelayMs: 0,
        outcomes: { connected: 1, noAnswer: 1, busy: 0, voicemail: 0, failed: 0 },
      });
      const client = testClient(sim);
      const recallFlow = { recallType: 1 as const, recallInterval: 10, recallNum: 1, nodeList: [{ agentId: "111" }] };
      const created = await client.createTask(body("with-recall", { recallFlow }, 40));
      const taskId = created.ok ? created.data.taskId! : 0;
      const task = () => sim.world.tasks.get(taskId)!;
      expect(task().status).toBe(TaskStatus.submitting);
      sim.advance(3_000);
      expect(task().status).toBe(TaskStatus.calling);
      sim.advance(30 * 60_000);
      expect(task().status).toBe(TaskStatus.finished);
      expect(task().success + task().fail).toBe(40);
      sim.advance(10 * 60_000);
      const child = [...sim.world.tasks.values()].find((t) => t.parentTaskId === taskId)!;
      expect(child).toMatchObject({ taskName: "with-recall-recall-1", agentId: 111, round: 1 });
      expect(child.callees).toHaveLength(task().fail);
      sim.advance(60 * 60_000);
      expect(child.status).toBe(TaskStatus.finished);
      for (let i = 0; i < 10 && received.length < 40 + child.callees.length; i++) await sim.tick();
      const stats = sim.stats().pushes;
      expect(stats.batchesFailed).toBe(1);
      expect(received).toHaveLength(40 + child.callees.length);
      expect(new Set(received.map((r) => r["voiceId"])).size).toBe(received.length);
      const recallReport = received.find((r) => r["taskId"] === child.taskId)!;
      expect(recallReport).toMatchObject({
        type: 1,
        sourceTaskId: taskId,
        outRecallCount: 1,
        scriptId: 111,
        intent: "99999",
      });
      const query = await client.queryTasks(WINDOW);
      expect(query).toMatchObject({ ok: true, data: { total: 2 } });
      const flows = await client.queryRecallFlows(WINDOW);
      expect(flows).toMatchObject({ ok: true, data: { records: [{ status: 2, finishNum: 1 }] } });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  test("the same seed gives the same outcomes", async () => {
    const outcomes = async () => {
      const sim = await testSimulator({ seed: 42 });
      await testClient(sim).createTask(body("seeded", {}, 30));
      sim.advance(3_000);
      sim.advance(3600_000);
      const t = [...sim.world.tasks.values()][0]!;
      return [t.success, t.fail];
    };
    expect(await outcomes()).toEqual(await outcomes());
  });

  // Issue 15: the flow is its own object; cancelling its parent task leaves it pending.
  test("cancel stops a waiting task, not its flow; the flow's own cancel does", async () => {
    const sim = await testSimulator();
    const client = testClient(sim);
    const recallFlow = { recallType: 0 as const, recallInterval: 10, recallNum: 1, nodeList: [{ agentId: "110" }] };
    const created = await client.createTask(body("cancel-flow", { sendTime: "2039-01-01 00:00:00", recallFlow }));
    const taskId = created.ok ? created.data.taskId! : 0;
    expect(await client.cancelTasks([taskId])).toMatchObject({ ok: true });
    expect(sim.world.tasks.get(taskId)!.status).toBe(TaskStatus.cancelled);
    expect(await client.queryRecallFlows(WINDOW)).toMatchObject({ ok: true, data: { records: [{ status: 0 }] } });
    expect(await client.cancelRecallFlow(2, taskId)).toMatchObject({ ok: true });
    expect(await client.queryRecallFlows(WINDOW)).toMatchObject({ ok: true, data: { records: [{ status: 3 }] } });
  });
});

describe("campaign simulator (CLI)", () => {
  test("prints its URL and the demo credentials, serves, and stops cleanly on SIGINT", async () => {
    const child = spawn(join(REPO, "bin", "campaign"), ["simulator", "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (c) => {
        stdout += c;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match && stdout.includes("stats:")) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect(stdout).toContain("LAAFFIC_API_KEY=demo-key LAAFFIC_API_SECRET=demo-secret");
    const stats = await request(`${url}/__sim/stats`);
    expect(await stats.body.json()).toMatchObject({ tasksCreated: 0 });
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exit).toBe(0);
    expect(stderr).toContain("simulator stopped (SIGINT)");
  });

  test("a port already in use is a clear error", async () => {
    const sim = await testSimulator();
    const child = spawn(join(REPO, "bin", "campaign"), ["simulator", "--port", String(sim.port)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot listen on 127.0.0.1:${sim.port}: EADDRINUSE`);
  });
});

describe("control endpoints for tests and benchmarks", () => {
  test("faults and time can be set over HTTP", async () => {
    const sim = await testSimulator();
    const control = async (path: string, payload: unknown) => {
      const response = await request(`${sim.url}/__sim/${path}`, { method: "POST", body: JSON.stringify(payload) });
      return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
    };
    expect(await control("faults", { endpoint: "create", fault: { platformCode: "-18", times: 1 } })).toMatchObject({
      status: 200,
    });
    expect(await testClient(sim).createTask(body("via-http"))).toMatchObject({
      ok: false,
      failure: { kind: "unknown", reason: expect.stringContaining("-18") },
    });
    expect(await control("faults", { endpoint: "nope" })).toMatchObject({ status: 400 });
    const before = sim.simNow();
    const advanced = await control("advance", { ms: 3600_000 });
    expect(Number(advanced.body["simNow"]) - before).toBeGreaterThanOrEqual(3600_000);
    const health = await request(`${sim.url}/__sim/health`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });
});
