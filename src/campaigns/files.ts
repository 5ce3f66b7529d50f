// The filesystem edge of loading: finding campaign files and reading them. Everything else in
// src/campaigns/ is pure and receives a CampaignFileReader.
import { readFile, readdir, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import type { CampaignFileReader } from "./load.js";

const CAMPAIGN_FILE = /\.ya?ml$/i;
const SKIPPED_DIRS = new Set(["node_modules", ".git"]);

/** Campaign files under the given paths (directories searched recursively), sorted, each once. */
export async function discoverCampaignFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new ToolError("path-not-found", `${path} does not exist`, "pass campaign files or directories, or set campaignsDir in the config");
    if (info.isDirectory()) for (const file of await walk(absolute)) found.add(display(file, cwd));
    else found.add(display(absolute, cwd));
  }
  return [...found].sort();
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile() && CAMPAIGN_FILE.test(entry.name)) files.push(full);
  }
  return files;
}

function display(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
}

/** Reads files relative to `cwd`; paths in diagnostics stay as the user sees them. */
export function nodeFileReader(cwd: string): CampaignFileReader {
  return {
    readText: (path) => readFile(resolve(cwd, path), "utf8").catch(() => undefined),
    resolve: (fromFile, rel) => display(resolve(cwd, dirname(fromFile), rel), cwd),
  };
}
