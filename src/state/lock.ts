import { createHash } from "node:crypto";
import { link, mkdir, rmdir, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { hostname, userInfo } from "node:os";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, readTextFile } from "../files/index.js";
import type { LockInfo } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import { writeSynced } from "./file-store.js";
import { newId } from "./hash.js";

/** What a lock says about its holder (schemas/state.schema.json#/definitions/lockInfo, generated). */
export type { LockInfo };

export interface HeldLock {
  info: LockInfo;
  release(): Promise<void>;
}

/**
 * The lock file as found: whole, or unreadable (garbage, cut short, a directory…). An unreadable
 * lock still has an id, derived from the file's identity, so that force-unlock removes exactly
 * the file that was reported, never a lock taken since.
 */
export type LockFile =
  { readable: true; info: LockInfo } | { readable: false; id: string; why: string; directory: boolean };

/** What force-unlock removed: its id and who held it (or why that could not be read). */
export interface RemovedLock {
  id: string;
  holder: string;
  /** The holder as the lock said, when it could be read. */
  info?: LockInfo;
}

export const lockPathFor = (statePath: string): string => `${statePath}.lock`;

/** The CI run that holds a lock, when the environment tells (GitHub Actions, GitLab CI). */
export function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  if (env["GITHUB_SERVER_URL"] && env["GITHUB_REPOSITORY"] && env["GITHUB_RUN_ID"])
    return `${env["GITHUB_SERVER_URL"]}/${env["GITHUB_REPOSITORY"]}/actions/runs/${env["GITHUB_RUN_ID"]}`;
  return env["CI_JOB_URL"] ?? env["BUILD_URL"];
}

/** Takes the exclusive lock beside the state (O_EXCL create); fails at once when it is held. */
export async function acquireLock(
  statePath: string,
  details: { command: string; env: Record<string, string | undefined>; now: number },
  display = lockPathFor(statePath),
): Promise<HeldLock> {
  const path = lockPathFor(statePath);
  const info = newLockInfo(details);
  await mkdir(dirname(path), { recursive: true });
  // Written in full to a private file, then linked into place: the lock appears whole or not at
  // all, even if this process dies half-way (link fails with EEXIST when the lock is held).
  const temp = `${path}.${process.pid}.${info.id}.tmp`;
  await writeSynced(temp, JSON.stringify(info, null, 2) + "\n");
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    throw await lockedError(path, display);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return {
    info,
    release: async () => {
      // Only our own lock is removed: someone may have force-unlocked and locked again.
      const current = await readLock(path);
      if (current?.readable && current.info.id === info.id) await unlink(path).catch(() => undefined);
    },
  };
}

/** Who is taking a lock: this process, its command, and the CI run when there is one. */
export function newLockInfo(details: {
  command: string;
  env: Record<string, string | undefined>;
  now: number;
}): LockInfo {
  const run = ciRunUrl(details.env);
  return {
    id: newId(),
    pid: process.pid,
    host: hostname(),
    user: safeUser(),
    command: details.command,
    startedAt: new Date(details.now).toISOString(),
    ...(run ? { ciRunUrl: run } : {}),
  };
}

/** Whether a value read as a lock has the shape of one (file or Postgres row). */
export function isLockInfo(value: unknown): value is LockInfo {
  return validators().lockInfo(value);
}

/** Reads the lock file (regular file, bounded, never blocking); undefined when there is none. */
export async function readLock(path: string, display = path): Promise<LockFile | undefined> {
  const read = await readTextFile(path, { maxBytes: FILE_LIMITS.lock, display, what: "lock file" });
  if (!read.ok && read.problem.kind === "missing") return undefined;
  let why: string;
  if (read.ok) {
    let value: unknown;
    try {
      value = JSON.parse(read.text);
    } catch {
      value = undefined;
    }
    if (isLockInfo(value)) return { readable: true, info: value };
    why =
      read.text.trim() === ""
        ? "it is empty"
        : value === undefined
          ? "it is not valid JSON (cut short, or garbage)"
          : "it does not have the shape of a lock (schemas/state.schema.json#/definitions/lockInfo)";
  } else why = read.problem.message;
  const info = await stat(path).catch(() => undefined);
  if (!info) return undefined; // removed just now
  // The file's identity: a lock replaced since it was reported gets another id.
  const identity = createHash("sha256")
    .update(`${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`)
    .digest("hex")
    .slice(0, 12);
  return { readable: false, id: `unreadable-${identity}`, why, directory: info.isDirectory() };
}

async function lockedError(path: string, display: string): Promise<ToolError> {
  const lock = await readLock(path, display);
  if (!lock) return new ToolError("state-locked", `the state is locked (${display})`, "try again");
  if (!lock.readable) return unreadableLock(lock, display);
  return lockedBy(lock.info, lock.info.host === hostname() && !processAlive(lock.info.pid));
}

function unreadableLock(lock: Extract<LockFile, { readable: false }>, display: string): ToolError {
  return new ToolError(
    "state-locked",
    `the state is locked, but the lock file ${display} cannot be read: ${lock.why}; lock id ${lock.id}`,
    lock.directory
      ? `a directory stands where the lock file belongs: check that no campaign command is running, then remove it by hand (rm -r ${display})`
      : `a crash or an edit may have left it so: check that no campaign command is running on this state, then remove it with: campaign force-unlock ${lock.id}`,
  );
}

/** Who holds a lock, in one line. */
export function describeHolder(holder: LockInfo): string {
  return `${holder.user}@${holder.host} pid ${holder.pid} running "${holder.command}" since ${holder.startedAt}${holder.ciRunUrl ? ` (${holder.ciRunUrl})` : ""}`;
}

/** The error a command gets when someone else holds the lock: who, since when, and what to do. */
export function lockedBy(holder: LockInfo, stale: boolean): ToolError {
  return new ToolError(
    "state-locked",
    `the state is locked by ${describeHolder(holder)}, lock id ${holder.id}${stale ? " — stale: that process is no longer running on this host" : ""}`,
    stale
      ? `check that no apply is running, then remove the lock with: campaign force-unlock ${holder.id}`
      : `wait for it to finish; if it is hung, stop it and run: campaign force-unlock ${holder.id}`,
  );
}

/** `campaign force-unlock LOCK_ID`: removes the lock only when given its id (an unreadable lock's too). */
export async function forceUnlock(statePath: string, lockId: string, display = statePath): Promise<RemovedLock> {
  const path = lockPathFor(statePath);
  const lock = await readLock(path, lockPathFor(display));
  if (!lock) throw new ToolError("not-found", `there is no lock on ${display}`, "nothing to unlock");
  const id = lock.readable ? lock.info.id : lock.id;
  if (id !== lockId)
    throw new ToolError(
      "lock-mismatch",
      `the lock on ${display} has id ${id}, not ${lockId}`,
      "pass the id printed by the command that found the state locked",
    );
  if (!lock.readable && lock.directory) {
    await rmdir(path).catch(() => {
      throw new ToolError(
        "usage",
        `the lock ${lockPathFor(display)} is a directory that is not empty; it is left as it is`,
        `look inside, then remove it by hand (rm -r ${lockPathFor(display)})`,
      );
    });
  } else await unlink(path);
  return lock.readable
    ? { id, holder: describeHolder(lock.info), info: lock.info }
    : { id, holder: `unreadable: ${lock.why}` };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
