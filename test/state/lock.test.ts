import { execFileSync } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { acquireLock, lockPathFor } from "../../src/state/index.js";
import { FIXED_NOW, runCli, tempDir } from "../helpers.js";

const details = { command: "campaign apply", env: {}, now: FIXED_NOW };
const whole =
  JSON.stringify(
    {
      id: "2b1c3d4e-0000-4000-8000-000000000000",
      pid: 4242,
      host: "runner-7",
      user: "ci",
      command: "campaign apply --auto-approve",
      startedAt: "2026-11-25T10:00:00.000Z",
    },
    null,
    2,
  ) + "\n";

/** Lock files a crash, an editor or a careless copy may leave: none of them names a holder. */
const GARBAGE: [string, string | Buffer][] = [
  ...[1, 2, 17, 40, 90, whole.length - 3].map((cut): [string, string] => [`cut at byte ${cut}`, whole.slice(0, cut)]),
  ["empty", ""],
  ["blank lines", "\n\n  \n"],
  ["binary, invalid UTF-8", Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x7b])],
  ["NUL bytes", Buffer.alloc(64)],
  ["JSON null", "null"],
  ["JSON array", "[]"],
  ["empty object", "{}"],
  ["id only", JSON.stringify({ id: "abc" })],
  ["pid as string", whole.replace("4242", '"4242"')],
  ["id as number", whole.replace('"2b1c3d4e-0000-4000-8000-000000000000"', "7")],
  ["an extra member", whole.replace("{", '{"extra": true,')],
  ["huge", "x".repeat(70 * 1024)],
];

async function lockedMessage(statePath: string): Promise<{ code: string; message: string; hint: string }> {
  return (await acquireLock(statePath, details, ".campaign/state.json.lock").then(
    () => expect.unreachable("took a held lock"),
    (e: unknown) => e,
  )) as { code: string; message: string; hint: string };
}

describe("a lock file that is partial or garbage", () => {
  test.each(GARBAGE)(
    "%s: reported as unreadable, naming the file (never undefined); force-unlock with the printed id removes it",
    async (_name, content) => {
      const dir = await tempDir({ "campaign.config.yaml": "campaignsDir: campaigns\n" });
      const statePath = join(dir, ".campaign", "state.json");
      await mkdir(join(dir, ".campaign"));
      await writeFile(lockPathFor(statePath), content);
      const error = await lockedMessage(statePath);
      expect(error.code).toBe("state-locked");
      expect(error.message).toMatch(
        /^the state is locked, but the lock file \.campaign\/state\.json\.lock cannot be read: .+; lock id unreadable-[0-9a-f]{12}$/,
      );
      expect(`${error.message} ${error.hint}`).not.toContain("undefined");
      const id = /lock id (unreadable-[0-9a-f]{12})/.exec(error.message)![1]!;
      expect(error.hint).toContain(`campaign force-unlock ${id}`);

      const plan = await runCli(["apply", "--auto-approve"], dir);
      expect(plan.code).toBe(4);
      expect(plan.stderr).toContain(`lock id ${id}`);
      expect((await runCli(["force-unlock", "unreadable-000000000000"], dir)).code).toBe(1);
      const unlocked = await runCli(["force-unlock", id], dir);
      expect(unlocked.code).toBe(0);
      expect(unlocked.stdout).toContain(`Removed lock ${id} (unreadable: `);
      await expect(stat(lockPathFor(statePath))).rejects.toThrow();
      const again = await acquireLock(statePath, details);
      await again.release();
    },
  );

  test("an unreadable lock replaced since it was reported has another id: force-unlock never removes what it was not shown", async () => {
    const dir = await tempDir();
    const statePath = join(dir, "state.json");
    await writeFile(lockPathFor(statePath), "{ cut");
    const first = /lock id (\S+)$/.exec((await lockedMessage(statePath)).message)![1]!;
    await writeFile(lockPathFor(statePath), "{ cut short elsewhere");
    const second = /lock id (\S+)$/.exec((await lockedMessage(statePath)).message)![1]!;
    expect(second).not.toBe(first);
    const { forceUnlock } = await import("../../src/state/index.js");
    await expect(forceUnlock(statePath, first)).rejects.toMatchObject({ code: "lock-mismatch" });
    expect(await readFile(lockPathFor(statePath), "utf8")).toBe("{ cut short elsewhere");
  });

  test("a directory or FIFO where the lock belongs: named, never read (no hang); a FIFO is force-unlocked, a directory removed by hand", async () => {
    const dir = await tempDir();
    const statePath = join(dir, "state.json");
    await mkdir(lockPathFor(statePath));
    const directory = await lockedMessage(statePath);
    expect(directory.message).toContain(
      "cannot be read: lock file .campaign/state.json.lock is a directory, not a regular file",
    );
    expect(directory.hint).toContain("rm -r .campaign/state.json.lock");
    const other = join(dir, "other.json");
    execFileSync("mkfifo", [lockPathFor(other)]);
    const fifo = await lockedMessage(other);
    expect(fifo.message).toContain("is a FIFO (named pipe), not a regular file");
    const { forceUnlock } = await import("../../src/state/index.js");
    await forceUnlock(other, /lock id (\S+)$/.exec(fifo.message)![1]!);
    await expect(stat(lockPathFor(other))).rejects.toThrow();
  });
});
