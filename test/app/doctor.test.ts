import { describe, expect, test } from "vitest";
import { doctor } from "../../src/app/doctor.js";
import { simulatorEnv, tempDir, testSimulator } from "../helpers.js";
import { appContext } from "./context-fixture.js";

describe("doctor", () => {
  test("against the simulator with the demo account: every platform check passes, nothing is written", async () => {
    const sim = await testSimulator();
    const dir = await tempDir({ "campaign.config.yaml": "api:\n  appId: Jgd8oFei\n" });
    const report = await doctor({}, appContext(dir, simulatorEnv(sim)));
    const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      credentials: "pass",
      connection: "pass",
      "signed-request": "pass",
      clock: "pass",
      "answer-shape": "pass",
      "app-id": "pass",
      state: "pass",
    });
    expect(report.ok).toBe(true);
    expect(sim.stats().tasksCreated).toBe(0);
  });

  test("without credentials the platform checks are skipped and the credentials check fails", async () => {
    const report = await doctor({}, appContext(await tempDir()));
    expect(report.checks.find((c) => c.id === "credentials")?.status).toBe("fail");
    expect(report.checks.find((c) => c.id === "connection")?.status).toBe("skip");
    expect(report.ok).toBe(false);
  });
});
