import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// 2026-11-25: India is UTC+5:30 all year; New York UTC-5, Los Angeles UTC-8 in November.
const at = (utc: string) => Date.parse(`${utc}Z`);
const INDIA_1530 = at("2026-11-25T10:00:00");
const INDIA_2130 = at("2026-11-25T16:00:00");
const RAW_NUMBERS = ["919700000001", "12125550123", "14155550123", "80012345678"];

/** CLI and simulator on one clock the test sets (signatures need it to keep running). */
async function workspace(config: string, files: Record<string, string>) {
  let base = INDIA_1530;
  let realStart = Date.now();
  const clock = () => base + (Date.now() - realStart);
  const sim = await testSimulator({ now: clock });
  const dir = await tempDir({ "campaign.config.yaml": config, ...files });
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), clock());
  const setClock = (instant: number) => {
    base = instant;
    realStart = Date.now();
  };
  return { sim, dir, cli, setClock };
}

const noRawNumbers = (text: string) => {
  for (const n of RAW_NUMBERS) expect(text).not.toContain(n);
};

describe("calling hours in the callee's time zone", () => {
  test("an immediate send planned at 15:30 India time and applied at 21:30: apply refuses before any request", async () => {
    const { sim, cli, setClock } = await workspace("", { "campaigns/a.yaml": campaignYaml("evening") });
    expect((await cli("plan", "--out", "plan.json")).code).toBe(0);
    setClock(INDIA_2130);
    const refused = await cli("apply", "plan.json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error plan-has-errors: apply refuses to start: the first round of "evening" would ring from 21:30 in IN (Asia/Calcutta) on 2026-11-25, outside the calling hours 08:00–21:00 (1 recipient there, e.g. 9197•••••001) — an immediate send (now, 2026-11-26 00:00:00 Asia/Shanghai)',
    );
    expect(sim.stats().tasksCreated).toBe(0);
    // And the plan made at that moment shows it, in every format, numbers masked.
    const text = await cli("plan", "--detailed-exitcode");
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      'campaigns/a.yaml:1:1: error calling-hours: the first round of "evening" would ring from 21:30 in IN',
    );
    const markdown = await cli("plan", "--format", "markdown");
    expect(markdown.stdout).toContain("**calling-hours**");
    const json = JSON.parse((await cli("--json", "plan")).stdout);
    expect(json.findings).toContainEqual(
      expect.objectContaining({
        severity: "error",
        code: "calling-hours",
        file: "campaigns/a.yaml",
        line: 1,
        field: "/sendTime",
      }),
    );
    for (const output of [refused.stderr, text.stdout, markdown.stdout, JSON.stringify(json)]) noRawNumbers(output);
    setClock(INDIA_1530);
    expect((await cli("apply", "plan.json")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ evening: 1 });
  });

  test("sendTime is read in api.timezone and checked in each callee's zone, region by area code; per-country windows", async () => {
    // 22:30 in Shanghai = 14:30 UTC = 09:30 in New York, 06:30 in Los Angeles.
    const late = 'sendTime: "2030-01-10 22:30:00"\n';
    const { cli, dir } = await workspace("", {
      "campaigns/us.yaml": campaignYaml("us-coasts", late, ["12125550123", "14155550123"]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'error calling-hours: the first round of "us-coasts" would ring from 06:30 in US (America/Los_Angeles) on 2030-01-10, outside the calling hours 08:00–21:00 (1 recipient there, e.g. 1415••••123) — sendTime 2030-01-10 22:30:00 (Asia/Shanghai)',
    );
    expect(plan.stdout).not.toContain("America/New_York");
    noRawNumbers(plan.stdout);
    await writeFile(
      join(dir, "campaign.config.yaml"),
      'guards:\n  callingHours:\n    start: "09:00"\n    end: "20:00"\n    countries:\n      US: { start: "06:00", end: "22:00" }\n',
    );
    expect((await cli("plan")).code).toBe(0);
    await writeFile(join(dir, "campaign.config.yaml"), "guards:\n  callingHours: false\n");
    expect((await cli("plan")).code).toBe(0);
  });

  test("a number that does not tell its zone fails closed, unless the campaign names a timezone", async () => {
    const { cli, dir } = await workspace("", {
      "campaigns/free.yaml": campaignYaml("freephone", 'sendTime: "2030-01-10 14:00:00"\n', ["80012345678"]),
    });
    const plan = await cli("plan");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'error calling-hours-unknown-zone: "freephone": the local time of 1 recipient (no known country, e.g. 8001••••678) cannot be told from the number',
    );
    // 14:00 in Shanghai is 07:00 in Berlin (outside) and 11:30 in India (inside).
    const declare = (zone: string) =>
      writeFile(
        join(dir, "campaigns/free.yaml"),
        campaignYaml("freephone", `sendTime: "2030-01-10 14:00:00"\ntimezone: ${zone}\n`, ["80012345678"]),
      );
    await declare("Europe/Berlin");
    expect((await cli("plan")).stdout).toContain(
      "would ring from 07:00 in a non-geographic range (Europe/Berlin) on 2030-01-10, outside the calling hours 08:00–21:00 (1 recipient",
    );
    await declare("Asia/Kolkata");
    expect((await cli("plan")).code).toBe(0);
    await declare("Mars/Olympus_Mons");
    const bad = await cli("validate");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      'campaigns/free.yaml:5:11: error unknown-time-zone: timezone "Mars/Olympus_Mons" is not an IANA time zone',
    );
  });
});
