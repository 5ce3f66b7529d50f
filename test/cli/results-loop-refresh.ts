import { expect } from "vitest";
import { ok, type Body, type FakePlatform } from "../fakes/platform.js";
import type { CliRun } from "../helpers.js";

/** The platform's task status codes (laaffic-api.md): 1 calling, 2 finished, 4 cancelled. */
export const TASK_STATUS = { calling: 1, finished: 2, cancelled: 4 } as const;

/** Recall flow status codes: 0 pending, 2 completed. */
export const FLOW_STATUS = { pending: 0, completed: 2 } as const;

/**
 * `campaign refresh` against the fake: each task answered with the status given (finished unless
 * said), and its recall flow (for a campaign that declares one) with `flow`.
 */
export async function refreshed(
  fake: FakePlatform,
  cli: (...args: string[]) => Promise<CliRun>,
  tasks: readonly [name: string, taskId: number, status?: number, flow?: number][],
): Promise<void> {
  for (const [name, taskId, status = TASK_STATUS.finished, flow] of tasks) {
    const task = { taskId, taskName: name, status, numCnt: 4, callNum: 4, createdTime: "2026-11-25 20:00:00" };
    fake.expect(
      "POST /voice/group/call/query",
      (b: Body) => b.params?.searchCondition === name,
      ok({ total: 1, records: [task] }),
    );
    if (flow !== undefined)
      fake.expect(
        "POST /voice/recallFlow/queryPage",
        (b: Body) => b.params?.taskName === name,
        ok({
          total: 1,
          records: [
            {
              keyId: 900,
              taskId,
              taskName: name,
              recallType: 1,
              recallInterval: 30,
              recallNum: 1,
              finishNum: 0,
              status: flow,
            },
          ],
        }),
      );
  }
  const run = await cli("refresh");
  expect(run.code, run.stderr + run.stdout).toBe(0);
  fake.done();
}
