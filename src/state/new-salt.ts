// Before any state exists, a plan is made with the salt the first apply will create the state
// with. That salt keys the definition hashes and the plan's MAC, so it must not travel in the
// plan: it stays in a private file beside the state, made by the first plan and reused by the next.
import { link, mkdir, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { ToolError } from "../errors/index.js";
import { readTextFile } from "../files/index.js";
import { writeSynced } from "./file-store.js";
import { newId, newSalt } from "./hash.js";

export const newSaltPathFor = (statePath: string): string => `${statePath}.new-salt`;

const SALT = /^[0-9a-f]{32,}$/;

/** The salt in `<state>.new-salt`, or undefined when there is no such file. */
export async function readNewSalt(statePath: string, display = statePath): Promise<string | undefined> {
  const shown = newSaltPathFor(display);
  const read = await readTextFile(newSaltPathFor(statePath), {
    maxBytes: 1024,
    display: shown,
    what: "the new-state salt file",
  });
  if (!read.ok) {
    if (read.problem.kind === "missing") return undefined;
    throw new ToolError(
      "file-unreadable",
      read.problem.message,
      `delete it; the next campaign plan makes a new one (plans saved before are then refused)`,
    );
  }
  const salt = read.text.trim();
  if (!SALT.test(salt))
    throw new ToolError(
      "state-corrupt",
      `the new-state salt file ${shown} does not hold a salt`,
      `delete it; the next campaign plan makes a new one (plans saved before are then refused)`,
    );
  return salt;
}

/** The salt in `<state>.new-salt`, made (mode 0600) when there is none yet; two plans at once agree. */
export async function ensureNewSalt(statePath: string, display = statePath): Promise<string> {
  const existing = await readNewSalt(statePath, display);
  if (existing !== undefined) return existing;
  const path = newSaltPathFor(statePath);
  await mkdir(dirname(path), { recursive: true });
  const salt = newSalt();
  const temp = `${path}.${process.pid}.${newId()}.tmp`;
  await writeSynced(temp, salt + "\n").catch((error: NodeJS.ErrnoException) => {
    throw new ToolError(
      "file-unreadable",
      `cannot write the new-state salt file ${newSaltPathFor(display)} (${error.code ?? error.message})`,
      "before any state exists, campaign plan keeps the salt the first apply creates the state with beside the state: make that directory writable",
    );
  });
  try {
    // Linked into place: it appears whole or not at all, and only the first of two writers wins.
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return (await readNewSalt(statePath, display))!;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return salt;
}

/** Once the state exists it holds the salt itself: the file has done its work (tidying only, so best effort). */
export async function removeNewSalt(statePath: string): Promise<void> {
  await unlink(newSaltPathFor(statePath)).catch(() => undefined);
}
