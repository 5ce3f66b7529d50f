import { describe, expect, test } from "vitest";
import { describeDesired, guardFindings, plan, type DesiredCampaign } from "../../src/plan/index.js";
import type { CallingHours, GuardsConfig } from "../../src/schema/generated/index.js";
import { validators } from "../../src/schema/validators.js";
import { hmacHasher } from "../../src/state/index.js";
import { FIXED_NOW, loadDir, tempDir } from "../helpers.js";

const hash = hmacHasher("0123456789abcdef0123456789abcdef");
const IN = { country: "IN", zones: ["Asia/Calcutta"], example: "9197•••••001" };
const NY = { country: "US", zones: ["America/New_York"], example: "1212••••123" };

let base: DesiredCampaign | undefined;
/** A loaded campaign, varied: who it calls (by zone), when, and its recall rounds. */
async function campaign(
  name: string,
  options: {
    sendTime?: string;
    groups?: [typeof IN, number][];
    recall?: [interval: number, rounds: number];
    calloutRate?: number;
  },
): Promise<DesiredCampaign> {
  if (!base) {
    const loaded = await loadDir(
      await tempDir({
        "a.yaml": 'taskName: base\nappId: Jgd8oFei\nagentId: 110\nnumberInfoList:\n  - calleeNumber: "919700000001"\n',
      }),
    );
    base = describeDesired(loaded.campaigns[0]!, hash);
  }
  const groups = options.groups ?? [[IN, 1]];
  const recipients = groups.reduce((n, [, count]) => n + count, 0);
  const [interval, rounds] = options.recall ?? [0, 0];
  return {
    ...base,
    taskName: name,
    recipients,
    zoneGroups: groups.map(([group, count]) => ({ ...group, recipients: count })),
    body: {
      ...base.body,
      taskName: name,
      ...(options.sendTime ? { sendTime: options.sendTime } : {}),
      ...(options.calloutRate ? { calloutRate: options.calloutRate } : {}),
      ...(rounds > 0
        ? {
            recallFlow: {
              recallType: 1,
              recallInterval: interval,
              recallNum: rounds,
              nodeList: Array.from({ length: rounds }, () => ({ agentId: "110" })),
            },
          }
        : {}),
    },
  };
}

function findings(toSubmit: DesiredCampaign[], guards: GuardsConfig = {}, now = FIXED_NOW) {
  return guardFindings({
    toSubmit,
    state: undefined,
    guards,
    guardsAt: () => ({ file: "campaign.config.yaml", line: 1, column: 1 }),
    allowLarge: false,
    platformTimeZone: "Asia/Shanghai",
    now,
  });
}
const messages = (toSubmit: DesiredCampaign[], guards: GuardsConfig = {}) =>
  findings(toSubmit, guards).map((f) => f.message);
const allDay = (more: Partial<CallingHours> = {}): CallingHours => ({ start: "00:00", end: "24:00", ...more });

