import { describe, expect, test } from "vitest";
import { refuseOnGuards, type EvaluatedGuards } from "../../src/app/guard-check.js";
import { describeDesired, type DesiredCampaign } from "../../src/plan/index.js";
import type { CampaignPlan, GuardsConfig } from "../../src/schema/generated/index.js";
import { emptyState, hmacHasher } from "../../src/state/index.js";
import { campaignYaml, loadDir, tempDir } from "../helpers.js";

// 2026-11-25: India is UTC+5:30. 16:00 UTC is 21:30 there; 04:30 UTC is 10:00.
const INDIA_1000 = Date.UTC(2026, 10, 25, 4, 30);
const INDIA_2130 = Date.UTC(2026, 10, 25, 16, 0);
const IN = { country: "IN", zones: ["Asia/Calcutta"], recipients: 1, example: "9197•••••001" };

/** A campaign of one Indian callee; `sendTime` in Shanghai time, or an immediate send. */
async function campaign(name: string, extra = ""): Promise<DesiredCampaign> {
  const loaded = await loadDir(await tempDir({ "a.yaml": campaignYaml(name, extra) }), ["."], INDIA_1000);
  return { ...describeDesired(loaded.campaigns[0]!, hmacHasher("0".repeat(32))), zoneGroups: [IN] };
}

function evaluated(
  toSubmit: DesiredCampaign[],
  guards: GuardsConfig,
  sameConfig: boolean,
  toUpdate: DesiredCampaign[] = [],
): EvaluatedGuards {
  const state = emptyState("lineage-1", "0".repeat(32));
  // The updated campaign's task was submitted (and its first round rang) at 10:00 India time.
  for (const d of toUpdate)
    state.campaigns[d.taskName] = {
      status: "submitted",
      definitionHash: d.definitionHash,
      recipientsHash: d.recipientsHash,
      recipients: 1,
      submittedAt: new Date(INDIA_1000).toISOString(),
      updatedAt: new Date(INDIA_1000).toISOString(),
    };
  return {
    input: {
      toSubmit,
      toUpdate,
      state,
      guards,
      guardsAt: () => ({ file: "campaign.config.yaml", line: 2, column: 3 }),
      allowLarge: false,
      platformTimeZone: "Asia/Shanghai",
    },
    sameConfig,
  };
}

const plan = { allowLarge: false } as CampaignPlan;
const refused = (check: () => void): string | undefined => {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
};

describe("apply's last check before the first request", () => {
  test("with the config the plan was made with: only immediate sends are judged again, at the moment of sending", async () => {
    const now = await campaign("right-now");
    // 23:45 in Shanghai is 21:15 in India, and no size is allowed: a plan would have refused both, so they are not judged again.
    const scheduled = await campaign("scheduled", 'sendTime: "2030-01-10 23:45:00"\n');
    const tooBig = { maxRecipientsPerCampaign: 0 };
    const guards = evaluated([now, scheduled], tooBig, true);
    expect(refused(() => refuseOnGuards(guards, plan, false, INDIA_1000))).toBeUndefined();
    expect(refused(() => refuseOnGuards(guards, plan, false, INDIA_2130))).toMatch(
      /^apply refuses to start: the first round of "right-now" would ring from 21:30 in IN \(Asia\/Calcutta\).*\(now, [^)]*\)$/,
    );
  });

  test("a recall-flow update is judged again too: its rounds are timed from the task's start", async () => {
    // Submitted at 10:00; 1 recipient, then a recall round 680 minutes later: 21:20 India time.
    const update = await campaign(
      "updated",
      'recallFlow:\n  recallType: 1\n  recallInterval: 680\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n',
    );
    const message = refused(() => refuseOnGuards(evaluated([], {}, true, [update]), plan, false, INDIA_1000));
    expect(message).toMatch(/^apply refuses to start: recall round 1 of "updated" would ring from 21:2\d in IN/);
    expect(message).toContain("the updated recall flow, first round from submitted");
  });

  test("with the config read again (a saved plan): every guard, the size limits with what --allow-large needs", async () => {
    const scheduled = await campaign("scheduled", 'sendTime: "2030-01-10 12:30:00"\n');
    const guards = evaluated([scheduled], { maxRecipientsPerCampaign: 0 }, false);
    expect(refused(() => refuseOnGuards(guards, plan, false, INDIA_1000))).toBe(
      'apply refuses to start: "scheduled" would call 1 recipients; guards.maxRecipientsPerCampaign is 0',
    );
    expect(refused(() => refuseOnGuards(guards, plan, true, INDIA_1000))).toMatch(
      /; the plan was not made with --allow-large, so it does not show that this was reviewed$/,
    );
    const allowed = { ...guards, input: { ...guards.input, allowLarge: true } };
    expect(refused(() => refuseOnGuards(allowed, { allowLarge: true } as CampaignPlan, true, INDIA_1000))).toBe(
      undefined,
    );
  });
});
