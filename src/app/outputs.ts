import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import { discoverCampaignFiles, nodeFileReader, parseYamlFile, recipientsFileOf } from "../campaigns/index.js";
import {
  appendOutputFile,
  checkOutputPath,
  FILE_LIMITS,
  readTextFile,
  writeOutputFile,
  type ProtectedFile,
} from "../files/index.js";
import type { AppContext } from "./context.js";
import { allCampaignsDirs, otherEnvironmentStores, type Workspace } from "./workspace.js";

/**
 * The files of this workspace no output may overwrite: config, state (with journal, lock, temp
 * and salt files), report stores (with -wal/-shm), suppression lists, and campaign files with
 * their recipients CSVs (`inputFiles` when the campaigns were loaded, else found in campaignsDir).
 */
export async function toolFiles(
  workspace: Workspace,
  context: AppContext,
  extra: { inputFiles?: readonly string[]; store?: string } = {},
): Promise<ProtectedFile[]> {
  const { settings } = workspace.config;
  const files: ProtectedFile[] = [
    { path: workspace.statePath, what: `the state file ${workspace.statePath}`, siblings: true },
    { path: settings.reports.path, what: `the report store ${settings.reports.path}`, siblings: true },
    ...(extra.store !== undefined
      ? [{ path: extra.store, what: `the report store ${extra.store}`, siblings: true }]
      : []),
    ...(settings.configFile !== undefined
      ? [{ path: settings.configFile, what: `the config file ${settings.configFile}` }]
      : []),
    ...(settings.guards.suppressionLists ?? []).map((path) => ({ path, what: `the suppression list ${path}` })),
    ...otherEnvironmentStores(workspace.config, context),
  ];
  // Campaign files in campaignsDir are protected too when others were loaded (no need to read them then).
  const inputs = [
    ...(extra.inputFiles ?? []),
    ...(await campaignInputs(settings.campaignsDir, context, extra.inputFiles === undefined)),
  ];
  // Without the loaded campaigns, a recipients CSV named by a template or a base, or a forEach rows
  // file, is known only by where it lives: every file in every environment's campaigns directory.
  if (extra.inputFiles === undefined)
    for (const dir of allCampaignsDirs(workspace.config, context)) inputs.push(...(await filesUnder(dir, context)));
  return [
    ...files,
    ...inputs.map((path) => ({
      path,
      what: `${/\.csv$/i.test(path) ? "the recipients file" : "the campaign file"} ${path}`,
    })),
  ];
}

const MAX_PROTECTED_FILES = 100_000;

/** Every file below `dir` (none when it does not exist), at most MAX_PROTECTED_FILES: more is an error, never a silent gap. */
async function filesUnder(dir: string, context: AppContext): Promise<string[]> {
  const entries = await readdir(resolve(context.cwd, dir), { recursive: true, withFileTypes: true }).catch(
    () => [] as Dirent[],
  );
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  if (files.length > MAX_PROTECTED_FILES)
    throw new ToolError(
      "invalid-input",
      `${dir} holds more than ${MAX_PROTECTED_FILES.toLocaleString("en")} files: too many to check an output against`,
      "write the output outside the campaigns directory",
    );
  return files;
}

/** Campaign files under campaignsDir (and the recipientsFile each names, read without loading the campaigns). */
async function campaignInputs(campaignsDir: string, context: AppContext, withRecipients: boolean): Promise<string[]> {
  // Bases (partials) are inputs too, though never campaigns.
  const files = await discoverCampaignFiles([campaignsDir], context.cwd, { partials: true }).catch(
    () => [] as string[],
  );
  const reader = nodeFileReader(context.cwd);
  const inputs = [...files];
  for (const file of withRecipients ? files : []) {
    const read = await readTextFile(resolve(context.cwd, file), { maxBytes: FILE_LIMITS.campaignFile });
    if (!read.ok) continue;
    // The loader's own parser (its limits, and no warnings of the yaml package on stderr).
    for (const document of parseYamlFile(file, read.text).documents) {
      // Either form: a path, or { path, columns, … }.
      const recipientsFile = recipientsFileOf(
        (document.value as { recipientsFile?: unknown } | null | undefined)?.recipientsFile,
      );
      if (recipientsFile) inputs.push(reader.resolve(file, recipientsFile.path));
    }
  }
  return inputs;
}

/** Writes an output file (--out) atomically, after checking it is none of the tool's own files. */
export async function writeOutput(
  file: string,
  text: string,
  what: string,
  protect: readonly ProtectedFile[],
  context: AppContext,
): Promise<void> {
  const target = await checkOutputPath(file, { cwd: context.cwd, what, protect });
  await writeOutputFile(target, text, what);
}

/**
 * Appends to $GITHUB_STEP_SUMMARY. The summary is a convenience: when it cannot be written (or
 * names one of the tool's files) that is a warning, and the command's result stands.
 */
export async function appendToStepSummary(
  text: string,
  protect: readonly ProtectedFile[],
  context: AppContext,
): Promise<void> {
  const file = context.env["GITHUB_STEP_SUMMARY"];
  if (!file) return;
  const what = "summary (GITHUB_STEP_SUMMARY)";
  const problem = await checkOutputPath(file, { cwd: context.cwd, what, protect }).then(
    async (target) => {
      const failed = await appendOutputFile(target, text);
      return failed === undefined ? undefined : `cannot write the ${what} to ${file}: ${failed}`;
    },
    (error: Error) => error.message,
  );
  if (problem !== undefined) context.events.notice(`warning: ${problem}; the command's result is not affected\n`);
}
