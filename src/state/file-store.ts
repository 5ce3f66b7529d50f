import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ToolError } from "../errors/index.js";
import type { AppliedState, HistoryEntry } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";

export const STATE_FORMAT_VERSION = 1;

/** Reads the state file; undefined when there is none. A corrupt or newer file is an error naming it. */
export async function readStateFile(path: string): Promise<AppliedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ToolError("state-corrupt", `cannot read the state file ${path}: ${(error as Error).message}`, "check its permissions");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolError("state-corrupt", `the state file ${path} is not valid JSON`, "restore it from backup or version control; it is never overwritten while it cannot be read");
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === "number" && version > STATE_FORMAT_VERSION) {
    throw new ToolError("state-too-new", `the state file ${path} has format ${version}; this campaign version reads format ${STATE_FORMAT_VERSION}`, "upgrade laaffic-campaign; the file is left untouched");
  }
  const validate = validators().state;
  if (!validate(value)) {
    const first = validate.errors?.[0];
    throw new ToolError("state-corrupt", `the state file ${path} does not match schemas/state.schema.json (${first?.instancePath || "/"} ${first?.message ?? ""})`.trim(), "restore it from backup or version control; it is never overwritten while it cannot be read");
  }
  return value;
}

/** Atomic replace: temp file in the same directory, fsync, rename, fsync of the directory. */
export async function writeStateFile(path: string, state: AppliedState): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(JSON.stringify(state) + "\n");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  const dirHandle = await open(dir, "r");
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

export type HistoryInput = Omit<HistoryEntry, "serial" | "at">;

/** Changes the state in memory and says what to log; applied and written as one durable step. */
export type Mutation = (state: AppliedState) => HistoryInput[];

export interface StateWriter {
  /** The state as last written. */
  current(): AppliedState;
  /** Applies the mutation; resolves once a write containing it is durable. */
  commit(mutation: Mutation): Promise<void>;
}

/**
 * One serialised writer per process (held under the lock). Mutations that arrive while a write is
 * in flight are grouped into the next write, so concurrent submissions do not queue on fsync one
 * by one, yet each caller still waits until its own record is durable.
 */
export function createStateWriter(path: string, initial: AppliedState, now: () => number): StateWriter {
  let state = structuredClone(initial);
  let queue: { mutation: Mutation; resolve(): void; reject(e: unknown): void }[] = [];
  let writing: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const next = structuredClone(state);
      next.serial += 1;
      const at = new Date(now()).toISOString();
      const applied: typeof batch = [];
      for (const item of batch) {
        try {
          for (const entry of item.mutation(next)) next.history.push({ serial: next.serial, at, ...entry });
          applied.push(item);
        } catch (error) {
          item.reject(error);
        }
      }
      try {
        await writeStateFile(path, next);
        state = next;
        for (const item of applied) item.resolve();
      } catch (error) {
        for (const item of applied) item.reject(error);
      }
    }
  };

  const kick = (): void => {
    if (writing) return;
    // A mutation queued just as a drain ends is picked up by the next one.
    writing = drain().finally(() => {
      writing = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    current: () => state,
    commit(mutation) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ mutation, resolve, reject });
        kick();
      });
    },
  };
}
