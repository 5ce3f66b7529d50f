import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { collectingEvents, type AppContext } from "../../src/app/context.js";
import type { Interrupts } from "../../src/app/interrupts.js";
import { refreshCampaigns, requireCompleteRefresh } from "../../src/app/refresh.js";
import { readStateFile } from "../../src/state/index.js";
import { fakePlatform, ok, refuse, type Body, type FakePlatform } from "../fakes/platform.js";
import { tempDir } from "../helpers.js";
import { STATE, writeState } from "./state-fixture.js";

const noSignals: Interrupts = { listen: () => () => undefined };
const named = (name: string) => (b: Body) => b.params?.searchCondition === name;

/** A project whose state holds "sent", submitted a minute ago as task 5000; its clock is the fake platform's. */
async function project(fake: FakePlatform, options: { withState?: boolean } = {}) {
  const dir = await tempDir();
  if (options.withState !== false) await writeState(dir, [{ name: "sent", taskId: 5000 }], fake.now() - 60_000);
  const events = collectingEvents();
  const context: AppContext = { cwd: dir, env: fake.env, now: () => fake.now(), events };
  return { dir, context, events };
}

describe("refresh, with the platform faked over loopback", () => {
  test("asks about each campaign (announced unless quiet) and records what the platform says", async () => {
    const fake = await fakePlatform();
    const { dir, context, events } = await project(fake);
    fake.expect(
      "POST /voice/group/call/query",
      named("sent"),
      ok({ total: 1, records: [{ taskId: 5000, taskName: "sent", status: 2, numCnt: 2, callNum: 2 }] }),
    );
    const outcome = await refreshCampaigns({}, { command: "campaign refresh" }, context, { interrupts: noSignals });
    expect(outcome.result.findings).toEqual([
      { taskName: "sent", finding: "status", summary: expect.stringMatching(/^task 5000 \w+, 2\/2 called$/) },
    ]);
    expect(outcome.before!.serial).toBe(2);
    expect(outcome.after!.serial).toBe(3);
    expect(events.notices).toEqual(["  asking the platform about sent…\n"]);
    expect((await readStateFile(join(dir, STATE)))!.campaigns["sent"]!.platform).toMatchObject({
      statusCode: 2,
      callNum: 2,
    });

    fake.expect(
      "POST /voice/group/call/query",
      named("sent"),
      ok({ total: 1, records: [{ taskId: 5000, taskName: "sent", status: 2 }] }),
    );
    await refreshCampaigns({}, { command: "campaign refresh", quiet: true }, context, { interrupts: noSignals });
    expect(events.notices).toHaveLength(1);
  });

  test("a refused query is a failure that records nothing, and plan --refresh stops on it", async () => {
    const fake = await fakePlatform();
    const { context } = await project(fake);
    fake.expect("POST /voice/group/call/query", named("sent"), refuse("-3", "query refused"));
    const outcome = await refreshCampaigns({}, { command: "campaign refresh", quiet: true }, context, {
      interrupts: noSignals,
    });
    expect(outcome.result.failures).toEqual([
      { taskName: "sent", message: expect.stringContaining("task query failed") },
    ]);
    expect(outcome.after!.serial).toBe(2);
    expect(() => requireCompleteRefresh(outcome)).toThrow(expect.objectContaining({ code: "invalid-input" }));
  });

  test("--check names only campaigns whose outcome is unknown; nothing is asked otherwise", async () => {
    const fake = await fakePlatform();
    const { context } = await project(fake);
    const check = { command: "campaign state resolve sent --check", names: ["sent"] };
    await expect(refreshCampaigns({}, check, context, { interrupts: noSignals })).rejects.toMatchObject({
      code: "usage",
    });
    // The lock was released: a second command gets as far as the same check.
    await expect(refreshCampaigns({}, check, context, { interrupts: noSignals })).rejects.toMatchObject({
      code: "usage",
    });
    expect(fake.requests).toEqual([]);
  });

  test("no state yet: nothing to ask", async () => {
    const fake = await fakePlatform();
    const { context } = await project(fake, { withState: false });
    const outcome = await refreshCampaigns({}, { command: "campaign refresh" }, context, { interrupts: noSignals });
    expect(outcome).toMatchObject({ location: STATE, result: { findings: [], failures: [], interrupted: false } });
    expect(outcome.after).toBeUndefined();
  });

  test("a signal before the lock is taken: interrupted, said through the events, nothing asked", async () => {
    const fake = await fakePlatform();
    const { context, events } = await project(fake);
    const signalled: Interrupts = { listen: (onInterrupt) => (onInterrupt("SIGINT"), () => undefined) };
    await expect(
      refreshCampaigns({}, { command: "campaign refresh" }, context, { interrupts: signalled }),
    ).rejects.toMatchObject({
      code: "interrupted",
    });
    expect(events.notices[0]).toMatch(/^\nSIGINT: stopping\./);
    expect(fake.requests).toEqual([]);
  });
});
