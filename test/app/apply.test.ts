import { describe, expect, test } from "vitest";
import { applyCampaigns, type ApplyInput, type ApplyPorts } from "../../src/app/apply.js";
import { planCampaigns } from "../../src/app/plan.js";
import type { ApplyEvent } from "../../src/apply/index.js";
import { isToolError } from "../../src/errors/index.js";
import type { CampaignPlan } from "../../src/schema/generated/index.js";
import { campaignYaml, daytimeNow, simulatorEnv, tempDir, testSimulator } from "../helpers.js";
import { appContext, manualInterrupts } from "./context-fixture.js";

const HOUR = 3_600_000;
const INPUT: ApplyInput = { args: [], autoApprove: true, allowLarge: false };

/** A project, the simulator and the use case on one running clock that a test may move to an India wall time. */
async function project(files: Record<string, string>) {
  let shift = 0;
  const clock = () => daytimeNow() + shift;
  const sim = await testSimulator({ now: clock });
  const context = appContext(await tempDir(files), simulatorEnv(sim), clock);
  const setIndiaTime = (time: string) => {
    const [h, m] = time.split(":").map(Number) as [number, number];
    const india = new Date(daytimeNow() + 5.5 * HOUR);
    const target = Date.UTC(india.getUTCFullYear(), india.getUTCMonth(), india.getUTCDate(), h, m) - 5.5 * HOUR;
    shift = target - daytimeNow();
  };
  const requests = () => Object.values(sim.stats().requests).reduce((n, c) => n + c, 0);
  return { sim, context, setIndiaTime, requests };
}

/** In-memory ports: plans shown and progress events collected; `confirm` as the test answers. */
function ports(confirm?: ApplyPorts["confirm"]) {
  const shown: CampaignPlan[] = [];
  const events: ApplyEvent[] = [];
  const port: ApplyPorts = {
    interrupts: manualInterrupts(),
    showPlan: (plan) => void shown.push(plan),
    progress: async () => ({ emit: (event) => void events.push(event), done: async () => undefined }),
    ...(confirm ? { confirm } : {}),
  };
  return { port, shown, events };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (isToolError(error) ? { code: error.code, message: error.message } : error),
  );

describe("applyCampaigns", () => {
  test("auto-approved: the plan shown once, each event to the progress port, the outcomes in the report; then nothing to do", async () => {
    const { sim, context } = await project({
      "campaigns/a.yaml": campaignYaml("alpha"),
      "campaigns/b.yaml": campaignYaml("bravo", "", ["919700000002", "919700000003"]),
    });
    const { port, shown, events } = ports();
    const result = await applyCampaigns(INPUT, context, port);
    expect(result).toMatchObject({ changed: true, interrupted: false, report: { summary: { submitted: 2 } } });
    expect(result.report.outcomes.map((o) => [o.taskName, o.status, o.recipients])).toEqual([
      ["alpha", "submitted", 1],
      ["bravo", "submitted", 2],
    ]);
    expect(shown.map((p) => p.summary.create)).toEqual([2]);
    expect(events.filter((e) => e.type === "submitted").length).toBe(2);
    expect(sim.stats().tasksCreatedByName).toEqual({ alpha: 1, bravo: 1 });

    const again = await applyCampaigns(INPUT, context, ports().port);
    expect(again).toMatchObject({ changed: false, report: { outcomes: [], summary: { unchanged: 2 } } });
  });

  test("approval: none to ask, or an answer other than yes, sends nothing", async () => {
    const { context, requests } = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    const asked = { autoApprove: false } as const;
    expect(await refusal(applyCampaigns({ ...INPUT, ...asked }, context, ports().port))).toEqual({
      code: "approval-needed",
      message: "apply needs approval, and there is no terminal to ask",
    });
    const questions: CampaignPlan[] = [];
    const no = ports(async (plan) => (questions.push(plan), false));
    expect(await refusal(applyCampaigns({ ...INPUT, ...asked }, context, no.port))).toMatchObject({
      code: "approval-needed",
      message: "apply cancelled; nothing was submitted",
    });
    // The question is about the plan that was shown.
    expect(questions).toEqual(no.shown);
    expect(requests()).toBe(0);
  });

  test("the last check is on the clock of the answer: an immediate send answered at 21:30 in India is refused, the scheduled one is not re-judged", async () => {
    const { sim, context, setIndiaTime, requests } = await project({
      "campaigns/now.yaml": campaignYaml("right-now"),
      // 12:30 in Shanghai is 10:00 in India.
      "campaigns/later.yaml": campaignYaml("scheduled", 'sendTime: "2036-04-01 12:30:00"\n'),
    });
    setIndiaTime("10:00");
    const late = ports(async () => (setIndiaTime("21:30"), true));
    const refused = await refusal(applyCampaigns({ ...INPUT, autoApprove: false }, context, late.port));
    expect(refused).toMatchObject({ code: "plan-has-errors" });
    expect((refused as { message: string }).message).toMatch(
      /^apply refuses to start: the first round of "right-now" would ring from 21:30 in IN \(Asia\/Calcutta\).*\(now, [^)]*\)$/,
    );
    expect(requests()).toBe(0);

    setIndiaTime("10:00");
    const result = await applyCampaigns({ ...INPUT, autoApprove: false }, context, ports(async () => true).port);
    expect(result.report.summary.submitted).toBe(2);
    expect(sim.stats().tasksCreatedByName).toEqual({ "right-now": 1, scheduled: 1 });
  });

  test("a saved plan: applied without a question and without showing it again; what it applies is said as a notice", async () => {
    const { sim, context } = await project({ "campaigns/a.yaml": campaignYaml("alpha") });
    await planCampaigns({ paths: [], out: "plan.json", allowLarge: false }, context);
    const { port, shown } = ports();
    const result = await applyCampaigns({ ...INPUT, args: ["plan.json"], autoApprove: false }, context, port);
    expect(result.report.summary.submitted).toBe(1);
    expect(shown).toEqual([]);
    expect(context.events.notices.join("")).toMatch(/^Applying the saved plan plan\.json \(1 to create, 0 to cancel/);
    expect(sim.stats().tasksCreatedByName).toEqual({ alpha: 1 });
    expect(await refusal(applyCampaigns({ ...INPUT, args: ["plan.json"] }, context, port))).toMatchObject({
      code: "plan-stale",
    });
  });
});
