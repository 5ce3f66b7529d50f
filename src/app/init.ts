import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, kindOf, readTextFile } from "../files/index.js";
import type { InitReport } from "../schema/generated/index.js";
import type { AppContext } from "./context.js";
import {
  CONFIG_TEMPLATE,
  EXAMPLE_CAMPAIGN,
  STAGING_CAMPAIGN,
  gitignoreWith,
  missingGitignoreLines,
} from "./init-files.js";
import { TOOL_VERSION } from "./version.js";

export type { InitReport };

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `campaign init [dir]`: scaffolds a campaigns repository; never overwrites without `force`. */
export async function init(
  target: string | undefined,
  input: { force?: boolean },
  context: AppContext,
): Promise<InitReport> {
  const root = resolve(context.cwd, target ?? ".");
  const workflow = await readFile(join(PACKAGE_ROOT, "examples/github-actions/campaigns.yml"), "utf8");
  const outcomesWorkflow = await readFile(join(PACKAGE_ROOT, "examples/github-actions/outcomes.yml"), "utf8");
  const pinned = (text: string) => text.replace(/laaffic-campaign@[\w.-]+/g, `laaffic-campaign@${TOOL_VERSION}`);
  const schema = await readFile(join(PACKAGE_ROOT, "schemas/campaign.schema.json"), "utf8");
  const files: Record<string, string> = {
    "campaign.config.yaml": CONFIG_TEMPLATE,
    "campaigns/example.yaml": EXAMPLE_CAMPAIGN,
    "staging/campaigns/tester.yaml": STAGING_CAMPAIGN,
    ".campaign/campaign.schema.json": schema,
    ".github/workflows/campaigns.yml": pinned(workflow),
    ".github/workflows/outcomes.yml": pinned(outcomesWorkflow),
  };
  const shownRoot = target ?? ".";
  const existing = await checkTargets(root, shownRoot, [...Object.keys(files), ".gitignore"]);
  const overwritten = existing.filter((path) => path !== ".gitignore");
  if (overwritten.length > 0 && !input.force) {
    throw new ToolError(
      "usage",
      `init would overwrite ${overwritten.join(", ")} in ${root}`,
      "nothing was written; run again with --force to replace them",
    );
  }
  const gitignore = await readGitignore(join(root, ".gitignore"), join(shownRoot, ".gitignore"));
  const missing = missingGitignoreLines(gitignore);
  const written = new Set(existing);
  await writeAll(
    root,
    shownRoot,
    missing.length > 0 ? { ...files, ".gitignore": gitignoreWith(gitignore, missing) } : files,
    written,
  );
  const added = missing.length;
  return {
    formatVersion: 1,
    command: "init",
    directory: relative(context.cwd, root) || ".",
    files: [
      ...Object.keys(files).map((path) => ({
        path,
        action: written.has(path) ? ("replaced" as const) : ("created" as const),
      })),
      {
        path: ".gitignore",
        action: added === 0 ? "unchanged" : written.has(".gitignore") ? "appended" : "created",
        linesAdded: added,
      },
    ],
  };
}

/**
 * Before anything is written: every directory on the way must be one (or not exist yet), and every
 * file a regular file (or not exist yet). Returns the files that exist.
 */
async function checkTargets(root: string, shownRoot: string, paths: readonly string[]): Promise<string[]> {
  const existing: string[] = [];
  for (const path of paths) {
    const parts = path.split("/");
    for (let depth = 0; depth < parts.length; depth++) {
      const rel = parts.slice(0, depth).join("/");
      const info = await stat(join(root, rel)).catch(() => undefined);
      if (info && !info.isDirectory())
        throw new ToolError(
          "usage",
          `cannot scaffold ${path}: ${join(shownRoot, rel)} is ${info.isFile() ? "a file" : kindOf(info)}, not a directory`,
          "nothing was written; move it away or init into another directory",
          { file: join(shownRoot, rel) },
        );
    }
    const info = await stat(join(root, path)).catch(() => undefined);
    if (info && !info.isFile())
      throw new ToolError(
        "usage",
        `cannot scaffold ${path}: ${join(shownRoot, path)} is ${kindOf(info)}, not a regular file`,
        "nothing was written; move it away (--force replaces only regular files)",
        { file: join(shownRoot, path) },
      );
    if (info) existing.push(path);
  }
  return existing;
}

async function readGitignore(path: string, shown: string): Promise<string> {
  const read = await readTextFile(path, { maxBytes: FILE_LIMITS.config, display: shown });
  if (read.ok) return read.text;
  if (read.problem.kind === "missing") return "";
  throw new ToolError("file-unreadable", read.problem.message, "nothing was written; fix or remove it", {
    file: shown,
    ...(read.problem.line !== undefined ? { line: read.problem.line, column: read.problem.column ?? 1 } : {}),
  });
}

/** Writes every file; when one fails, the files and directories made so far are removed again (no half scaffold). */
async function writeAll(
  root: string,
  shownRoot: string,
  files: Record<string, string>,
  existing: ReadonlySet<string>,
): Promise<void> {
  const madeDirs: string[] = [];
  const madeFiles: string[] = [];
  for (const [path, text] of Object.entries(files)) {
    try {
      const made = await mkdir(dirname(join(root, path)), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      await writeFile(join(root, path), text);
      if (!existing.has(path)) madeFiles.push(join(root, path));
    } catch (error) {
      for (const file of madeFiles) await rm(file, { force: true });
      for (const dir of madeDirs.reverse()) await rm(dir, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ToolError(
        "usage",
        `cannot write ${join(shownRoot, path)} (${code})`,
        "the files init had created were removed again; check the directory's permissions",
        { file: join(shownRoot, path) },
      );
    }
  }
}
