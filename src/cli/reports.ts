import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import { maskPgUrl } from "../pg/index.js";
import {
  calleeIndex,
  campaignOutcomes,
  openPgReportStore,
  openSqliteStore,
  parseBatch,
  recordsOf,
  renderOutcomesMarkdown,
  renderOutcomesText,
  startReceiver,
  type ReportStore,
} from "../reports/index.js";
import { FILE_LIMITS, readTextFile } from "../files/index.js";
import type { AppliedState, ReceiverStarted, ReportsImportReport } from "../schema/generated/index.js";
import { hmacHasher } from "../state/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { toolFiles, writeOutput } from "../app/outputs.js";
import { ExitCode } from "./exit-codes.js";
import { untilSignal, type Interrupts } from "../app/interrupts.js";
import { loadDesired, openWorkspace, withStateBackend, type Workspace } from "../app/workspace.js";

export interface StoreOption {
  store?: string;
}

/** reports.backend: postgres, unless --store FILE picks a SQLite file. */
const onPostgres = (workspace: Workspace, option: StoreOption): boolean =>
  workspace.config.settings.reports.backend === "postgres" && option.store === undefined;

/** reports.backend: SQLite at reports.path (or --store FILE), or PostgreSQL. Readers (`mustExist`) never create one. */
async function openStore(
  workspace: Workspace,
  option: StoreOption,
  context: CliContext,
  access: { mustExist: boolean },
): Promise<ReportStore> {
  const settings = workspace.config.settings.reports;
  if (onPostgres(workspace, option))
    return openPgReportStore(settings.url, settings.schema, {
      storeNumbers: settings.storeNumbers,
      mustExist: access.mustExist,
    });
  const path = option.store ?? settings.path;
  return openSqliteStore(resolve(context.cwd, path), {
    storeNumbers: settings.storeNumbers,
    mustExist: access.mustExist,
    display: path,
  });
}

/** Where reports go, for messages (a Postgres URL masked). */
function storeLocation(workspace: Workspace, option: StoreOption): string {
  const settings = workspace.config.settings.reports;
  if (onPostgres(workspace, option)) return `${maskPgUrl(settings.url ?? "")} (schema ${settings.schema})`;
  return option.store ?? settings.path;
}

export interface ReceiveOptions extends StoreOption {
  port?: string;
  host?: string;
}

