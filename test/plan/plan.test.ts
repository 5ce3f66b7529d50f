import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, test } from "vitest";
import { canonicalJson, describeDesired, plan, type DesiredCampaign } from "../../src/plan/index.js";
import { palette, planSummaryLine, renderPlanMarkdown, renderPlanText } from "../../src/views/index.js";
import {
  planSchema,
  validationReportSchema,
  type AppliedState,
  type CampaignState,
} from "../../src/schema/generated/index.js";
import { emptyState, hmacHasher } from "../../src/state/index.js";
import { FIXED_NOW, loadDir, tempDir } from "../helpers.js";

const hash = hmacHasher("0123456789abcdef0123456789abcdef");
const plain = palette(false);

async function desiredFrom(files: Record<string, string>): Promise<DesiredCampaign[]> {
  const dir = await tempDir(files);
  const loaded = await loadDir(dir);
  expect(
    loaded.campaigns.every((c) => c.valid),
    JSON.stringify(loaded.diagnostics),
  ).toBe(true);
  return loaded.campaigns.map((c) => describeDesired(c, hash));
}

const campaign = (name: string, extra = "") =>
  `taskName: ${name}\nappId: Jgd8oFei\nagentId: 110\nnumberInfoList:\n  - calleeNumber: "919700000001"\n    text1: Asha\n${extra}`;

function stateWith(entries: Record<string, Partial<CampaignState> & { desired?: DesiredCampaign }>): AppliedState {
  const state = emptyState("lineage-1", "0123456789abcdef0123456789abcdef");
  state.serial = 7;
  for (const [name, { desired, ...rest }] of Object.entries(entries)) {
    state.campaigns[name] = {
      status: "submitted",
      definitionHash: desired?.definitionHash ?? "hmac-sha256:" + "0".repeat(64),
      recipientsHash: desired?.recipientsHash ?? "hmac-sha256:" + "0".repeat(64),
      recipients: desired?.recipients ?? 1,
      settings: (desired?.settings ?? {}) as CampaignState["settings"],
      taskId: 100001,
      submittedAt: "2026-11-20T10:00:00.000Z",
      updatedAt: "2026-11-20T10:00:00.000Z",
      ...rest,
    };
  }
  return state;
}

const makePlan = (desired: DesiredCampaign[], state: AppliedState | undefined) =>
  plan({
    desired,
    loadFindings: [],
    state,
    statePath: ".campaign/state.json",
    now: FIXED_NOW,
    planId: "plan-1",
    toolVersion: "0.0.0",
    paths: ["campaigns"],
    ...(state ? {} : { newState: { lineage: "new-lineage" } }),
  });

