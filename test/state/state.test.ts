import { readFile, readdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  acquireLock,
  createStateWriter,
  emptyState,
  fileSink,
  forceUnlock,
  lockPathFor,
  logEvent,
  markPending,
  markSubmitted,
  readStateFile,
} from "../../src/state/index.js";
import { FIXED_NOW, tempDir } from "../helpers.js";

const definition = (taskName: string) => ({
  taskName,
  definitionHash: `hmac-sha256:${"a".repeat(64)}`,
  recipientsHash: `hmac-sha256:${"b".repeat(64)}`,
  recipients: 2,
  settings: { appId: "A" },
});

describe("state file", () => {
  test("writes are atomic and bump the serial once per write; lineage stays; history logs each change", async () => {
    const dir = await tempDir();
    const path = join(dir, ".campaign", "state.json");
    const writer = createStateWriter(fileSink(path), emptyState("lin-1", "c".repeat(32)), () => FIXED_NOW);
    await writer.commit(markPending(definition("a"), "plan-1", FIXED_NOW));
    await writer.commit(markSubmitted("a", 100001, FIXED_NOW));
    const state = await readStateFile(path);
    expect(state).toMatchObject({
      lineage: "lin-1",
      serial: 2,
      campaigns: { a: { status: "submitted", taskId: 100001, recipients: 2 } },
    });
    expect(state!.history.map((h) => [h.serial, h.action, h.taskName])).toEqual([
      [1, "pending", "a"],
      [2, "submitted", "a"],
    ]);
    expect((await readdir(join(dir, ".campaign"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await writer.compact();
  });

  test("concurrent commits are grouped, every one durable when it resolves", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    const writer = createStateWriter(fileSink(path), emptyState("lin", "c".repeat(32)), () => FIXED_NOW);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => writer.commit(markPending(definition(`c${i}`), "p", FIXED_NOW))),
    );
    const state = await readStateFile(path);
    expect(Object.keys(state!.campaigns)).toHaveLength(50);
    expect(state!.serial).toBeLessThan(50);
    expect(state!.serial).toBe(writer.current().serial);
    await writer.compact();
  });

  test("a missing file is no state; a corrupt or newer file is an error naming it and is never overwritten", async () => {
    const dir = await tempDir({
      "bad.json": "{ not json",
      "new.json": JSON.stringify({ formatVersion: 2 }),
      "odd.json": JSON.stringify({ formatVersion: 1, lineage: "x" }),
    });
    expect(await readStateFile(join(dir, "none.json"))).toBeUndefined();
    await expect(readStateFile(join(dir, "bad.json"))).rejects.toMatchObject({
      code: "state-corrupt",
      message: `the state file ${join(dir, "bad.json")} is not valid JSON`,
    });
    await expect(readStateFile(join(dir, "new.json"))).rejects.toMatchObject({ code: "state-too-new" });
    await expect(readStateFile(join(dir, "odd.json"))).rejects.toMatchObject({ code: "state-corrupt" });
    expect(await readFile(join(dir, "bad.json"), "utf8")).toBe("{ not json");
  });

  test("a failing write rejects the commit, and every later one: memory never runs ahead of the disk silently", async () => {
    const dir = await tempDir({ "file-not-dir": "x" });
    const writer = createStateWriter(
      fileSink(join(dir, "file-not-dir", "state.json")),
      emptyState("lin", "c".repeat(32)),
      () => FIXED_NOW,
    );
    await expect(writer.commit(logEvent({ action: "apply-start" }))).rejects.toThrow();
    await expect(writer.commit(markPending(definition("late"), "p", FIXED_NOW))).rejects.toThrow();
  });

  test("after the first full write, changes go to a journal that readers replay; compact folds it in", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    const writer = createStateWriter(fileSink(path), emptyState("lin", "c".repeat(32)), () => FIXED_NOW);
    await writer.commit(logEvent({ action: "apply-start" }));
    await writer.commit(markPending(definition("j1"), "p", FIXED_NOW));
    await writer.commit(markSubmitted("j1", 100001, FIXED_NOW));
    expect(JSON.parse(await readFile(path, "utf8")).serial).toBe(1);
    expect((await readFile(`${path}.journal`, "utf8")).trim().split("\n")).toHaveLength(2);
    expect(await readStateFile(path)).toMatchObject({
      serial: 3,
      campaigns: { j1: { status: "submitted", taskId: 100001 } },
    });
    // A torn last line (a write cut short) was never acknowledged: it is ignored.
    await writeFile(`${path}.journal`, (await readFile(`${path}.journal`, "utf8")) + '{"serial": 4, "campa');
    expect((await readStateFile(path))!.serial).toBe(3);
    await writer.compact();
    expect(JSON.parse(await readFile(path, "utf8"))).toMatchObject({
      serial: 3,
      campaigns: { j1: { status: "submitted" } },
    });
    await expect(readFile(`${path}.journal`, "utf8")).rejects.toThrow();
  });
});

describe("lock", () => {
  const details = {
    command: "campaign apply",
    env: { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/calls", GITHUB_RUN_ID: "42" },
    now: FIXED_NOW,
  };

  test("a second holder fails at once, naming the holder, its command, start and CI run", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    const held = await acquireLock(path, details);
    expect(held.info).toMatchObject({
      pid: process.pid,
      host: hostname(),
      command: "campaign apply",
      ciRunUrl: "https://github.com/acme/calls/actions/runs/42",
    });
    const error = await acquireLock(path, details).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "state-locked" });
    expect((error as Error).message).toContain(
      `pid ${process.pid} running "campaign apply" since 2026-11-25T12:00:00.000Z (https://github.com/acme/calls/actions/runs/42), lock id ${held.info.id}`,
    );
    await held.release();
    const again = await acquireLock(path, details);
    await again.release();
  });

  test("a lock whose process is gone on this host is reported as stale, with the force-unlock command", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    await writeFile(
      lockPathFor(path),
      JSON.stringify({
        id: "dead-lock",
        pid: 2 ** 22 + 12345,
        host: hostname(),
        user: "ci",
        command: "campaign apply",
        startedAt: "2026-11-25T10:00:00Z",
      }),
    );
    const error = (await acquireLock(path, details).catch((e: unknown) => e)) as { message: string; hint: string };
    expect(error.message).toContain("stale: that process is no longer running on this host");
    expect(error.hint).toBe(
      "check that no apply is running, then remove the lock with: campaign force-unlock dead-lock",
    );
  });

  test("force-unlock removes the lock only when given its id", async () => {
    const dir = await tempDir();
    const path = join(dir, "state.json");
    const held = await acquireLock(path, details);
    await expect(forceUnlock(path, "wrong-id")).rejects.toMatchObject({ code: "lock-mismatch" });
    expect(await forceUnlock(path, held.info.id)).toMatchObject({ id: held.info.id });
    await expect(forceUnlock(path, held.info.id)).rejects.toMatchObject({ code: "not-found" });
  });
});
