// Every file the tool writes on request (--out, $GITHUB_STEP_SUMMARY) goes through here: a careless
// or hostile path must never replace the state, its journal or lock, the report store, a campaign,
// a recipients CSV, a suppression list or the config. Paths are compared after resolving symlinks
// and `..`, and by inode, so no spelling of a protected file gets past.
import { constants } from "node:fs";
import { open, readlink, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import { kindOf } from "./read-text.js";

/** A file the tool reads or keeps, which no output may overwrite. */
export interface ProtectedFile {
  /** Absolute, or relative to the working directory. */
  path: string;
  /** What it is, for messages: "the state file", "the campaign file campaigns/a.yaml", … */
  what: string;
  /** Also `<name>.*`, `.<name>.*` and `<name>-*` beside it (journal, lock, temp and salt files, SQLite -wal/-shm). */
  siblings?: boolean;
}

export interface OutputTarget {
  /** The real path the output goes to (symlinks resolved). */
  path: string;
  /** The path as the user gave it, for messages. */
  display: string;
}

const MAX_LINKS = 32;

/**
 * Checks that `target` may be written: its directory exists, it is not a directory or special
 * file, and it is none of the protected files (any spelling). Throws a ToolError naming the file.
 */
export async function checkOutputPath(
  target: string,
  options: { cwd: string; what: string; protect: readonly ProtectedFile[] },
): Promise<OutputTarget> {
  const display = target;
  const real = await realPathOf(resolve(options.cwd, target), display);
  const directory = dirname(real);
  const parent = await stat(directory).catch(() => undefined);
  if (!parent) {
    throw new ToolError(
      "path-not-found",
      `cannot write the ${options.what} to ${display}: the directory ${dirname(resolve(options.cwd, target))} does not exist`,
      "create the directory first, or choose another path",
      { file: display },
    );
  }
  if (!parent.isDirectory())
    throw new ToolError(
      "output-refused",
      `cannot write the ${options.what} to ${display}: ${directory} is not a directory`,
      "choose another path",
      { file: display },
    );
  const existing = await stat(real).catch(() => undefined);
  if (existing && !existing.isFile()) {
    throw new ToolError(
      "output-refused",
      `cannot write the ${options.what} to ${display}: it is ${kindOf(existing)}, not a regular file`,
      "choose a file name",
      { file: display },
    );
  }
  for (const file of options.protect) {
    const protectedReal = await realPathOf(resolve(options.cwd, file.path), file.path).catch(() => undefined);
    const protectedStat = existing ? await stat(resolve(options.cwd, file.path)).catch(() => undefined) : undefined;
    const sameInode =
      existing !== undefined &&
      protectedStat !== undefined &&
      protectedStat.ino === existing.ino &&
      protectedStat.dev === existing.dev;
    if (sameInode || (protectedReal !== undefined && covers(protectedReal, real, file.siblings === true))) {
      const relation =
        sameInode || protectedReal === real
          ? `it is ${file.what}`
          : `that name beside ${file.what} is reserved for its journal, lock and temporary files`;
      throw new ToolError(
        "output-refused",
        `refusing to write the ${options.what} to ${display}: ${relation}`,
        "the tool never overwrites its own files; choose another path",
        { file: display },
      );
    }
  }
  return { path: real, display };
}

function covers(protectedReal: string, real: string, siblings: boolean): boolean {
  if (real === protectedReal) return true;
  if (!siblings || dirname(real) !== dirname(protectedReal)) return false;
  const name = basename(protectedReal);
  const candidate = basename(real);
  return candidate.startsWith(`${name}.`) || candidate.startsWith(`.${name}.`) || candidate.startsWith(`${name}-`);
}

/** The path with every symlink resolved, also where the file (or a link's target) does not exist yet. */
async function realPathOf(absolute: string, display: string, depth = 0): Promise<string> {
  if (depth > MAX_LINKS)
    throw new ToolError("output-refused", `cannot resolve ${display}: too many symbolic links`, "choose another path", {
      file: display,
    });
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new ToolError(
        "output-refused",
        `cannot resolve ${display}: a loop of symbolic links`,
        "choose another path",
        { file: display },
      );
    if (code !== "ENOENT" && code !== "ENOTDIR")
      throw new ToolError("output-refused", `cannot resolve ${display} (${code ?? "error"})`, "choose another path", {
        file: display,
      });
  }
  const link = await readlink(absolute).catch(() => undefined);
  if (link !== undefined) return realPathOf(resolve(dirname(absolute), link), display, depth + 1);
  const parent = dirname(absolute);
  if (parent === absolute) return absolute;
  return join(await realPathOf(parent, display, depth + 1), basename(absolute));
}

/** Replaces the file atomically (temp file beside it, fsync, rename): a failed write leaves no half file. */
export async function writeOutputFile(target: OutputTarget, text: string, what: string): Promise<void> {
  const temp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target.path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw new ToolError(
      "output-refused",
      `cannot write the ${what} to ${target.display} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      "check that the directory is writable and the disk has room; nothing was written",
      { file: target.display },
    );
  }
}

/**
 * Appends to a regular file, never blocking (a FIFO without a reader, a device) and never
 * following a target that stopped being a regular file. Returns why it could not, if so.
 */
export async function appendOutputFile(target: OutputTarget, text: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(
      target.path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK,
      0o644,
    );
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return `it is ${kindOf(info)}, not a regular file`;
    await handle.appendFile(text);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  } finally {
    await handle.close();
  }
}
