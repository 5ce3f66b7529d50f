import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { ASSUMED_CALL_STATUS_OUTCOME, ASSUMED_SIP_CODE_OUTCOME } from "../../src/laaffic/assumptions.js";
import { parseBatch, type CallReport } from "../../src/reports/index.js";
import type { OutcomesReport } from "../../src/schema/generated/index.js";
import { reportRecord, runCli, tempDir } from "../helpers.js";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const SHANGHAI = { timeZone: "Asia/Shanghai", now: NOW };

/** One record with only the fields the docs confirm (no taskId, no callStatus), plus `extra`. */
const sparse = (voiceId: string, extra: Record<string, unknown>): Record<string, unknown> => {
  const { taskId: _t, callStatus: _c, terminationCode: _tc, ...rest } = reportRecord(voiceId);
  return { ...rest, ...extra };
};
const parsed = (records: Record<string, unknown>[], times = SHANGHAI): CallReport[] => {
  const batch = parseBatch(records, times);
  expect(batch.bad).toEqual([]);
  return batch.reports;
};

describe("outcome as the docs allow it: callStatus, else sipCode, else terminationCode", () => {
  test("every sipCode of the table, as a number and as text, with any terminationCode", () => {
    for (const [code, outcome] of Object.entries(ASSUMED_SIP_CODE_OUTCOME)) {
      for (const sipCode of [Number(code), code, ` ${code}`]) {
        for (const terminationCode of [undefined, "0", "1", "486"]) {
          const [report] = parsed([
            sparse(`s-${code}`, {
              sipCode,
              ...(terminationCode !== undefined ? { terminationCode } : {}),
            }),
          ]);
          expect(report!.outcome, `sipCode ${JSON.stringify(sipCode)} terminationCode ${terminationCode}`).toBe(
            outcome,
          );
        }
      }
    }
    expect(parsed([sparse("busy", { sipCode: 486 })])[0]!.outcome).toBe("busy");
  });

  test("callStatus wins over sipCode; an unknown callStatus falls through", () => {
    for (const [status, outcome] of Object.entries(ASSUMED_CALL_STATUS_OUTCOME)) {
      expect(parsed([sparse("c", { callStatus: Number(status), sipCode: 486 })])[0]!.outcome).toBe(outcome);
    }
    expect(parsed([sparse("c", { callStatus: 99, sipCode: 486 })])[0]!.outcome).toBe("busy");
  });

  test("no callStatus and no known sipCode: terminationCode 0 and 200 connect, anything else fails", () => {
    const cases: [unknown, string][] = [
      ["0", "connected"],
      ["200", "connected"],
      [0, "connected"],
      [200, "connected"],
      [" 0 ", "connected"],
      ["1", "failed"],
      ["-1", "failed"],
      ["", "failed"],
      [null, "failed"],
      [{}, "failed"],
      ["00", "failed"],
    ];
    for (const sipCode of [undefined, 503, "abc", "", 183]) {
      for (const [terminationCode, outcome] of cases) {
        const [report] = parsed([
          sparse("t", {
            terminationCode,
            ...(sipCode !== undefined ? { sipCode } : {}),
          }),
        ]);
        expect(report!.outcome, `sipCode ${String(sipCode)} terminationCode ${JSON.stringify(terminationCode)}`).toBe(
          outcome,
        );
      }
    }
    expect(parsed([sparse("none", {})])[0]!.outcome).toBe("failed");
  });
});

describe("report times: epoch ms or yyyyMMddHHmmss on the platform's clock; nonsense dropped and counted", () => {
  test("the same instant in every accepted form, in several zones", () => {
    const instant = Date.UTC(2026, 10, 30, 1, 30, 15);
    const zones: [string, string][] = [
      ["Asia/Shanghai", "20261130093015"],
      ["UTC", "20261130013015"],
      ["America/New_York", "20261129203015"],
      ["Asia/Kolkata", "20261130070015"],
    ];
    for (const [timeZone, wall] of zones) {
      const forms = [
        instant,
        String(instant),
        wall,
        Number(wall),
        `${wall.slice(0, 4)}-${wall.slice(4, 6)}-${wall.slice(6, 8)} ${wall.slice(8, 10)}:${wall.slice(10, 12)}:${wall.slice(12)}`,
      ];
      for (const hangupTime of forms) {
        const [report] = parsed([sparse("t", { hangupTime })], {
          timeZone,
          now: NOW,
        });
        expect(report!.hangupTime, `${timeZone} ${JSON.stringify(hangupTime)}`).toBe(instant);
        expect(report!.unreadableTimes).toBe(0);
      }
    }
  });

  test("times that make no sense are dropped and counted, never read as the year 2610", () => {
    const nonsense: unknown[] = [
      "26100101000000",
      26_100_101_000_000,
      "19991231235959",
      946_684_799_999,
      1_000,
      "20261301000000",
      "20260230120000",
      "20261201246000",
      "2026-13-01 00:00:00",
      NOW + 367 * 86_400_000,
      String(NOW + 400 * 86_400_000),
      -5,
      1.5,
      "abc",
      "1e12",
      {},
      [],
      true,
      "2026-12-01T00:00:00Z",
      "０１２",
    ];
    for (const value of nonsense) {
      for (const field of ["hangupTime", "callTime", "answerTime"]) {
        const [report] = parsed([sparse("n", { hangupTime: NOW - 1_000, [field]: value })]);
        expect(report!.unreadableTimes, `${field} ${JSON.stringify(value)}`).toBe(1);
        expect(report!.hangupTime).toBe(field === "hangupTime" ? null : NOW - 1_000);
      }
    }
    // Absent, or "did not happen" (an unanswered call's answerTime 0): no time, nothing to count.
    for (const value of [undefined, null, "", 0, "0"])
      expect(parsed([sparse("a", { answerTime: value, hangupTime: NOW })])[0]!.unreadableTimes).toBe(0);
    // Within the window: 2000-01-01 and a year ahead.
    for (const value of [Date.UTC(2000, 0, 1), NOW + 365 * 86_400_000, "20000101080000"])
      expect(parsed([sparse("w", { hangupTime: value })])[0]!.unreadableTimes).toBe(0);
  });
});

