import type { ReportsImportReport } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";

/** `campaign reports import`: one line of counts (json: the report with every rejected record). */
export function renderReportsImport(report: ReportsImportReport, format: OutputFormat): string {
  if (format === "json") return jsonView(report);
  const { file, stored, duplicates, rejected } = report;
  return `Imported ${stored} report${stored === 1 ? "" : "s"} from ${file} (${duplicates} already stored, ${rejected.length} rejected).\n`;
}
