import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { campaignYaml, daytimeNow, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

// India is UTC+5:30 all year, 2:30 behind Shanghai (api.timezone's default): 12:30 in Shanghai is 10:00 in India.
const HOUR = 3_600_000;
const NUMBER = "919700000001";

const recall = (interval: number, rounds: number) =>
  `recallFlow:\n  recallType: 1\n  recallInterval: ${interval}\n  recallNum: ${rounds}\n  nodeList: [${Array.from({ length: rounds }, () => '{agentId: "110"}').join(", ")}]\n`;
const at = (sendTime: string) => `sendTime: "${sendTime}"\n`;

/** CLI and simulator on one running clock (daytimeNow: 17:30 in India), which a test may move. */
async function workspace(config: string, files: Record<string, string>) {
  let shift = 0;
  const clock = () => daytimeNow() + shift;
  const sim = await testSimulator({ now: clock });
  const dir = await tempDir({ "campaign.config.yaml": config, ...files });
  const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), clock());
  /** An apply on a terminal that asks, whose answer comes when `answer` says (the clock running on). */
  const interactiveApply = async (answer: () => string) => {
    let output = "";
    const terminal = {
      out: (t: string) => void (output += t),
      err: (t: string) => void (output += t),
      color: false,
      isTTY: true,
      ask: () => Promise.resolve(answer()),
    };
    const code = await main(["apply"], { cwd: dir, env: { ...simulatorEnv(sim), CI: "1" }, now: clock }, terminal);
    return { code, output };
  };
  /** Moves the clock to the given India wall time (HH:mm) of the same day. */
  const setIndiaTime = (time: string) => {
    const [h, m] = time.split(":").map(Number) as [number, number];
    shift = 0;
    const india = new Date(clock() + 5.5 * HOUR);
    shift = Date.UTC(india.getUTCFullYear(), india.getUTCMonth(), india.getUTCDate(), h, m) - 5.5 * HOUR - daytimeNow();
  };
  const requests = () => Object.values(sim.stats().requests).reduce((n, c) => n + c, 0);
  const write = (path: string, text: string) => writeFile(join(dir, path), text);
  return { sim, cli, interactiveApply, setIndiaTime, requests, write };
}

/** A CSV of n Indian numbers. */
const csv = (n: number) =>
  "calleeNumber\n" + Array.from({ length: n }, (_, i) => `9197${String(i).padStart(8, "0")}`).join("\n") + "\n";
const fromCsv = (taskName: string, extra: string) =>
  `taskName: ${taskName}\nappId: Jgd8oFei\nagentId: 110\n${extra}recipientsFile: people.csv\n`;

