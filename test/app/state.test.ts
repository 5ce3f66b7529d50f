import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { collectingEvents, type AppContext } from "../../src/app/context.js";
import { forceUnlock } from "../../src/app/force-unlock.js";
import { migrateState } from "../../src/app/migrate.js";
import { forgetState, resolveDecision, resolveState } from "../../src/app/state-change.js";
import { listState, showState } from "../../src/app/state-read.js";
import { acquireLock, readStateFile } from "../../src/state/index.js";
import { FIXED_NOW, tempDir } from "../helpers.js";
import { STATE, writeState } from "./state-fixture.js";

/** A project whose state holds "lost" (outcome unknown) and "sent" (task 100001). */
async function project() {
  const dir = await tempDir();
  await writeState(
    dir,
    [
      { name: "lost", unknown: true },
      { name: "sent", taskId: 100001 },
    ],
    FIXED_NOW,
  );
  const context = { cwd: dir, env: {}, now: () => FIXED_NOW, events: collectingEvents() };
  return { dir, context };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("reading the state", () => {
  test("list returns the whole state and where it is; show one campaign with its own history", async () => {
    const { context } = await project();
    const listing = await listState({}, context);
    expect(listing.location).toBe(STATE);
    expect(Object.keys(listing.state.campaigns).sort()).toEqual(["lost", "sent"]);
    const shown = await showState("sent", {}, context);
    expect(shown).toMatchObject({ taskName: "sent", campaign: { status: "submitted", taskId: 100001 } });
    expect(shown.history.map((h) => h.action)).toEqual(["pending", "submitted"]);
  });

  test("no state, or no such campaign: not-found naming where it looked", async () => {
    const context: AppContext = { cwd: await tempDir(), env: {}, now: () => FIXED_NOW, events: collectingEvents() };
    await expect(listState({}, context)).rejects.toMatchObject({
      code: "not-found",
      message: `there is no state at ${STATE}`,
    });
    const { context: withState } = await project();
    await expect(showState("toString", {}, withState)).rejects.toMatchObject({
      code: "not-found",
      message: `"toString" is not in the state ${STATE}`,
    });
  });
});

describe("changing the state", () => {
  test("the flags of resolve are checked against each other", () => {
    expect(resolveDecision({ check: true })).toEqual({ check: true });
    expect(resolveDecision({ submitted: true, taskId: "7" })).toEqual({ check: false, submitted: true, taskId: 7 });
    expect(resolveDecision({ notSubmitted: true })).toEqual({ check: false, submitted: false });
    for (const wrong of [
      {},
      { submitted: true, notSubmitted: true },
      { check: true, submitted: true },
      { submitted: true, taskId: "0" },
      { notSubmitted: true, taskId: "7" },
    ])
      expect(() => resolveDecision(wrong)).toThrow(expect.objectContaining({ code: "usage" }));
  });

  test("resolve records the outcome under the lock, folds the journal and releases the lock", async () => {
    const { dir, context } = await project();
    const report = await resolveState("lost", { submitted: true, taskId: 7 }, {}, context);
    expect(report).toEqual({
      formatVersion: 1,
      command: "state resolve",
      taskName: "lost",
      previousStatus: "unknown",
      status: "submitted",
      taskId: 7,
      state: { location: STATE, lineage: "lin-1", serial: 5 },
    });
    expect((await readStateFile(join(dir, STATE)))!.campaigns["lost"]).toMatchObject({
      status: "submitted",
      taskId: 7,
    });
    expect(await exists(join(dir, `${STATE}.lock`))).toBe(false);
    expect(await exists(join(dir, `${STATE}.journal`))).toBe(false);
  });

  test("a submitted campaign with its id cannot be resolved: nothing written, the lock released", async () => {
    const { dir, context } = await project();
    const before = await readFile(join(dir, STATE), "utf8");
    await expect(resolveState("sent", { submitted: false }, {}, context)).rejects.toMatchObject({ code: "usage" });
    expect(await readFile(join(dir, STATE), "utf8")).toBe(before);
    expect(await exists(join(dir, `${STATE}.lock`))).toBe(false);
  });

  test("forget says the task stays scheduled (an event) and reports the task it had", async () => {
    const { context } = await project();
    const report = await forgetState("sent", {}, context);
    expect(report).toMatchObject({
      command: "state forget",
      previousStatus: "submitted",
      status: null,
      taskId: 100001,
    });
    expect(context.events.notices).toEqual([
      "note: task 100001 stays scheduled on the platform; forgetting it here cancels nothing\n",
    ]);
    expect((await listState({}, context)).state.campaigns["sent"]).toBeUndefined();
  });

  test("force-unlock removes the lock named by its id and says who held it", async () => {
    const { dir, context } = await project();
    const held = await acquireLock(join(dir, STATE), { command: "campaign apply", env: {}, now: FIXED_NOW });
    const report = await forceUnlock(held.info.id, {}, context);
    expect(report).toMatchObject({
      command: "force-unlock",
      state: STATE,
      lockId: held.info.id,
      holder: { command: "campaign apply" },
    });
    expect(await exists(join(dir, `${STATE}.lock`))).toBe(false);
  });

  test("migrate takes postgres or file only", async () => {
    const { context } = await project();
    await expect(migrateState("s3", {}, context)).rejects.toMatchObject({ code: "usage" });
  });
});
