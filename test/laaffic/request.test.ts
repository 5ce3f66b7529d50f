import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { buildCreateTaskBody, parseEnvelope, sign, signedHeaders } from "../../src/laaffic/index.js";
import { loadDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

describe("signature", () => {
  test("matches the documentation's test vector", () => {
    expect(sign("bDqJFiq9", "7bz1lzh9", 1630468800)).toBe("05d7a50893e22a5c4bb3216ae3396c7c");
  });

  test("the four headers, from the injected clock, in whole seconds", () => {
    expect(signedHeaders("bDqJFiq9", "7bz1lzh9", 1630468800_999)).toEqual({
      "Api-Key": "bDqJFiq9",
      Timestamp: "1630468800",
      Sign: "05d7a50893e22a5c4bb3216ae3396c7c",
      "Content-Type": "application/json;charset=UTF-8",
    });
  });
});

describe("request body", () => {
  test("golden: the docs' example campaign gives exactly the docs' example body (names, types, order)", async () => {
    const loaded = await loadDir(REPO, ["campaigns/docs-example.yaml"]);
    const campaign = loaded.campaigns[0]!;
    const body = buildCreateTaskBody(campaign.campaign, campaign.recipients);
    const golden = JSON.parse(
      await readFile(join(REPO, "test/fixtures/laaffic/docs-example-body.json"), "utf8"),
    ) as Record<string, unknown>;
    // The docs' 00:00 (platform time) is 21:30 in India, outside the default calling hours: the
    // example file moves it to 14:00; everything else is the docs' body to the byte.
    expect(golden["sendTime"]).toBe("2030-04-01 00:00:00");
    expect(JSON.stringify(body)).toBe(JSON.stringify({ ...golden, sendTime: "2030-04-01 14:00:00" }));
  });

  test("tool-only fields are never sent, empty optional ones are omitted, no sendTime means call now", async () => {
    const loaded = await loadDir(REPO, ["campaigns/renewal-reminders.yaml"]);
    const campaign = loaded.campaigns[0]!;
    const body = buildCreateTaskBody({ ...campaign.campaign, displayNum: "", sendTime: null }, campaign.recipients);
    expect(Object.keys(body)).toEqual([
      "appId",
      "taskName",
      "maxCalls",
      "maxRingingTime",
      "agentId",
      "numberInfoList",
      "recallFlow",
    ]);
    expect(body.numberInfoList[2]).toEqual({ calleeNumber: "919700000013", text1: "Kumar, Anil", text2: "2030-06-15" });
    expect(Object.keys(body.recallFlow!)).toEqual(["recallType", "recallInterval", "recallNum", "nodeList"]);
  });
});

describe("response envelope", () => {
  test.each([
    [
      { code: "0", msg: "success", data: 12 },
      { ok: true, data: 12 },
    ],
    [
      { code: 0, msg: "success", data: null },
      { ok: true, data: null },
    ],
    [
      { status: "0", reason: "success", data: { total: 0 } },
      { ok: true, data: { total: 0 } },
    ],
    [
      { code: "-20", msg: "data exists" },
      { ok: false, code: "-20", message: "data exists" },
    ],
    [
      { status: -1, reason: "auth" },
      { ok: false, code: "-1", message: "auth" },
    ],
    [{ code: "-022" }, { ok: false, code: "-22", message: undefined }],
  ])("%j", (body, expected) => {
    expect(parseEnvelope(body)).toEqual(expected);
  });

  test.each([[null], ["text"], [[1]], [{ msg: "no code" }], [{ code: "abc" }]])("not an envelope: %j", (body) => {
    expect(parseEnvelope(body)).toBeUndefined();
  });
});
