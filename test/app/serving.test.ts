import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { receive } from "../../src/app/receive.js";
import { serveSimulator } from "../../src/app/simulator.js";
import { isToolError } from "../../src/errors/index.js";
import { openSqliteStore } from "../../src/reports/index.js";
import { reportRecord, tempDir } from "../helpers.js";
import { appContext, manualInterrupts } from "./context-fixture.js";

const SIMULATOR = {
  port: "0",
  host: "127.0.0.1",
  speed: "60",
  seed: "1",
  timezone: "Asia/Shanghai",
  reportShape: "docs",
  createAnswer: "int",
};

describe("serveSimulator", () => {
  test("listens, describes itself, and stops on the first signal", async () => {
    const context = appContext(await tempDir());
    const interrupts = manualInterrupts();
    const serving = await serveSimulator(SIMULATOR, context, interrupts);
    expect(serving.reportShape).toBe("docs");
    expect(serving.started).toMatchObject({ command: "simulator", speed: 60, account: { apiKey: "demo-key" } });
    const stats = await request(serving.started.statsUrl);
    expect(await stats.body.json()).toMatchObject({ tasksCreated: 0 });
    const stopped = serving.untilStopped();
    interrupts.send("SIGTERM");
    await stopped;
    expect(context.events.notices).toEqual(["simulator stopped (SIGTERM)\n"]);
    expect(interrupts.listening).toBe(false);
  });

  test.each([
    [{ speed: "0" }, "--speed must be a positive number"],
    [{ reportShape: "pretty" }, "--report-shape must be one of convenient, docs"],
    [{ seed: "-1" }, "--seed must be a whole number"],
  ])("%o is a usage error, and nothing keeps listening", async (change, message) => {
    const interrupts = manualInterrupts();
    const failed = await serveSimulator({ ...SIMULATOR, ...change }, appContext(await tempDir()), interrupts).catch(
      (error: unknown) => error,
    );
    expect(isToolError(failed) && failed.code === "usage" && failed.message).toContain(message);
    expect(interrupts.listening).toBe(false);
  });
});

describe("receive", () => {
  test("stores what is pushed to its address, logs its stop as notices", async () => {
    const dir = await tempDir();
    const context = appContext(dir, { CAMPAIGN_RECEIVER_TOKEN: "a-test-token-0123456789" });
    const interrupts = manualInterrupts();
    const serving = await receive({ port: "0", store: "r.db" }, {}, context, interrupts);
    expect(serving.started).toMatchObject({ command: "receive", store: "r.db", tokenGenerated: false });
    expect(serving.started.reportUrl).toMatch(/\/reports\/<CAMPAIGN_RECEIVER_TOKEN>$/);
    const pushed = await request(`${serving.started.url}/reports/a-test-token-0123456789`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ array: [reportRecord("v1")] }),
    });
    expect(pushed.statusCode).toBe(200);
    await pushed.body.dump();
    const stopped = serving.untilStopped();
    interrupts.send("SIGINT");
    await stopped;
    const events = context.events.notices.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e["event"])).toContain("stopped");
    expect(interrupts.listening).toBe(false);
    const store = openSqliteStore(join(dir, "r.db"), { storeNumbers: false, mustExist: true });
    expect(await store.count()).toBe(1);
    await store.close();
  });

  test("a port in use is a usage error, and nothing keeps listening", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    const interrupts = manualInterrupts();
    try {
      const failed = await receive(
        { port: String(port), store: "r.db" },
        {},
        appContext(await tempDir()),
        interrupts,
      ).catch((error: unknown) => error);
      expect(isToolError(failed) && failed.code === "usage" && failed.message).toContain("cannot listen on");
      expect(interrupts.listening).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