describe("calling hours for every round", () => {
  test("a recall round that would ring at 21:30 in India: plan exits 1 naming the round, apply sends nothing; a 2-hour interval plans and applies", async () => {
    // First round 10:00 India time; 345 minutes later 15:45, then 21:30.
    const { sim, cli, requests, write } = await workspace("", {
      "campaigns/a.yaml": campaignYaml("dues-north", at("2036-04-01 12:30:00") + recall(345, 2)),
    });
    const plan = await cli("plan", "--detailed-exitcode");
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain(
      'campaigns/a.yaml:1:1: error calling-hours: recall round 2 of "dues-north" would ring from 21:30 in IN (Asia/Calcutta) on 2036-04-01, outside the calling hours 08:00–21:00 (1 recipient there, e.g. 9197•••••001) — sendTime 2036-04-01 12:30:00 (Asia/Shanghai); the round may ring 2036-04-02 00:00–00:01 Asia/Shanghai: 1 recipient at 30 dials a minute (assumed: the platform publishes no pacing; set guards.dialsPerMinute), recallInterval 345 min',
    );
    expect(plan.stdout).not.toContain(NUMBER);
    const json = JSON.parse((await cli("--json", "plan")).stdout);
    expect(json.findings).toContainEqual(
      expect.objectContaining({ code: "calling-hours", field: "/recallFlow/recallInterval", line: 1 }),
    );
    const apply = await cli("apply", "--auto-approve");
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("apply refuses to start");
    expect(requests()).toBe(0);

    await write("campaigns/a.yaml", campaignYaml("dues-north", at("2036-04-01 12:30:00") + recall(120, 2)));
    expect((await cli("plan", "--detailed-exitcode")).code).toBe(2);
    expect((await cli("apply", "--auto-approve")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "dues-north": 1 });
  });

  test("a first round that runs past 21:00: the dialling span is recipients ÷ guards.dialsPerMinute, else 30 × calloutRate a minute", async () => {
    // 20:00 India time; 2,000 recipients take 67 minutes at 30 a minute, 23 at 90 (calloutRate 3).
    const { cli, write, requests } = await workspace("", {
      "campaigns/people.csv": csv(2000),
      "campaigns/long.yaml": fromCsv("long-round", at("2036-04-01 22:30:00")),
    });
    const slow = await cli("plan");
    expect(slow.code).toBe(1);
    expect(slow.stdout).toContain(
      'error calling-hours: the first round of "long-round" would ring from 21:00 in IN (Asia/Calcutta) on 2036-04-01, outside the calling hours 08:00–21:00 (2000 recipients there, e.g. 9197•••••000) — sendTime 2036-04-01 22:30:00 (Asia/Shanghai); the round may ring 2036-04-01 22:30–23:37 Asia/Shanghai: 2000 recipients at 30 dials a minute (assumed',
    );
    await write("campaigns/long.yaml", fromCsv("long-round", at("2036-04-01 22:30:00") + "calloutRate: 3\n"));
    expect((await cli("plan")).code).toBe(0);
    // A configured pace wins over the assumption, whatever the calloutRate.
    for (const [pace, code] of [
      [20, 1],
      [30, 1],
      [40, 0],
      [1000, 0],
    ] as const) {
      await write("campaign.config.yaml", `guards:\n  dialsPerMinute: ${pace}\n`);
      const run = await cli("plan");
      expect(run.code, `dialsPerMinute ${pace}`).toBe(code);
      if (code === 1) expect(run.stdout).toContain(`: 2000 recipients at ${pace} dials a minute\n`);
    }
    expect(requests()).toBe(0);
  });

  test("guards.callingHours.days: each weekday of a week against mon–fri, globally and per country; a recall round that reaches Saturday", async () => {
    const { cli, write } = await workspace("guards:\n  callingHours:\n    days: [mon, tue, wed, thu, fri]\n", {
      "campaigns/a.yaml": "",
    });
    // 2036-04-07 is a Monday.
    const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    for (let i = 0; i < 7; i++) {
      const date = `2036-04-${String(7 + i).padStart(2, "0")}`;
      await write("campaigns/a.yaml", campaignYaml("weekday", at(`${date} 12:30:00`)));
      const run = await cli("plan");
      expect(run.code, date).toBe(i < 5 ? 0 : 1);
      if (i >= 5)
        expect(run.stdout).toContain(
          `error calling-hours: the first round of "weekday" would ring from 10:00 in IN (Asia/Calcutta) on ${days[i]} ${date}, not one of the calling days mon, tue, wed, thu, fri (1 recipient there`,
        );
    }
    // Friday 10:00, recalled a day later: the recall round rings on Saturday.
    await write("campaigns/a.yaml", campaignYaml("weekday", at("2036-04-11 12:30:00") + recall(1440, 1)));
    expect((await cli("plan")).stdout).toContain(
      'recall round 1 of "weekday" would ring from 10:00 in IN (Asia/Calcutta) on Saturday 2036-04-12, not one of the calling days',
    );
    // Per country: India's own days replace the global ones; another country's do not touch India.
    await write("campaigns/a.yaml", campaignYaml("weekday", at("2036-04-12 12:30:00")));
    await write(
      "campaign.config.yaml",
      "guards:\n  callingHours:\n    days: [mon, tue, wed, thu, fri]\n    countries:\n      IN: { days: [sat, sun] }\n",
    );
    expect((await cli("plan")).code).toBe(0);
    await write(
      "campaign.config.yaml",
      'guards:\n  callingHours:\n    countries:\n      US: { days: [mon] }\n      IN: { days: [mon, tue], start: "09:00" }\n',
    );
    expect((await cli("plan")).stdout).toContain("on Saturday 2036-04-12, not one of the calling days mon, tue");
    await write("campaign.config.yaml", "guards:\n  callingHours:\n    countries:\n      US: { days: [mon] }\n");
    expect((await cli("plan")).code).toBe(0);
  });

  test("guards.callingHours.blackoutDates, globally and per country, in the callee's local date", async () => {
    // 02:00 on 2 April in Shanghai is 23:30 on 1 April in India: the callee's date is the 1st.
    const allDay = (more: string, guards = "") =>
      `guards:\n${guards}  callingHours:\n    start: "00:00"\n    end: "24:00"\n${more}`;
    const { cli, write } = await workspace(allDay(""), {
      "campaigns/a.yaml": campaignYaml("holiday", at("2036-04-02 02:00:00")),
    });
    expect((await cli("plan")).code).toBe(0);
    const cases: [string, boolean][] = [
      ['    blackoutDates: ["2036-04-01"]\n', true],
      ['    blackoutDates: ["2036-04-02", "2036-12-25"]\n', false],
      ['    countries:\n      IN: { blackoutDates: ["2036-04-01"] }\n', true],
      ['    countries:\n      US: { blackoutDates: ["2036-04-01"] }\n', false],
      // A country's dates add to the global ones.
      ['    blackoutDates: ["2036-04-01"]\n    countries:\n      IN: { blackoutDates: ["2036-12-25"] }\n', true],
    ];
    for (const [more, refused] of cases) {
      await write("campaign.config.yaml", allDay(more));
      const run = await cli("plan");
      expect(run.code, more).toBe(refused ? 1 : 0);
      if (refused)
        expect(run.stdout).toContain(
          'error calling-hours: the first round of "holiday" would ring from 23:30 in IN (Asia/Calcutta) on 2036-04-01, a blackout date (1 recipient there',
        );
    }
    // A round that runs into a blackout date is stopped at its midnight: 40 minutes from 23:30.
    await write("campaign.config.yaml", allDay('    blackoutDates: ["2036-04-02"]\n', "  dialsPerMinute: 1\n"));
    await write(
      "campaigns/a.yaml",
      campaignYaml(
        "holiday",
        at("2036-04-02 02:00:00"),
        Array.from({ length: 40 }, (_, i) => `9197000001${String(i).padStart(2, "0")}`),
      ),
    );
    expect((await cli("plan")).stdout).toContain(
      "would ring from 00:00 in IN (Asia/Calcutta) on 2036-04-02, a blackout date",
    );
  });

  test("apply checks with its own clock: planned at 10:00, applied at 20:50, an immediate send whose recall round spills past 21:00 is refused with no request", async () => {
    const { cli, setIndiaTime, requests, sim } = await workspace("", {
      "campaigns/a.yaml": campaignYaml("evening-recall", recall(30, 1)),
    });
    setIndiaTime("10:00");
    const plan = await cli("plan", "--out", "plan.json");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/rounds +=/);
    setIndiaTime("20:50");
    const refused = await cli("apply", "plan.json");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'apply refuses to start: recall round 1 of "evening-recall" would ring from 21:20 in IN (Asia/Calcutta)',
    );
    expect(refused.stderr).toContain("an immediate send (now, ");
    expect(requests()).toBe(0);
    setIndiaTime("10:05");
    expect((await cli("apply", "plan.json")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "evening-recall": 1 });
  });

  test("an apply that waits for its yes checks again once it has it: answered at 20:50, the recall round would ring at 21:20", async () => {
    const { interactiveApply, setIndiaTime, requests, sim } = await workspace("", {
      "campaigns/a.yaml": campaignYaml("asked-late", recall(30, 1)),
    });
    setIndiaTime("10:00");
    const late = await interactiveApply(() => {
      setIndiaTime("20:50");
      return "yes";
    });
    expect(late.code).toBe(1);
    expect(late.output).toContain(
      'apply refuses to start: recall round 1 of "asked-late" would ring from 21:20 in IN (Asia/Calcutta)',
    );
    expect(requests()).toBe(0);
    setIndiaTime("10:00");
    expect((await interactiveApply(() => "yes")).code).toBe(0);
    expect(sim.stats().tasksCreatedByName).toEqual({ "asked-late": 1 });
  });

  test("text, markdown and JSON plans carry the rounds: start and end of each, the first few listed", async () => {
    const { cli, write } = await workspace("guards:\n  dialsPerMinute: 1\n", {
      "campaigns/a.yaml": campaignYaml("rounds", at("2036-04-01 12:30:00") + recall(60, 2), [NUMBER, "919700000002"]),
    });
    const text = await cli("plan");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "rounds     = 1st 2036-04-01 12:30–12:32, recall 1 13:32–13:34, recall 2 14:32–14:36 (Asia/Shanghai; 1 dials/min)",
    );
    expect((await cli("plan", "--format", "markdown")).stdout).toContain(
      "; rounds 1st 2036-04-01 12:30–12:32, recall 1 13:32–13:34, recall 2 14:32–14:36 (Asia/Shanghai; 1 dials/min)",
    );
    const json = JSON.parse((await cli("--json", "plan")).stdout);
    expect(json.entries[0].rounds).toEqual({
      timeZone: "Asia/Shanghai",
      dialsPerMinute: 1,
      dialsPerMinuteAssumed: false,
      times: [
        { start: "2036-04-01T04:30:00.000Z", end: "2036-04-01T04:32:00.000Z" },
        { start: "2036-04-01T05:32:00.000Z", end: "2036-04-01T05:34:00.000Z" },
        { start: "2036-04-01T06:32:00.000Z", end: "2036-04-01T06:36:00.000Z" },
      ],
    });
    // Ten recall rounds: four listed, then how many more and until when; a new date where it changes.
    await write("campaign.config.yaml", "guards:\n  callingHours: false\n");
    await write("campaigns/a.yaml", campaignYaml("rounds", at("2036-04-01 12:30:00") + recall(240, 10)));
    expect((await cli("plan")).stdout).toContain(
      "rounds     = 1st 2036-04-01 12:30–12:31, recall 1 16:30–16:31, recall 2 20:30–20:31, recall 3 2036-04-02 00:30–00:31, +7 more, until 2036-04-03 04:31 (Asia/Shanghai; 30 dials/min, assumed)",
    );
  });

  test("invalid guard values are errors at their config line", async () => {
    const { cli, write } = await workspace("", { "campaigns/a.yaml": campaignYaml("any") });
    const cases: [string, string][] = [
      ["dialsPerMinute: 0", "2:19: error out-of-range: guards.dialsPerMinute is 0 but must be at least 1"],
      ["dialsPerMinute: 2.5", "2:19: error wrong-type: guards.dialsPerMinute must be an integer"],
      ['dialsPerMinute: "30"', "2:19: error wrong-type: guards.dialsPerMinute must be an integer, not a string"],
      [
        "callingHours:\n    days: [mon, funday]",
        '3:17: error invalid-value: guards.callingHours.days[1] is "funday" but must be one of "mon", "tue"',
      ],
      [
        "callingHours:\n    days: []",
        "3:11: error invalid-length: guards.callingHours.days has 0 entries but must have at least 1",
      ],
      [
        "callingHours:\n    days: [mon, mon]",
        "3:11: error duplicate-value: guards.callingHours.days lists the same value twice",
      ],
      ["callingHours:\n    days: Monday", "3:11: error wrong-type: guards.callingHours.days must be an array"],
      [
        'callingHours:\n    blackoutDates: ["2036-02-30"]',
        '3:21: error invalid-value: guards.callingHours.blackoutDates[0] "2036-02-30" is not a real date in the form YYYY-MM-DD',
      ],
      [
        'callingHours:\n    blackoutDates: ["2036-4-1"]',
        "3:21: error invalid-value: guards.callingHours.blackoutDates[0]",
      ],
      [
        'callingHours:\n    blackoutDates: ["2036-04-01", "2036-04-01"]',
        "3:20: error duplicate-value: guards.callingHours.blackoutDates lists the same value twice",
      ],
      [
        'callingHours:\n    end: "21:60"',
        '3:10: error invalid-value: guards.callingHours.end "21:60" is not a time of day in the form HH:mm',
      ],
      [
        "callingHours:\n    countries:\n      IN: { days: [Mon] }",
        '4:20: error invalid-value: guards.callingHours.countries.IN.days[0] is "Mon" but must be one of',
      ],
      [
        'callingHours:\n    countries:\n      IN: { blackoutDates: ["01.04.2036"] }',
        "4:29: error invalid-value: guards.callingHours.countries.IN.blackoutDates[0]",
      ],
      ['callingHours:\n    countries:\n      IN: { begin: "09:00" }', "4:13: error unknown-field: unknown field begin"],
    ];
    // An unquoted YAML date is read as the text it shows.
    await write("campaign.config.yaml", "guards:\n  callingHours:\n    blackoutDates: [2036-04-01]\n");
    expect((await cli("plan")).code).toBe(0);
    for (const [guard, where] of cases) {
      await write("campaign.config.yaml", `guards:\n  ${guard}\n`);
      const run = await cli("plan");
      expect(run.code, guard).toBe(1);
      expect(run.stdout + run.stderr, guard).toContain(`campaign.config.yaml:${where}`);
      // The branch that was meant is the one reported: no "must be false" from the other.
      expect(run.stdout + run.stderr, guard).not.toContain("oneOf");
    }
  });
});
