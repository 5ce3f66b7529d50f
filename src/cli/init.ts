import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../errors/index.js";
import { FILE_LIMITS, kindOf, readTextFile } from "../files/index.js";
import type { InitReport } from "../schema/generated/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { TOOL_VERSION } from "../app/version.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GITIGNORE_LINES = [
  ".campaign/*.lock",
  ".campaign/*.new-salt",
  ".campaign/*.tmp",
  ".campaign/.*.tmp",
  ".campaign/reports.db*",
  "plan.json",
  "plan.md",
];

const CONFIG = `# laaffic-campaign configuration. Credentials never go here: set LAAFFIC_API_KEY and
# LAAFFIC_API_SECRET in the environment (in CI: repository secrets).
campaignsDir: campaigns
state:
  path: .campaign/state.json
  # backend: postgres # shared by several runners: URL from CAMPAIGN_PG_URL (README: Shared backends)
api:
  baseUrl: https://api.laaffic.com # or LAAFFIC_BASE_URL
  timezone: Asia/Shanghai # the platform's wall clock, in which sendTime is read
  parallelism: 4
defaults: # merged under every campaign; a campaign's own value wins
  maxRingingTime: 60
guards: # checked at plan time and again right before apply's first request
  callingHours: { start: "08:00", end: "21:00" } # in each callee's local time
  # suppressionLists: [lists/opt-out.txt] # numbers never to call
  # maxRecipientsPerApply: 100000 # more needs plan and apply with --allow-large
`;

const EXAMPLE = `# yaml-language-server: $schema=../.campaign/campaign.schema.json
#
# One campaign = one LAAFFIC AI-agent group-call task. Fields mirror the platform's request body.
# Run \`campaign validate\`, then \`campaign plan\` to see what would be submitted.
taskName: example-reminders # the identity: 2-64 characters, unique on the account; never reuse it
description: An example to copy # for people; never sent
appId: YOUR_APP_ID # the AI agent application id from the LAAFFIC console
agentId: 110 # the AI agent that speaks
maxCalls: 180 # maximum call duration, seconds
sendTime: "2030-01-15 14:00:00" # in api.timezone (11:30 in India); remove it to call as soon as apply runs
numberInfoList:
  - calleeNumber: "919700000001" # country code + number, digits only, always in quotes
    text1: Asha # text1..text10: variables of the agent's script, at most 30 characters
# recipientsFile: recipients.csv  # or a CSV with a calleeNumber column (and text1..text10)
recallFlow: # optional: call again
  recallType: 1 # 0 everyone, 1 the failed calls, 3 by intent (needs recallIntent)
  recallInterval: 60 # minutes between rounds
  recallNum: 1 # rounds; nodeList needs exactly one entry per round
  nodeList:
    - agentId: "110"
`;

/** `campaign init [dir]`: scaffolds a campaigns repository; never overwrites without --force. */
export async function initCommand(
  target: string | undefined,
  options: { force?: boolean },
  globals: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const root = resolve(context.cwd, target ?? ".");
  const workflow = await readFile(join(PACKAGE_ROOT, "examples/github-actions/campaigns.yml"), "utf8");
  const schema = await readFile(join(PACKAGE_ROOT, "schemas/campaign.schema.json"), "utf8");
  const files: Record<string, string> = {
    "campaign.config.yaml": CONFIG,
    "campaigns/example.yaml": EXAMPLE,
    ".campaign/campaign.schema.json": schema,
    ".github/workflows/campaigns.yml": workflow.replace(
      /laaffic-campaign@[\w.-]+/g,
      `laaffic-campaign@${TOOL_VERSION}`,
    ),
  };
  const shownRoot = target ?? ".";
  const existing = await checkTargets(root, shownRoot, [...Object.keys(files), ".gitignore"]);
  const overwritten = existing.filter((path) => path !== ".gitignore");
  if (overwritten.length > 0 && !options.force) {
    throw new ToolError(
      "usage",
      `init would overwrite ${overwritten.join(", ")} in ${root}`,
      "nothing was written; run again with --force to replace them",
    );
  }
  const gitignore = await readGitignore(join(root, ".gitignore"), join(shownRoot, ".gitignore"));
  const missing = missingGitignoreLines(gitignore);
  await writeAll(
    root,
    shownRoot,
    missing.length > 0 ? { ...files, ".gitignore": gitignoreWith(gitignore, missing) } : files,
    new Set(existing),
  );
  const added = missing.length;
  const shown = relative(context.cwd, root) || ".";
  if (globals.format === "json") {
    const written = new Set(existing);
    const report: InitReport = {
      formatVersion: 1,
      command: "init",
      directory: shown,
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
    context.terminal.out(JSON.stringify(report, null, 2) + "\n");
    return ExitCode.ok;
  }
  context.terminal.out(
    [
      `Scaffolded a campaigns repository in ${shown}:`,
      ...Object.keys(files).map((f) => `  ${f}`),
      `  .gitignore (${added} line${added === 1 ? "" : "s"} added)`,
      "",
      "Next:",
      "  1. set appId in campaigns/example.yaml (or api.appId in campaign.config.yaml)",
      `  2. campaign validate${shown === "." ? "" : ` (in ${shown})`}`,
      "  3. add LAAFFIC_API_KEY and LAAFFIC_API_SECRET as repository secrets for the apply job",
      "  4. try it without an account: campaign demo",
      "",
    ].join("\n"),
  );
  return ExitCode.ok;
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

function missingGitignoreLines(current: string): string[] {
  const have = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  return GITIGNORE_LINES.filter((l) => !have.has(l));
}

function gitignoreWith(current: string, missing: readonly string[]): string {
  const prefix = current === "" || current.endsWith("\n") ? current : `${current}\n`;
  return `${prefix}# laaffic-campaign\n${missing.join("\n")}\n`;
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
