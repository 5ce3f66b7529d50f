import { describe, expect, test } from "vitest";
import { discoverCampaignFiles, loadCampaigns, nodeFileReader } from "../../src/campaigns/index.js";
import { FIXED_NOW, loadDir, located, tempDir } from "../helpers.js";

const NUMBERS = 'numberInfoList:\n  - calleeNumber: "919700000001"\n';
const BASE = `appId: Jgd8oFei
agentId: 110
maxCalls: 120
recallFlow:
  recallType: 3
  recallInterval: 10
  recallNum: 1
  nodeList:
    - agentId: "110"
  recallIntent: ["99999"]
`;

async function load(files: Record<string, string>, paths = ["."]) {
  const dir = await tempDir(files);
  return { dir, result: await loadDir(dir, paths) };
}

describe("extends: bases merged under a campaign", () => {
  test("maps merge deeply, lists and scalars are replaced, the campaign's own values win; a list applies in order", async () => {
    const { result } = await load({
      "campaigns/_base.yaml": BASE,
      "campaigns/_india.yaml": 'maxCalls: 200\ndisplayNum: "123456"\nrecallFlow:\n  recallInterval: 30\n',
      "campaigns/a.yaml": `extends: [_base.yaml, _india.yaml]\ntaskName: alpha\nrecallFlow:\n  recallIntent: ["1", "2"]\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([]);
    expect(result.campaigns).toHaveLength(1);
    const campaign = result.campaigns[0]!;
    expect(campaign.valid).toBe(true);
    expect(campaign.campaign).toEqual({
      appId: "Jgd8oFei",
      agentId: 110,
      maxCalls: 200, // _india.yaml, applied after _base.yaml
      displayNum: "123456",
      recallFlow: {
        recallType: 3,
        recallInterval: 30,
        recallNum: 1,
        nodeList: [{ agentId: "110" }],
        recallIntent: ["1", "2"],
      },
      taskName: "alpha",
      numberInfoList: [{ calleeNumber: "919700000001" }],
    });
    expect("extends" in campaign.campaign).toBe(false);
  });

  test("a list in the campaign replaces the base's list whole (no element-wise merge)", async () => {
    const { result } = await load({
      "campaigns/_base.yaml": `${BASE}${NUMBERS}  - calleeNumber: "919700000002"\n`,
      "campaigns/a.yaml": `extends: _base.yaml\ntaskName: alpha\nnumberInfoList:\n  - calleeNumber: "919700000003"\n`,
    });
    expect(result.campaigns[0]!.recipients).toEqual([{ calleeNumber: "919700000003" }]);
  });

  test("bases may extend bases, with paths relative to each file; a recipientsFile in a base is read beside the base", async () => {
    const { result } = await load({
      "shared/_root.yaml": `${BASE}recipientsFile: people.csv\n`,
      "shared/people.csv": "calleeNumber,text1\n919700000001,Asha\n",
      "campaigns/_team.yaml": "extends: ../shared/_root.yaml\nmaxCalls: 90\n",
      "campaigns/a.yaml": "extends: _team.yaml\ntaskName: alpha\n",
    });
    expect(located(result)).toEqual([]);
    const campaign = result.campaigns[0]!;
    expect(campaign.campaign.maxCalls).toBe(90);
    expect(campaign.recipientsPath).toBe("shared/people.csv");
    expect(campaign.recipients).toEqual([{ calleeNumber: "919700000001", text1: "Asha" }]);
    expect(result.inputFiles.sort()).toEqual(["campaigns/_team.yaml", "shared/_root.yaml"]);
  });

  test("a missing recipientsFile written in a base is an error at the base's line, relative to the base, naming the campaign", async () => {
    const { result } = await load({
      "campaigns/shared/_base.yaml": `${BASE}recipientsFile: nobody.csv\n`,
      "campaigns/a.yaml": "extends: shared/_base.yaml\ntaskName: alpha\n",
    });
    expect(located(result)).toEqual([
      "campaigns/shared/_base.yaml:11:17: error recipients-file-not-found: recipientsFile nobody.csv cannot be read (looked for campaigns/shared/nobody.csv); in campaign alpha (campaigns/a.yaml:1)",
    ]);
    expect(result.diagnostics[0]!.hint).toBe(
      "the path is relative to the file it is written in (campaigns/shared/_base.yaml)",
    );
  });

  test("config defaults lie under the bases: defaults < bases < campaign", async () => {
    const dir = await tempDir({
      "c/_base.yaml": "maxCalls: 90\nappId: FromBase\n",
      "c/a.yaml": `extends: _base.yaml\ntaskName: alpha\nagentId: 110\n${NUMBERS}`,
    });
    const result = await loadCampaigns({
      files: await discoverCampaignFiles(["c"], dir),
      reader: nodeFileReader(dir),
      now: FIXED_NOW,
      timeZone: "Asia/Shanghai",
      defaults: {
        values: { appId: "FromDefaults", maxCalls: 5000, calloutRate: 2 },
        locate: () => ({ file: "campaign.config.yaml", line: 4, column: 3 }),
      },
    });
    expect(located(result)).toEqual([]);
    expect(result.campaigns[0]!.campaign).toMatchObject({ appId: "FromBase", maxCalls: 90, calloutRate: 2 });
  });
});

describe("every diagnostic about a merged value points where it is written", () => {
  test("an error in a base is at the base's line and names the campaign; one in the campaign is at the campaign's line", async () => {
    const { result } = await load({
      "campaigns/_base.yaml": BASE.replace("maxCalls: 120", "maxCalls: 5000").replace("recallNum: 1", "recallNum: 2"),
      "campaigns/a.yaml": `# yaml-language-server: $schema=../schemas/campaign.schema.json\nextends: _base.yaml\ntaskName: alpha\nmaxRingingTime: 500\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "campaigns/_base.yaml:3:11: error out-of-range: maxCalls is 5000 but must be at most 999; in campaign alpha (campaigns/a.yaml:2)",
      "campaigns/a.yaml:4:17: error out-of-range: maxRingingTime is 500 but must be at most 120",
      "campaigns/_base.yaml:7:14: error recall-count-mismatch: recallNum is 2 but nodeList has 1 entry; in campaign alpha (campaigns/a.yaml:2)",
    ]);
    expect(result.diagnostics[0]!.related).toEqual([
      { file: "campaigns/a.yaml", line: 2, column: 1, message: "in campaign alpha" },
    ]);
    expect(result.campaigns.map((c) => [c.taskName, c.valid])).toEqual([["alpha", false]]);
  });

  test("a value the campaign overrides is located in the campaign (recallNum there, nodeList from the base)", async () => {
    const { result } = await load({
      "campaigns/_base.yaml": BASE,
      "campaigns/a.yaml": `extends: _base.yaml\ntaskName: alpha\nrecallFlow:\n  recallNum: 3\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "campaigns/a.yaml:4:14: error recall-count-mismatch: recallNum is 3 but nodeList has 1 entry",
    ]);
  });

  test("an unknown field in a base is at its key; the same finding in three campaigns is said once, naming them", async () => {
    const extender = (name: string) => `extends: _base.yaml\ntaskName: ${name}\n${NUMBERS}`;
    const { result } = await load({
      "campaigns/_base.yaml": `${BASE}maxRingTime: 30\n`,
      "campaigns/a.yaml": extender("alpha"),
      "campaigns/b.yaml": extender("beta"),
      "campaigns/c.yaml": extender("gamma"),
      "campaigns/d.yaml": extender("delta"),
    });
    expect(located(result)).toEqual([
      "campaigns/_base.yaml:11:1: error unknown-field: unknown field maxRingTime — did you mean maxRingingTime?; in 4 campaigns: alpha (campaigns/a.yaml:1), beta (campaigns/b.yaml:1), gamma (campaigns/c.yaml:1) and 1 more",
    ]);
    expect(result.campaigns.every((c) => !c.valid)).toBe(true);
  });

  test("an inexact number in a base is reported once, at the base, and invalidates its campaigns", async () => {
    const { result } = await load({
      "campaigns/_base.yaml": BASE.replace("maxCalls: 120", "maxCalls: 0x78"),
      "campaigns/a.yaml": `extends: _base.yaml\ntaskName: alpha\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([
      "campaigns/_base.yaml:3:11: error inexact-number: maxCalls is written as 0x78, which YAML reads as the number 120",
    ]);
    expect(result.campaigns[0]!.valid).toBe(false);
  });
});

describe("extends: what is refused", () => {
  test("a cycle is an error at the extends that closes it, naming the chain", async () => {
    const { result } = await load({
      "campaigns/a.yaml": `extends: _b.yaml\ntaskName: alpha\n${NUMBERS}`,
      "campaigns/_b.yaml": "extends: _c.yaml\nappId: A\n",
      "campaigns/_c.yaml": "extends: a.yaml\nagentId: 1\n",
    });
    expect(located(result)).toEqual([
      "campaigns/_c.yaml:1:10: error extends-cycle: extends goes round in a cycle: campaigns/a.yaml → campaigns/_b.yaml → campaigns/_c.yaml → campaigns/a.yaml; in campaign alpha (campaigns/a.yaml:1)",
    ]);
    expect(result.campaigns).toMatchObject([{ valid: false }]);
  });

  test("a campaign extending itself is a cycle of one", async () => {
    const { result } = await load({ "campaigns/a.yaml": `extends: a.yaml\ntaskName: alpha\n${NUMBERS}` });
    expect(located(result)).toEqual([
      "campaigns/a.yaml:1:10: error extends-cycle: extends goes round in a cycle: campaigns/a.yaml → campaigns/a.yaml",
    ]);
  });

  test("a diamond (two bases sharing a base) is no cycle", async () => {
    const { result } = await load({
      "campaigns/_root.yaml": BASE,
      "campaigns/_x.yaml": "extends: _root.yaml\nmaxCalls: 60\n",
      "campaigns/_y.yaml": "extends: _root.yaml\ncalloutRate: 2\n",
      "campaigns/a.yaml": `extends: [_x.yaml, _y.yaml]\ntaskName: alpha\n${NUMBERS}`,
    });
    expect(located(result)).toEqual([]);
    // _y.yaml brings _root.yaml's maxCalls back over _x.yaml's: bases apply whole, in order.
    expect(result.campaigns[0]!.campaign).toMatchObject({ maxCalls: 120, calloutRate: 2 });
  });

  test("a chain deeper than 8 bases is refused, naming it", async () => {
    const files: Record<string, string> = { "c/a.yaml": `extends: _1.yaml\ntaskName: alpha\n${NUMBERS}` };
    for (let i = 1; i <= 9; i++) files[`c/_${i}.yaml`] = i < 9 ? `extends: _${i + 1}.yaml\n` : BASE;
    const { result } = await load(files);
    expect(located(result)).toHaveLength(1);
    expect(located(result)[0]).toContain(
      "c/_8.yaml:1:10: error extends-too-deep: extends reaches more than 8 bases deep",
    );
  });

  test("extends that is no .yaml path, holds a placeholder, is missing, or leaves the project", async () => {
    const { result } = await load(
      {
        "p/campaigns/a.yaml": `extends: [base.json, "_\${region}.yaml", _missing.yaml, ../../outside/_x.yaml, 7]\ntaskName: alpha\n${NUMBERS}`,
        "outside/_x.yaml": BASE,
      },
      ["p"],
    ).then(async ({ dir }) => ({
      result: await loadCampaigns({
        files: await discoverCampaignFiles(["p"], dir),
        reader: nodeFileReader(dir, { root: `${dir}/p`, allowOutside: false }),
        now: FIXED_NOW,
        timeZone: "Asia/Shanghai",
      }),
    }));
    const outside = located(result).find((l) => l.includes("path-outside-project"));
    expect(located(result).filter((l) => !l.includes("path-outside-project"))).toEqual([
      "p/campaigns/a.yaml:1:11: error invalid-extends: extends base.json must name a .yaml or .yml file",
      "p/campaigns/a.yaml:1:22: error invalid-extends: extends _${region}.yaml holds a placeholder; bases are chosen before forEach rows are read",
      "p/campaigns/a.yaml:1:41: error file-not-found: extends _missing.yaml cannot be read (looked for p/campaigns/_missing.yaml)",
      "p/campaigns/a.yaml:1:79: error invalid-extends: extends must name a base file, or list base files",
    ]);
    expect(outside).toMatch(
      /^p\/campaigns\/a\.yaml:1:56: error path-outside-project: extends \.\.\/\.\.\/outside\/_x\.yaml resolves to .*outside\/_x\.yaml, outside the project/,
    );
    expect(result.diagnostics.find((d) => d.code === "file-not-found")!.hint).toBe(
      "the path is relative to the file that names it (p/campaigns/a.yaml)",
    );
  });

  test("a base of several documents, an empty one, a list, or one with forEach: each reported once at the base", async () => {
    const { result } = await load({
      "c/_two.yaml": "appId: A\n---\nagentId: 1\n",
      "c/_empty.yaml": "# nothing yet\n",
      "c/_list.yaml": "- appId: A\n",
      "c/_rows.yaml": "forEach: [{ region: north }]\n",
      "c/a.yaml": `extends: _two.yaml\ntaskName: alpha\n${NUMBERS}`,
      "c/b.yaml": `extends: [_empty.yaml, _list.yaml, _rows.yaml]\ntaskName: beta\n${NUMBERS}`,
      "c/c.yaml": `extends: _two.yaml\ntaskName: gamma\n${NUMBERS}`,
    });
    expect(located(result).sort()).toEqual([
      "c/_empty.yaml:1:1: error base-empty: the base c/_empty.yaml holds no fields",
      "c/_list.yaml:1:1: error base-not-a-mapping: the base c/_list.yaml must be a mapping of campaign fields",
      "c/_rows.yaml:1:1: error for-each-in-base: forEach belongs in a campaign document, not in a base",
      "c/_two.yaml:3:1: error base-several-documents: the base c/_two.yaml holds 2 YAML documents; a base is one document",
    ]);
    expect(result.campaigns.map((c) => c.valid)).toEqual([false, false, false]);
  });
});

describe("partials: files and folders named _*", () => {
  test("are never loaded as campaigns from a directory, but are read when extended", async () => {
    const { dir, result } = await load({
      "campaigns/_base.yaml": BASE,
      "campaigns/_shared/more.yaml": "maxCalls: 60\n",
      "campaigns/_drafts/draft.yaml": "not: a campaign\n",
      "campaigns/a.yaml": `extends: [_base.yaml, _shared/more.yaml]\ntaskName: alpha\n${NUMBERS}`,
    });
    expect(await discoverCampaignFiles(["campaigns"], dir)).toEqual(["campaigns/a.yaml"]);
    expect(await discoverCampaignFiles(["campaigns"], dir, { partials: true })).toEqual([
      "campaigns/_base.yaml",
      "campaigns/_drafts/draft.yaml",
      "campaigns/_shared/more.yaml",
      "campaigns/a.yaml",
    ]);
    expect(located(result)).toEqual([]);
    expect(result.campaigns.map((c) => [c.taskName, c.campaign.maxCalls])).toEqual([["alpha", 60]]);
  });

  test("a partial named on the command line is skipped with a warning", async () => {
    const { result } = await load({ "campaigns/_base.yaml": BASE }, ["campaigns/_base.yaml"]);
    expect(located(result)).toEqual([
      "campaigns/_base.yaml:1:1: warning partial-not-a-campaign: campaigns/_base.yaml is a partial (its name starts with _): it is read only where a campaign extends it, never as a campaign",
    ]);
    expect(result.campaigns).toEqual([]);
  });

  test("a base named like a campaign is loaded as one too: where it is no valid campaign, an error asks for a partial's name", async () => {
    const { result } = await load({
      "c/common.yaml": BASE,
      "c/a.yaml": `extends: common.yaml\ntaskName: alpha\n${NUMBERS}`,
    });
    expect(located(result)).toContain(
      "c/common.yaml:1:1: error partial-without-underscore: c/common.yaml is read as a base, and also as a campaign file (it lies among the campaigns)",
    );
    expect(result.diagnostics.find((d) => d.code === "partial-without-underscore")!.hint).toBe(
      "give it a partial's name (_common.yaml) so it is read only as a base",
    );
    expect(result.campaigns.map((c) => [c.taskName, c.valid])).toEqual([
      ["alpha", true],
      [undefined, false],
    ]);
  });

  test("a key named __proto__ in a base stays an ordinary (unknown) field", async () => {
    const { result } = await load({
      "c/_base.yaml": `${BASE}__proto__: { polluted: true }\n`,
      "c/a.yaml": `extends: _base.yaml\ntaskName: alpha\n${NUMBERS}`,
    });
    expect(located(result)[0]).toContain("c/_base.yaml:11:1: error unknown-field: unknown field __proto__");
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
