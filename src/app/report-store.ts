import { resolve } from "node:path";
import { ToolError } from "../errors/index.js";
import { maskPgUrl } from "../pg/index.js";
import { openPgReportStore, openSqliteStore, type ReportStore } from "../reports/index.js";
import type { AppContext } from "./context.js";
import type { Workspace } from "./workspace.js";

/** `--store FILE`: a SQLite report store instead of the configured one. */
export interface StoreOption {
  store?: string;
}

/** reports.backend: postgres, unless --store FILE picks a SQLite file. */
const onPostgres = (workspace: Workspace, option: StoreOption): boolean =>
  workspace.config.settings.reports.backend === "postgres" && option.store === undefined;

/** reports.backend: SQLite at reports.path (or --store FILE), or PostgreSQL. Readers (`mustExist`) never create one. */
export async function openReportStore(
  workspace: Workspace,
  option: StoreOption,
  context: AppContext,
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

/**
 * What the plan reads of the report store when it may (cost history, opt-outs): no store yet is no
 * answer (`absent`); one that cannot be read is said in a notice (`notice(why)`) and is no answer
 * either — the plan goes on. Anything but a ToolError is a bug and is thrown.
 */
export async function readStoreIfAny<T>(
  workspace: Workspace,
  context: AppContext,
  notice: (why: string) => string,
  read: (store: ReportStore) => Promise<T>,
  absent: T,
): Promise<T> {
  try {
    const store = await openReportStore(workspace, {}, context, { mustExist: true });
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    if (error.code !== "not-found") context.events.notice(`${notice(error.message)}\n`);
    return absent;
  }
}

/** Where reports go, for messages (a Postgres URL masked). */
export function reportStoreLocation(workspace: Workspace, option: StoreOption): string {
  const settings = workspace.config.settings.reports;
  if (onPostgres(workspace, option)) return `${maskPgUrl(settings.url ?? "")} (schema ${settings.schema})`;
  return option.store ?? settings.path;
}
