import { resolve } from "node:path";
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

/** Where reports go, for messages (a Postgres URL masked). */
export function reportStoreLocation(workspace: Workspace, option: StoreOption): string {
  const settings = workspace.config.settings.reports;
  if (onPostgres(workspace, option)) return `${maskPgUrl(settings.url ?? "")} (schema ${settings.schema})`;
  return option.store ?? settings.path;
}