describe("definition hashes", () => {
  test("key order, quoting, flow style and comments do not change the hash; a value does", async () => {
    const [a] = await desiredFrom({ "a.yaml": campaign("same") });
    const [b] = await desiredFrom({
      "b.yaml":
        '# a comment\nnumberInfoList: [{text1: "Asha", calleeNumber: \'919700000001\'}]  # inline\nagentId: 110\nappId: "Jgd8oFei"\ntaskName: same\n',
    });
    const [c] = await desiredFrom({ "c.yaml": campaign("same", "maxCalls: 120\n") });
    expect(a!.definitionHash).toBe(b!.definitionHash);
    expect(c!.definitionHash).not.toBe(a!.definitionHash);
    expect(a!.definitionHash).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  test("the fast path and the general canonical form agree (text10 beside text2 takes the general one)", async () => {
    const [a] = await desiredFrom({
      "a.yaml":
        "taskName: t10\nappId: A\nagentId: 1\nnumberInfoList: [{calleeNumber: '919700000001', text2: b, text10: j}]\n",
    });
    const [b] = await desiredFrom({
      "b.yaml":
        "taskName: t10\nappId: A\nagentId: 1\nnumberInfoList: [{text10: j, calleeNumber: '919700000001', text2: b}]\n",
    });
    expect(a!.definitionHash).toBe(b!.definitionHash);
    expect(a!.recipientsHash).toBe(hash(canonicalJson(a!.body.numberInfoList)));
    const [c] = await desiredFrom({
      "c.yaml":
        "taskName: t1\nappId: A\nagentId: 1\nnumberInfoList: [{calleeNumber: '919700000001', text1: a, text2: b}]\n",
    });
    expect(c!.recipientsHash).toBe(hash(canonicalJson(c!.body.numberInfoList)));
  });

  test("recipients from a CSV count in the hash", async () => {
    const [before] = await desiredFrom({
      "a.yaml": "taskName: csv\nappId: A\nagentId: 1\nrecipientsFile: r.csv\n",
      "r.csv": "calleeNumber\n919700000001\n",
    });
    const [after] = await desiredFrom({
      "a.yaml": "taskName: csv\nappId: A\nagentId: 1\nrecipientsFile: r.csv\n",
      "r.csv": "calleeNumber\n919700000002\n",
    });
    expect(before!.recipients).toBe(1);
    expect(before!.definitionHash).not.toBe(after!.definitionHash);
  });

  test("the hash is salted: another salt, another hash", async () => {
    const [d] = await desiredFrom({ "a.yaml": campaign("salted") });
    expect(hmacHasher("ff".repeat(16))(canonicalJson(d!.body))).not.toBe(d!.definitionHash);
  });
});

describe("plan actions", () => {
  test("create, unchanged, blocked with a field diff, retry, unknown and orphaned", async () => {
    const [fresh, same, changed, rejected, interrupted] = await desiredFrom({
      "1.yaml": campaign("fresh"),
      "2.yaml": campaign("same"),
      "3.yaml": campaign("changed", "maxCalls: 200\n"),
      "4.yaml": campaign("rejected"),
      "5.yaml": campaign("interrupted"),
    });
    const [changedBefore] = await desiredFrom({ "3.yaml": campaign("changed", "maxCalls: 100\n") });
    const state = stateWith({
      same: { desired: same },
      changed: { desired: changedBefore },
      rejected: {
        desired: rejected,
        status: "rejected",
        taskId: null,
        lastError: { kind: "platform", code: "-67", message: "recallIntent does not match", hint: "fix recallIntent" },
      },
      interrupted: {
        desired: interrupted,
        status: "pending",
        taskId: null,
        attemptStartedAt: "2026-11-25T11:00:00.000Z",
      },
      gone: { taskId: 100009 },
    });
    const result = makePlan([fresh!, same!, changed!, rejected!, interrupted!], state);
    expect(result.entries.map((e) => [e.taskName, e.action])).toEqual([
      ["fresh", "create"],
      ["rejected", "retry"],
      ["changed", "blocked"],
      ["interrupted", "unknown"],
      ["gone", "orphaned"],
      ["same", "unchanged"],
    ]);
    expect(result.entries.find((e) => e.taskName === "changed")!.changes).toEqual([
      { field: "maxCalls", before: 100, after: 200 },
    ]);
    expect(result.summary).toMatchObject({
      create: 1,
      retry: 1,
      blocked: 1,
      unknown: 1,
      orphaned: 1,
      unchanged: 1,
      hasChanges: true,
      errors: 2,
      warnings: 1,
    });
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.code}`)).toEqual([
      "3.yaml:1 error submitted-campaign-changed",
      "5.yaml:1 error outcome-unknown",
      ".campaign/state.json:1 warning orphaned",
    ]);
    expect(planSummaryLine(result.summary)).toBe(
      "Plan: 2 to create (1 retry), 1 blocked, 1 unknown, 1 orphaned, 1 unchanged.",
    );
  });

  test("changed recipients show as a count change, never as numbers", async () => {
    const [now] = await desiredFrom({ "a.yaml": campaign("rr", "") + '  - calleeNumber: "919700000002"\n' });
    const [before] = await desiredFrom({ "a.yaml": campaign("rr") });
    const result = makePlan([now!], stateWith({ rr: { desired: before } }));
    expect(result.entries[0]!.changes).toEqual([{ field: "recipients", before: 1, after: 2 }]);
  });

  test("no state: the plan carries the lineage and hash key of the state the first apply creates", async () => {
    const result = makePlan(await desiredFrom({ "a.yaml": campaign("first") }), undefined);
    expect(result.state).toEqual({ lineage: null, serial: 0, newLineage: "new-lineage" });
    expect(planSummaryLine(result.summary)).toBe("Plan: 1 to create, 0 unchanged.");
  });
});

describe("renderers", () => {
  test("text: legend, fields to send with masked numbers, summary line", async () => {
    const [d] = await desiredFrom({
      "a.yaml": campaign("shown", 'displayNum: "8613800138000"\nsendTime: "2030-01-01 09:00:00"\n'),
    });
    const text = renderPlanText(makePlan([d!], undefined), plain);
    expect(text).toContain(
      "Symbols:  + create   - cancel   ~ update recall flow   ! cannot change (blocked)   ? outcome unknown   - orphaned",
    );
    expect(text).toContain("  + shown  (a.yaml:1)");
    expect(text).toMatch(/displayNum += "8613•+000"/);
    expect(text).toMatch(/recipients += 1 \(9197•••••001; text1 set\)/);
    expect(text.trimEnd().split("\n").at(-1)).toBe("Plan: 1 to create, 0 unchanged.");
    expect(text).not.toMatch(/\d{7,}/);
    expect(text).not.toContain("Asha");
  });

  test("markdown: summary first, details folded", async () => {
    const markdown = renderPlanMarkdown(makePlan(await desiredFrom({ "a.yaml": campaign("md") }), undefined));
    expect(markdown.split("\n")[0]).toBe("### 📞 Plan: 1 to create, 0 unchanged.");
    expect(markdown).toContain("<details><summary>Full plan</summary>");
    expect(markdown.indexOf("<details>")).toBeGreaterThan(markdown.indexOf("| 🟢 create | `md` |"));
  });

  test("json: versioned and valid against schemas/plan.schema.json", async () => {
    const result = makePlan(await desiredFrom({ "a.yaml": campaign("js") }), undefined);
    const ajv = new Ajv({ strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    ajv.addSchema(validationReportSchema);
    expect(ajv.validate(planSchema, JSON.parse(JSON.stringify(result))), JSON.stringify(ajv.errors)).toBe(true);
    expect(JSON.stringify(result)).not.toMatch(/919700000001|Asha/);
  });
});

describe("canonicalJson", () => {
  test("keys named like Object.prototype members are read as the object's own", () => {
    for (const key of ["toString", "constructor", "valueOf", "hasOwnProperty", "__proto__"]) {
      const a = JSON.parse(`{"${key}": {"status": "submitted", "b": 1}, "z": 1}`) as unknown;
      const b = JSON.parse(`{"${key}": {"status": "pending", "b": 1}, "z": 1}`) as unknown;
      expect(canonicalJson(a), key).not.toBe(canonicalJson(b));
      expect(canonicalJson(a), key).toContain('"submitted"');
    }
  });
});
