// The filesystem edge of loading: finding campaign files and reading them. Everything else in
// src/campaigns/ is pure and receives a CampaignFileReader.
import { readdir, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, readTextFile } from "../files/index.js";
import type { CampaignFileReader } from "./load.js";
import { isPartialName } from "./partials.js";

const CAMPAIGN_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

/**
 * Campaign files under the given paths (directories searched recursively), sorted, each once.
 * Partials (`_*` files and folders) are left out of a search unless `partials` asks for them.
 */
export async function discoverCampaignFiles(
  paths: readonly string[],
  cwd: string,
  options: { partials?: boolean } = {},
): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info)
      throw new ToolError(
        "path-not-found",
        `${path} does not exist`,
        "pass campaign files or directories, or set campaignsDir in the config",
      );
    // A path named explicitly is read even when it is no regular file: the reader says what it is.
    if (info.isDirectory())
      for (const file of await walk(absolute, options.partials === true)) found.add(displayPath(file, cwd));
    else found.add(displayPath(absolute, cwd));
  }
  return [...found].sort();
}

async function walk(dir: string, partials: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new ToolError(
      "file-unreadable",
      `cannot list the directory ${dir} (${error.code ?? error.message}) while looking for campaign files`,
      "make it readable, or move it out of the campaigns directory",
    );
  });
  const files: string[] = [];
  for (const entry of entries) {
    // Partials (`_base.yaml`, `_shared/`) are read only where a campaign extends them.
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name) || (!partials && isPartialName(entry.name)))
      continue;
    const full = join(dir, entry.name);
    // Only regular files: a FIFO, socket or device in the tree is never opened, symlinks never followed.
    if (entry.isDirectory()) files.push(...(await walk(full, partials)));
    else if (entry.isFile() && CAMPAIGN_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

/** A path as diagnostics show it: relative to the working directory when inside it, else absolute. */
export function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

export interface ProjectBounds {
  /** Absolute: the config file's directory, else the working directory. */
  root: string;
  /** config allowPathsOutsideProject: referenced files may live anywhere. */
  allowOutside: boolean;
}

/**
 * Where `absolute` really leads when that is outside `root` (after `..`, and symlinks followed),
 * else undefined. A path that does not exist is left to the reader to report.
 */
export async function outsideProject(
  absolute: string,
  root: string,
  realRoot: Promise<string> = realRootOf(root),
): Promise<string | undefined> {
  if (!within(absolute, root)) return absolute;
  const real = await realpath(absolute).catch(() => undefined);
  if (real === undefined) return undefined;
  return within(real, await realRoot) ? undefined : real;
}

const realRootOf = (root: string): Promise<string> => realpath(root).catch(() => root);

function within(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Reads files relative to `cwd`; paths in diagnostics stay as the user sees them. */
export function nodeFileReader(
  cwd: string,
  bounds: ProjectBounds = { root: cwd, allowOutside: false },
): CampaignFileReader {
  // The root's real path, looked up once for every file a load reads (a plan reads thousands).
  let realRoot: Promise<string> | undefined;
  return {
    readText: async (path, kind) => {
      const absolute = resolve(cwd, path);
      // Campaign files are what the user names; the files they (or the config) refer to must stay inside.
      if (kind !== "campaign file" && !bounds.allowOutside) {
        const outside = await outsideProject(absolute, bounds.root, (realRoot ??= realRootOf(bounds.root)));
        if (outside !== undefined) {
          return {
            ok: false,
            problem: {
              kind: "outside-project",
              resolved: outside,
              root: bounds.root,
              message: `${path} resolves to ${outside}, outside the project ${bounds.root}`,
            },
          };
        }
      }
      const maxBytes =
        kind === "campaign file" || kind === "campaign base" || kind === "forEach rows file"
          ? FILE_LIMITS.campaignFile
          : kind === "recipients file"
            ? FILE_LIMITS.recipientsCsv
            : FILE_LIMITS.suppressionList;
      return readTextFile(absolute, { maxBytes, display: path, what: kind });
    },
    resolve: (fromFile, rel) => displayPath(resolve(cwd, dirname(fromFile), rel), cwd),
  };
}
