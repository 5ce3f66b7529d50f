import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { showOutcomes } from "../../src/app/outcomes.js";
import { importReports } from "../../src/app/reports-import.js";
import { isToolError } from "../../src/errors/index.js";
import { FIXED_NOW, reportRecord, tempDir } from "../helpers.js";
import { appContext } from "./context-fixture.js";

const CONFIG = { "campaign.config.yaml": "guards:\n  callingHours: false\n" };
// Report times within the window the receiver accepts around FIXED_NOW.
const record = (voiceId: string, extra: Record<string, unknown> = {}) =>
  reportRecord(voiceId, { hangupTime: FIXED_NOW - 60_000, ...extra });

describe("importReports", () => {
  test("stores a push body; says each rejected record as it goes; a second import finds duplicates", async () => {
    const dir = await tempDir(CONFIG);
    const body = { array: [record("v1"), record("v2"), { nope: 1 }] };
    await writeFile(join(dir, "push.json"), JSON.stringify(body));
    const context = appContext(dir, {}, () => FIXED_NOW);
    const report = await importReports("push.json", { store: "r.db" }, {}, context);
    expect(report).toMatchObject({ command: "reports import", store: "r.db", stored: 2, duplicates: 0 });
    expect(report.rejected).toEqual([{ record: 3, reason: "voiceId is missing" }]);
    expect(context.events.notices).toEqual(["push.json: error bad-record: record 3: voiceId is missing\n"]);
    const again = await importReports(
      "push.json",
      { store: "r.db" },
      {},
      appContext(dir, {}, () => FIXED_NOW),
    );
    expect(again).toMatchObject({ stored: 0, duplicates: 2 });
  });

  test("reads NDJSON line by line: a line that is no JSON is rejected by its number", async () => {
    const dir = await tempDir(CONFIG);
    await writeFile(join(dir, "push.ndjson"), `${JSON.stringify(record("v1"))}\nnot json\n`);
    const context = appContext(dir, {}, () => FIXED_NOW);
    const report = await importReports("push.ndjson", { store: "r.db" }, {}, context);
    expect(report).toMatchObject({ stored: 1, rejected: [{ line: 2, reason: "not a JSON record" }] });
    expect(context.events.notices).toEqual(["push.ndjson:2:1: error malformed-json: not a JSON record\n"]);
  });

  test("a missing file is not-found, and no store is created", async () => {
    const dir = await tempDir(CONFIG);
    const failed = await importReports("gone.json", { store: "r.db" }, {}, appContext(dir)).catch((e: unknown) => e);
    expect(isToolError(failed) && failed.code).toBe("not-found");
    const outcomes = await showOutcomes(undefined, { store: "r.db" }, {}, appContext(dir), () => "").catch(
      (e: unknown) => e,
    );
    expect(isToolError(outcomes)).toBe(true);
  });
});

describe("showOutcomes", () => {
  test("reports of tasks not in the state are counted as unmatched; --out gets the rendered text", async () => {
    const dir = await tempDir(CONFIG);
    await writeFile(join(dir, "push.json"), JSON.stringify([record("v1"), record("v2")]));
    await importReports(
      "push.json",
      { store: "r.db" },
      {},
      appContext(dir, {}, () => FIXED_NOW),
    );
    const { report, text } = await showOutcomes(
      undefined,
      { store: "r.db", out: "outcomes.txt" },
      {},
      appContext(dir),
      (shown) => `${shown.unmatched.length} unmatched\n`,
    );
    expect(report.campaigns).toEqual([]);
    expect(report.unmatched).toEqual([{ taskId: 100001, calls: 2, reason: "task-not-in-state" }]);
    expect(text).toBe("1 unmatched\n");
    expect(await readFile(join(dir, "outcomes.txt"), "utf8")).toBe(text);
  });

  test("--out never replaces one of the tool's files", async () => {
    const dir = await tempDir(CONFIG);
    await writeFile(join(dir, "push.json"), JSON.stringify([record("v1")]));
    await importReports(
      "push.json",
      { store: "r.db" },
      {},
      appContext(dir, {}, () => FIXED_NOW),
    );
    const refused = await showOutcomes(
      undefined,
      { store: "r.db", out: "campaign.config.yaml" },
      {},
      appContext(dir),
      () => "x",
    ).catch((e: unknown) => e);
    expect(isToolError(refused) && refused.code).toBe("output-refused");
  });

  test("a campaign not in the state is not-found", async () => {
    const dir = await tempDir(CONFIG);
    const failed = await showOutcomes("nosuch", { store: "r.db" }, {}, appContext(dir), () => "").catch(
      (e: unknown) => e,
    );
    expect(isToolError(failed) && failed.code).toBe("not-found");
  });
});
