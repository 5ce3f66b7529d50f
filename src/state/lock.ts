import { link, mkdir, readFile, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { hostname, userInfo } from "node:os";
import { ToolError } from "../errors/index.js";
import { writeSynced } from "./file-store.js";
import { newId } from "./hash.js";

export interface LockInfo {
  id: string;
  pid: number;
  host: string;
  user: string;
  command: string;
  startedAt: string;
  ciRunUrl?: string;
}

export interface HeldLock {
  info: LockInfo;
  release(): Promise<void>;
}

export const lockPathFor = (statePath: string): string => `${statePath}.lock`;

/** The CI run that holds a lock, when the environment tells (GitHub Actions, GitLab CI). */
export function ciRunUrl(env: Record<string, string | undefined>): string | undefined {
  if (env["GITHUB_SERVER_URL"] && env["GITHUB_REPOSITORY"] && env["GITHUB_RUN_ID"]) return `${env["GITHUB_SERVER_URL"]}/${env["GITHUB_REPOSITORY"]}/actions/runs/${env["GITHUB_RUN_ID"]}`;
  return env["CI_JOB_URL"] ?? env["BUILD_URL"];
}

/** Takes the exclusive lock beside the state (O_EXCL create); fails at once when it is held. */
export async function acquireLock(statePath: string, details: { command: string; env: Record<string, string | undefined>; now: number }): Promise<HeldLock> {
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
    throw await lockedError(path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return {
    info,
    release: async () => {
      // Only our own lock is removed: someone may have force-unlocked and locked again.
      const current = await readLock(path);
      if (current?.id === info.id) await unlink(path).catch(() => undefined);
    },
  };
}

/** Who is taking a lock: this process, its command, and the CI run when there is one. */
export function newLockInfo(details: { command: string; env: Record<string, string | undefined>; now: number }): LockInfo {
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

export async function readLock(path: string): Promise<LockInfo | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as LockInfo;
  } catch {
    return { id: "(unreadable)", pid: 0, host: "?", user: "?", command: "?", startedAt: "?" };
  }
}

async function lockedError(path: string): Promise<ToolError> {
  const holder = await readLock(path);
  if (!holder) return new ToolError("state-locked", `the state is locked (${path})`, "try again");
  return lockedBy(holder, holder.host === hostname() && !processAlive(holder.pid));
}

/** The error a command gets when someone else holds the lock: who, since when, and what to do. */
export function lockedBy(holder: LockInfo, stale: boolean): ToolError {
  const who = `${holder.user}@${holder.host} pid ${holder.pid} running "${holder.command}" since ${holder.startedAt}${holder.ciRunUrl ? ` (${holder.ciRunUrl})` : ""}`;
  return new ToolError(
    "state-locked",
    `the state is locked by ${who}, lock id ${holder.id}${stale ? " — stale: that process is no longer running on this host" : ""}`,
    stale
      ? `check that no apply is running, then remove the lock with: campaign force-unlock ${holder.id}`
      : `wait for it to finish; if it is hung, stop it and run: campaign force-unlock ${holder.id}`,
  );
}

/** `campaign force-unlock LOCK_ID`: removes the lock only when given its id. */
export async function forceUnlock(statePath: string, lockId: string): Promise<LockInfo> {
  const path = lockPathFor(statePath);
  const holder = await readLock(path);
  if (!holder) throw new ToolError("not-found", `there is no lock on ${statePath}`, "nothing to unlock");
  if (holder.id !== lockId) throw new ToolError("lock-mismatch", `the lock on ${statePath} has id ${holder.id}, not ${lockId}`, "pass the id printed by the command that found the state locked");
  await unlink(path);
  return holder;
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