describe("the rounds of a campaign", () => {
  test("round 0 lasts recipients ÷ dials a minute; recall round k spans from its earliest start to its latest end", async () => {
    // 1,000 recipients at 30 × calloutRate 2 = 60 a minute: about 17 minutes a round, 60 minutes apart.
    const desired = await campaign("spans", {
      sendTime: "2036-04-01 12:30:00",
      groups: [[IN, 1000]],
      recall: [60, 2],
      calloutRate: 2,
    });
    const made = plan({
      desired: [desired],
      loadFindings: [],
      state: undefined,
      statePath: "s",
      now: FIXED_NOW,
      planId: "p",
      toolVersion: "0",
      paths: ["."],
      guards: {
        guards: {},
        guardsAt: () => ({ file: "c", line: 1, column: 1 }),
        allowLarge: false,
        platformTimeZone: "Asia/Shanghai",
      },
    });
    const span = Math.ceil((1000 * 60_000) / 60);
    const s0 = Date.parse("2036-04-01T04:30:00Z");
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(made.entries[0]!.rounds).toEqual({
      timeZone: "Asia/Shanghai",
      dialsPerMinute: 60,
      dialsPerMinuteAssumed: true,
      times: [
        { start: iso(s0), end: iso(s0 + span) },
        { start: iso(s0 + span + 60 * 60_000), end: iso(s0 + 2 * span + 60 * 60_000) },
        // Round 1 may have recalled nobody (earliest start) or everyone (latest end).
        { start: iso(s0 + span + 120 * 60_000), end: iso(s0 + 3 * span + 120 * 60_000) },
      ],
    });
    expect(made.findings).toEqual([]);
    expect(validators().plan(JSON.parse(JSON.stringify(made))), "the plan schema holds").toBe(true);
  });

  test("a recall round is checked in every zone of the campaign, even one with few callees (who is recalled is unknown)", async () => {
    const early = await campaign("mixed", {
      sendTime: "2036-04-01 21:30:00",
      groups: [
        [IN, 99],
        [NY, 1],
      ],
      recall: [600, 1],
    });
    // 21:30 Shanghai = 19:00 India = 09:30 New York; the round takes 3⅓ minutes, the recall ten hours later: 05:03 India, 19:33 New York.
    expect(messages([early])[0]).toContain(
      'recall round 1 of "mixed" would ring from 05:03 in IN (Asia/Calcutta) on 2036-04-02, outside the calling hours 08:00–21:00 (99 recipients there',
    );
    // India allowed all day: New York's 19:33 is inside its window …
    expect(messages([early], { callingHours: { countries: { IN: { start: "00:00", end: "24:00" } } } })).toEqual([]);
    // … and with New York's window ending at 19:00 its one callee stops the round.
    expect(
      messages([early], {
        callingHours: { countries: { IN: { start: "00:00", end: "24:00" }, US: { end: "19:00" } } },
      })[0],
    ).toContain(
      'recall round 1 of "mixed" would ring from 19:33 in US (America/New_York) on 2036-04-01, outside the calling hours 08:00–19:00 (1 recipient there',
    );
  });

  test("windows across changes of offset: New York's spring-forward and fall-back days, a window over midnight", async () => {
    // 2036-03-09: 02:00 EST becomes 03:00 EDT. 2036-11-02: 02:00 EDT becomes 01:00 EST.
    const ny = (sendTime: string, count: number) => campaign("dst", { sendTime, groups: [[NY, count]] });
    const pace = { dialsPerMinute: 1 };
    // 20:30 EDT on 9 March (08:30 Shanghai on the 10th) for 40 minutes: stops at 21:00 EDT, not an hour off.
    expect(messages([await ny("2036-03-10 08:30:00", 40)], pace)[0]).toContain(
      "would ring from 21:00 in US (America/New_York) on 2036-03-09",
    );
    expect(messages([await ny("2036-03-10 08:30:00", 30)], pace)).toEqual([]);
    // 20:30 EST on 2 November (09:30 Shanghai on the 3rd).
    expect(messages([await ny("2036-11-03 09:30:00", 31)], pace)[0]).toContain(
      "would ring from 21:00 in US (America/New_York) on 2036-11-02",
    );
    expect(messages([await ny("2036-11-03 09:30:00", 30)], pace)).toEqual([]);
    // Night calls 22:00–06:00 through the skipped hour: 01:30 EST (14:30 Shanghai) + 200 min = 05:50 EDT.
    const night = { ...pace, callingHours: { start: "22:00", end: "06:00" } };
    expect(messages([await ny("2036-03-09 14:30:00", 200)], night)).toEqual([]);
    expect(messages([await ny("2036-03-09 14:30:00", 220)], night)[0]).toContain(
      "would ring from 06:00 in US (America/New_York) on 2036-03-09",
    );
    // Starting before the window: reported from the start.
    expect(messages([await ny("2036-03-09 10:00:00", 1)], night)[0]).toContain(
      'the first round of "dst" would ring from 21:00 in US (America/New_York) on 2036-03-08',
    );
  });

  test("a round over several days stops at the first blackout date or weekday not allowed, at the callee's midnight", async () => {
    // 10:00 on Tuesday 1 April in India, 3,000 recipients at 1 a minute: 50 hours, into Thursday the 3rd.
    const long = await campaign("long", { sendTime: "2036-04-01 12:30:00", groups: [[IN, 3000]] });
    const pace = { dialsPerMinute: 1 };
    expect(messages([long], { ...pace, callingHours: allDay() })).toEqual([]);
    expect(messages([long], { ...pace, callingHours: allDay({ blackoutDates: ["2036-04-03"] }) })[0]).toContain(
      "would ring from 00:00 in IN (Asia/Calcutta) on 2036-04-03, a blackout date",
    );
    expect(
      messages([long], { ...pace, callingHours: allDay({ countries: { IN: { blackoutDates: ["2036-04-02"] } } }) })[0],
    ).toContain("would ring from 00:00 in IN (Asia/Calcutta) on 2036-04-02, a blackout date");
    expect(messages([long], { ...pace, callingHours: allDay({ days: ["mon", "tue", "wed", "fri"] }) })[0]).toContain(
      "would ring from 00:00 in IN (Asia/Calcutta) on Thursday 2036-04-03, not one of the calling days mon, tue, wed, fri",
    );
    expect(
      messages([long], { ...pace, callingHours: allDay({ blackoutDates: ["2036-03-31", "2036-04-04"] }) }),
    ).toEqual([]);
    // With the default window it stops the same evening.
    expect(messages([long], pace)[0]).toContain("would ring from 21:00 in IN (Asia/Calcutta) on 2036-04-01");
  });

  test("an immediate send starts at the clock it is checked with", async () => {
    const now = await campaign("now", { groups: [[IN, 1]], recall: [30, 1] });
    const india = (time: string) => Date.parse(`2036-04-01T${time}:00+05:30`);
    expect(findings([now], {}, india("20:25"))).toEqual([]);
    expect(findings([now], {}, india("20:35"))[0]?.message).toMatch(
      /^recall round 1 of "now" would ring from 21:05 in IN \(Asia\/Calcutta\) on 2036-04-01, .* — an immediate send \(now, 2036-04-01 23:05:00 Asia\/Shanghai\); the round may ring 2036-04-01 23:35–23:36 Asia\/Shanghai/,
    );
    expect(findings([now], { callingHours: false }, india("23:00"))).toEqual([]);
  });

  test("1,000 campaigns of 1,000 recipients each with recall rounds are checked in a blink", async () => {
    const many: DesiredCampaign[] = [];
    for (let i = 0; i < 1000; i++) {
      const minute = String(i % 60).padStart(2, "0");
      many.push(
        await campaign(`bulk-${i}`, {
          sendTime: `2036-04-${String(1 + (i % 28)).padStart(2, "0")} 1${2 + (i % 3)}:${minute}:00`,
          groups: [
            [IN, 900],
            [NY, 100],
          ],
          recall: [60 + (i % 7), 3],
        }),
      );
    }
    const guards = { callingHours: { countries: { US: { start: "00:00", end: "24:00" } } } };
    const started = performance.now();
    const result = findings(many, guards);
    const elapsed = performance.now() - started;
    expect(result).toEqual([]);
    // Generous on a shared CI machine; the check works per zone and day, not per recipient or minute.
    expect(elapsed).toBeLessThan(1000);
    const late = findings(many, { ...guards, callingHours: { ...guards.callingHours, end: "14:00" } });
    expect(late.length).toBe(1000);
  });
});
