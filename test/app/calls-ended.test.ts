import { describe, expect, test } from "vitest";
import { assertCallsEnded } from "../../src/app/calls-ended.js";
import type { CampaignState } from "../../src/schema/generated/index.js";
import { appContext } from "./context-fixture.js";

const finished = (over: Partial<CampaignState>): CampaignState => ({
  status: "submitted",
  definitionHash: "h",
  recipientsHash: "r",
  recipients: 4,
  taskId: 7,
  updatedAt: "2026-11-25T12:00:00.000Z",
  platform: { status: "finished", statusCode: 2, refreshedAt: "2026-11-26T12:00:00.000Z" },
  ...over,
});

describe("--unreached waits for the calls to end", () => {
  test("a finished task without recall flow is done; one with a flow never refreshed is not", () => {
    const context = appContext("/");
    expect(() => assertCallsEnded("a", finished({ settings: { taskName: "a" } }), false, context)).not.toThrow();
    expect(() =>
      assertCallsEnded("a", finished({ settings: { taskName: "a", recallFlow: { recallNum: 1 } } }), false, context),
    ).toThrow(/recall flow was never refreshed/);
  });

  test("an entry an older release wrote without settings may have had a recall flow: refused until refreshed", () => {
    expect(() => assertCallsEnded("a", finished({}), false, appContext("/"))).toThrow(
      /does not say whether it has a recall flow, and campaign refresh cannot tell/,
    );
    expect(() =>
      assertCallsEnded(
        "a",
        finished({ recall: { status: "completed", refreshedAt: "2026-11-26T12:00:00.000Z" } }),
        false,
        appContext("/"),
      ),
    ).not.toThrow();
  });
});