describe("billed figures are labelled as what they are", () => {
  test("aiAgentBillPeriod is never read as seconds; chargedDuration is billed line time", () => {
    for (const aiAgentBillPeriod of [60, "60", "60+60", "6+6", undefined]) {
      const [report] = parsed([
        sparse("b", {
          aiAgentBillPeriod,
          aiAgentChargedDuration: 35,
          chargedDuration: 60,
          billPeriod: "60+60",
        }),
      ]);
      expect(report).toMatchObject({
        aiAgentBilledSeconds: 35,
        billedLineSeconds: 60,
      });
      const [without] = parsed([sparse("b", { aiAgentBillPeriod, aiAgentChargedDuration: undefined })]);
      expect(without!.aiAgentBilledSeconds).toBe(0);
    }
    for (const chargedDuration of ["60+60", -1, 1.5, "x"])
      expect(parsed([sparse("d", { chargedDuration })])[0]!.billedLineSeconds).toBe(0);
  });

  test("outcomes in text, markdown and JSON say billed line time and AI-agent billed time, and count dropped times", async () => {
    const records = [
      reportRecord("l1", {
        taskId: 4242,
        chargedDuration: 120,
        aiAgentChargedDuration: 90,
        aiAgentBillPeriod: "60+60",
      }),
      reportRecord("l2", {
        taskId: 4242,
        hangupTime: "26100101000000",
        callTime: 26_100_101_000_000,
      }),
    ];
    const dir = await tempDir({ "push.json": JSON.stringify(records) });
    expect((await runCli(["reports", "import", "push.json", "--store", "r.db"], dir)).code).toBe(0);
    const text = await runCli(["outcomes", "--store", "r.db"], dir);
    expect(text.stdout.split("\n")[0]).toBe("2 report times could not be read");
    const markdown = await runCli(["outcomes", "--store", "r.db", "--format", "markdown"], dir);
    expect(markdown.stdout).toContain("> **2 report times could not be read**");
    const json = JSON.parse((await runCli(["--json", "outcomes", "--store", "r.db"], dir)).stdout) as OutcomesReport;
    expect(json.unreadableTimes).toBe(2);
    for (const output of [text.stdout, markdown.stdout, JSON.stringify(json)]) expect(output).not.toMatch(/2610|2797/);
  });
});

describe("stores written before report times were checked", () => {
  test("an old SQLite store gains the count column and keeps its reports", async () => {
    const dir = await tempDir({
      "push.json": JSON.stringify([reportRecord("new-1", { taskId: 5150, hangupTime: "not a time" })]),
    });
    const old = new Database(join(dir, "r.db"));
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1'), ('salt', 'abcd');
      CREATE TABLE reports (voice_id TEXT NOT NULL UNIQUE, task_id INTEGER, source_task_id INTEGER, recall_round INTEGER, callee_hash TEXT, callee_masked TEXT, callee TEXT,
        outcome TEXT NOT NULL, intent TEXT, talk_seconds INTEGER NOT NULL DEFAULT 0, ai_billed_seconds INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0, ai_fee REAL NOT NULL DEFAULT 0,
        currency TEXT, hangup_time INTEGER, received_at TEXT NOT NULL, record TEXT NOT NULL);
      INSERT INTO reports (voice_id, task_id, outcome, received_at, record) VALUES ('old-1', 5150, 'busy', '2026-01-01T00:00:00Z', '{}');`);
    old.close();
    expect((await runCli(["reports", "import", "push.json", "--store", "r.db"], dir)).code).toBe(0);
    const json = JSON.parse((await runCli(["--json", "outcomes", "--store", "r.db"], dir)).stdout) as OutcomesReport;
    expect(json).toMatchObject({
      unmatched: [{ taskId: 5150, calls: 2, reason: "task-not-in-state" }],
      unreadableTimes: 1,
    });
  });
});

describe("campaign simulator --report-shape", () => {
  test("only convenient or docs", async () => {
    const dir = await tempDir();
    for (const shape of ["sparse", "", "DOCS", "docs "]) {
      const run = await runCli(["simulator", "--port", "0", "--report-shape", shape], dir);
      expect(run.code, shape).toBe(1);
      expect(run.stderr).toContain("--report-shape must be one of convenient, docs");
    }
  });
});
