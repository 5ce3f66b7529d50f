import { describe, expect, it } from "vitest";
import { runDoctor, type DoctorPorts, type StateProbe } from "../../src/doctor/index.js";
import { outcomeUnknown, platformError, type PlatformProbe } from "../../src/laaffic/index.js";
import type { DoctorCheck } from "../../src/schema/generated/index.js";

// The use case with its ports injected: each kind of platform answer and local setting, and
// the line it becomes. The CLI test (test/cli/doctor.test.ts) runs it against the fake platform.

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const settings: DoctorPorts["settings"] = {
  api: {
    baseUrl: "https://user:pw@api.example.test/",
    pathPrefix: "/v3",
    appId: "Jgd8oFei",
    timeoutMs: 1000,
    parallelism: 4,
    timezone: "Asia/Shanghai",
    reconcileAfterSeconds: 120,
  },
  receiver: { host: "127.0.0.1", port: 8766, token: "t".repeat(24), allowIps: undefined, maxBodyBytes: 1024 },
};
const env = { LAAFFIC_API_KEY: "key-0001", LAAFFIC_API_SECRET: "secret-0001" };
const freshState: StateProbe = {
  location: ".campaign/state.json",
  read: { ok: true, serial: 3 },
  lock: { kind: "file", found: undefined },
};
const healthy: PlatformProbe = {
  http: { status: 200, date: new Date(NOW).toUTCString() },
  answer: { ok: true, records: 0 },
};

async function check(probe: PlatformProbe, overrides: Partial<DoctorPorts> = {}) {
  const windows: unknown[] = [];
  const report = await runDoctor({
    env,
    settings,
    now: () => NOW,
    probe: async (_c, w) => (windows.push(w), probe),
    state: async () => freshState,
    ...overrides,
  });
  const byId = new Map<string, DoctorCheck>(report.checks.map((c) => [c.id, c]));
  return { report, byId, windows };
}

describe("runDoctor", () => {
  it("asks about the last day in the platform's zone and shows the address without user or password", async () => {
    const { report, windows } = await check(healthy);
    expect(windows).toEqual([{ strTime: "2026-11-24 20:00:00", endTime: "2026-11-25 20:00:00" }]);
    expect(report.platform).toBe("https://api.example.test/v3");
    expect(report).toMatchObject({ ok: true, summary: { passed: 9, warnings: 0, failed: 0, skipped: 0 } });
  });

  it("turns each kind of answer into its line", async () => {
    const cases: [PlatformProbe, string, DoctorCheck["status"], RegExp][] = [
      [
        {
          http: { status: 404 },
          failure: platformError("http-404", "the platform refused the request with HTTP 404", 404),
        },
        "signed-request",
        "fail",
        /api\.pathPrefix/,
      ],
      [
        { http: { status: 502 }, failure: outcomeUnknown("the platform answered HTTP 502") },
        "signed-request",
        "fail",
        /HTTP 502/,
      ],
      [
        { http: { status: 200 }, failure: outcomeUnknown("the platform's answer (HTTP 200) could not be read") },
        "answer-shape",
        "fail",
        /not the documented envelope/,
      ],
      [{ http: { status: 200 }, answer: { ok: true, records: 1 } }, "clock", "warn", /no readable Date header/],
      [
        { http: { status: 200, date: "yesterday-ish" }, answer: { ok: true, records: 1 } },
        "clock",
        "warn",
        /no readable Date header/,
      ],
      [
        { failure: outcomeUnknown("the connection was reset after the request was sent") },
        "connection",
        "fail",
        /TCP: the connection was reset/,
      ],
      [
        { failure: { kind: "unreachable", reason: "no connection within api.timeoutMs", hint: "" } },
        "connection",
        "fail",
        /TCP: no connection within api\.timeoutMs[\s\S]*raise api\.timeoutMs/,
      ],
    ];
    for (const [probe, id, status, summary] of cases) {
      const { byId, report } = await check(probe);
      expect(byId.get(id), id).toMatchObject({ status });
      expect(`${byId.get(id)!.summary} ${byId.get(id)!.fix ?? ""}`, id).toMatch(summary);
      expect(report.ok, id).toBe(status !== "fail");
    }
  });

  it("warns about a receiver that cannot keep its address or needs privileges, and reads an unreachable state as a failure", async () => {
    const noToken = await check(healthy, {
      settings: { ...settings, receiver: { ...settings.receiver, token: undefined } },
    });
    expect(noToken.byId.get("receiver")).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("CAMPAIGN_RECEIVER_TOKEN"),
    });
    const lowPort = await check(healthy, { settings: { ...settings, receiver: { ...settings.receiver, port: 80 } } });
    expect(lowPort.byId.get("receiver")).toMatchObject({ status: "warn" });
    const pg = await check(healthy, {
      state: async () => ({
        location: "postgres://db/campaigns (schema laaffic_campaign)",
        read: { ok: false, problem: "cannot connect: connection refused", hint: "check CAMPAIGN_PG_URL" },
      }),
    });
    expect(pg.byId.get("state")).toMatchObject({ status: "fail", fix: "check CAMPAIGN_PG_URL" });
    expect(pg.byId.get("state-lock")).toMatchObject({ status: "skip" });
    expect(pg.report.ok).toBe(false);
  });
});
