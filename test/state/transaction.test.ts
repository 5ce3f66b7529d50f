import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { emptyState, fileBackend, logEvent, readStateFile, withLockedState } from "../../src/state/index.js";
import { FIXED_NOW, tempDir } from "../helpers.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function backendIn() {
  const dir = await tempDir();
  const path = join(dir, "state.json");
  return { path, backend: fileBackend(path, "state.json") };
}

const request = { command: "campaign test", env: {}, now: FIXED_NOW };

describe("withLockedState: lock → read → write → compact → release", () => {
  test("what the work writes is folded into the state file and the lock is gone", async () => {
    const { path, backend } = await backendIn();
    const serial = await withLockedState(
      backend,
      request,
      () => FIXED_NOW,
      async ({ state, openWriter }) => {
        expect(state).toBeUndefined();
        const writer = openWriter(emptyState("lin-1", "c".repeat(32)));
        await writer.commit(logEvent({ action: "apply-start", detail: "test" }));
        return writer.current().serial;
      },
    );
    expect(serial).toBe(1);
    expect((await readStateFile(path))?.serial).toBe(1);
    expect(await exists(`${path}.journal`)).toBe(false);
    expect(await exists(`${path}.lock`)).toBe(false);
  });

  test("a throw inside the work still compacts what was written and releases the lock", async () => {
    const { path, backend } = await backendIn();
    const failed = withLockedState(
      backend,
      request,
      () => FIXED_NOW,
      async ({ openWriter }) => {
        const writer = openWriter(emptyState("lin-2", "c".repeat(32)));
        await writer.commit(logEvent({ action: "apply-start", detail: "before the failure" }));
        throw new Error("the work failed");
      },
    );
    await expect(failed).rejects.toThrow("the work failed");
    expect((await readStateFile(path))?.history.map((h) => h.detail)).toEqual(["before the failure"]);
    expect(await exists(`${path}.lock`)).toBe(false);
  });

  test("the lock is held while the work runs: a second command is refused", async () => {
    const { path, backend } = await backendIn();
    await withLockedState(
      backend,
      request,
      () => FIXED_NOW,
      async () => {
        expect(JSON.parse(await readFile(`${path}.lock`, "utf8"))).toMatchObject({ command: "campaign test" });
        await expect(
          withLockedState(
            backend,
            request,
            () => FIXED_NOW,
            async () => 0,
          ),
        ).rejects.toMatchObject({
          code: "state-locked",
        });
      },
    );
  });

  test("one writer per command: opening a second is a bug, reported as one", async () => {
    const { backend } = await backendIn();
    await expect(
      withLockedState(
        backend,
        request,
        () => FIXED_NOW,
        async ({ openWriter }) => {
          openWriter(emptyState("lin-3", "c".repeat(32)));
          openWriter(emptyState("lin-3", "c".repeat(32)));
        },
      ),
    ).rejects.toThrow("the state writer was opened twice in one command");
  });
});