/** `campaign receive`: the HTTP endpoint the platform pushes status reports to. */
export async function receiveCommand(
  receiveOptions: ReceiveOptions,
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const settings = workspace.config.settings.receiver;
  const port = Number(receiveOptions.port ?? settings.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ToolError("usage", `--port must be a whole number from 0 to 65535, not ${receiveOptions.port}`);
  const generated = settings.token === undefined;
  const token = settings.token ?? randomBytes(24).toString("base64url");
  // Listening before the address is printed: a signal sent on seeing it still stops the receiver cleanly.
  const until = untilSignal(interrupts, context);
  try {
    const store = await openStore(workspace, receiveOptions, context, { mustExist: false });
    const log = (entry: Record<string, unknown>) =>
      context.terminal.err(JSON.stringify({ ts: new Date(context.now()).toISOString(), ...entry }) + "\n");
    const receiver = await startReceiver({
      host: receiveOptions.host ?? settings.host,
      port,
      token,
      ...(settings.allowIps ? { allowIps: settings.allowIps } : {}),
      maxBodyBytes: settings.maxBodyBytes,
      store,
      log,
      timeZone: workspace.config.settings.api.timezone,
      now: context.now,
    }).catch(async (error: NodeJS.ErrnoException) => {
      await store.close();
      throw new ToolError(
        "usage",
        `cannot listen on ${receiveOptions.host ?? settings.host}:${port}: ${error.code ?? error.message}`,
        "pick another --port",
      );
    });
    const where = generated ? receiver.reportUrl : `${receiver.url}/reports/<CAMPAIGN_RECEIVER_TOKEN>`;
    if (options.format === "json") {
      // One line, printed once it listens: a script reads it with a line reader while the receiver runs.
      const started: ReceiverStarted = {
        formatVersion: 1,
        command: "receive",
        url: receiver.url,
        reportUrl: where,
        healthUrl: `${receiver.url}/health`,
        store: storeLocation(workspace, receiveOptions),
        tokenGenerated: generated,
      };
      context.terminal.out(JSON.stringify(started) + "\n");
    } else {
      context.terminal.out(`Receiving status reports at POST ${where}\n`);
      if (generated)
        context.terminal.out("  (a new token each start: set CAMPAIGN_RECEIVER_TOKEN to keep the address stable)\n");
      context.terminal.out(
        `  store: ${storeLocation(workspace, receiveOptions)} · health: GET ${receiver.url}/health · stop with Ctrl-C\n`,
      );
    }
    const signal = await until.stopped;
    // Bounded (receiver.stop): slow clients are cut after a grace period; what was acknowledged is stored.
    log({ event: "stopping", signal });
    await receiver.stop();
    await store.close();
    log({ event: "stopped", signal });
    return ExitCode.ok;
  } finally {
    until.unlisten();
  }
}

export interface OutcomesOptions extends StoreOption {
  out?: string;
}

/** `campaign outcomes [NAME]`: per-campaign outcomes from the received reports. */
export async function outcomesCommand(
  name: string | undefined,
  outcomesOptions: OutcomesOptions,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const state = await withStateBackend(workspace, async (backend) => {
    const read = await backend.read();
    if (name !== undefined && !ownEntry(read?.campaigns, name))
      throw new ToolError(
        "not-found",
        `"${name}" is not in the state ${backend.location}`,
        "campaign state list shows the applied campaigns",
      );
    return read;
  });
  const store = await openStore(workspace, outcomesOptions, context, { mustExist: true });
  try {
    const rows = await store.aggregate();
    const byCallee = rows.some((row) => row.calleeHash !== null)
      ? await declaredCallees(workspace, state, store, context)
      : new Map<string, string>();
    const report = campaignOutcomes(rows, state, name, byCallee);
    const text =
      options.format === "json"
        ? JSON.stringify(report, null, 2) + "\n"
        : options.format === "markdown"
          ? renderOutcomesMarkdown(report)
          : renderOutcomesText(report);
    if (outcomesOptions.out !== undefined) {
      await writeOutput(
        outcomesOptions.out,
        text,
        "outcomes",
        await toolFiles(workspace, context, {
          ...(outcomesOptions.store !== undefined ? { store: outcomesOptions.store } : {}),
        }),
        context,
      );
      context.terminal.err(`Wrote the outcomes (${options.format}) to ${outcomesOptions.out}.\n`);
    }
    // With --out in JSON, stdout still gets the document (as plan --out does): it is never empty.
    if (outcomesOptions.out === undefined || options.format === "json") context.terminal.out(text);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

/**
 * For reports without a task id: the callee hashes of the campaigns that are both declared and in the
 * state, hashed with the store's salt. Campaign files that cannot be loaded leave those reports
 * unmatched (said at the top of the outcomes), with the reason on stderr.
 */
async function declaredCallees(
  workspace: Workspace,
  state: AppliedState | undefined,
  store: ReportStore,
  context: CliContext,
): Promise<Map<string, string>> {
  if (state === undefined) return new Map();
  try {
    const { desired } = await loadDesired(workspace, [], hmacHasher(state.salt), context, { forSubmission: false });
    return calleeIndex(
      desired.filter((d) => ownEntry(state.campaigns, d.taskName) !== undefined),
      (callee) => store.hashCallee(callee),
    );
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    context.terminal.err(
      `warning: reports without a task id are not matched by number: the campaign files could not be loaded (${error.message})\n`,
    );
    return new Map();
  }
}

/** `campaign reports import FILE`: a saved push body or NDJSON, through the receiver's path. */
export async function reportsImportCommand(
  file: string,
  importOptions: StoreOption,
  options: GlobalOptions,
  context: CliContext,
): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const read = await readTextFile(resolve(context.cwd, file), {
    maxBytes: FILE_LIMITS.reportsImport,
    display: file,
    what: "the reports file",
  });
  if (!read.ok) {
    const { kind, message, line, column } = read.problem;
    throw new ToolError(
      kind === "missing" ? "not-found" : "file-unreadable",
      message,
      'pass a saved push body ({"array": [...]}) or NDJSON with one record per line, as UTF-8',
      { file, ...(line !== undefined ? { line, column: column ?? 1 } : {}) },
    );
  }
  const text = read.text;
  const { records, unreadable } = parseImport(text);
  const batch = parseBatch(records, { timeZone: workspace.config.settings.api.timezone, now: context.now() });
  const store = await openStore(workspace, importOptions, context, { mustExist: false });
  try {
    const result = await store.ingest(batch.reports);
    // The diagnostics go to stderr in every format (editors and CI annotate them); JSON lists them too.
    for (const line of unreadable) context.terminal.err(`${file}:${line}:1: error malformed-json: not a JSON record\n`);
    for (const bad of batch.bad)
      context.terminal.err(`${file}: error bad-record: record ${bad.index + 1}: ${bad.reason}\n`);
    if (options.format === "json") {
      const rejected = [
        ...unreadable.map((line) => ({ line, reason: "not a JSON record" })),
        ...batch.bad.map((bad) => ({ record: bad.index + 1, reason: bad.reason })),
      ];
      const report: ReportsImportReport = {
        formatVersion: 1,
        command: "reports import",
        file,
        store: storeLocation(workspace, importOptions),
        stored: result.stored,
        duplicates: result.duplicates,
        rejected,
      };
      context.terminal.out(JSON.stringify(report, null, 2) + "\n");
    } else
      context.terminal.out(
        `Imported ${result.stored} report${result.stored === 1 ? "" : "s"} from ${file} (${result.duplicates} already stored, ${batch.bad.length + unreadable.length} rejected).\n`,
      );
    return batch.bad.length + unreadable.length > 0 ? ExitCode.error : ExitCode.ok;
  } finally {
    await store.close();
  }
}

function parseImport(text: string): { records: unknown[]; unreadable: number[] } {
  try {
    const whole = recordsOf(JSON.parse(text));
    if (whole) return { records: whole, unreadable: [] };
  } catch {
    // not one JSON document: read it as NDJSON below
  }
  const records: unknown[] = [];
  const unreadable: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line));
    } catch {
      unreadable.push(i + 1);
    }
  });
  return { records, unreadable };
}
