import type { Diagnostic, SourcePosition } from "../diagnostics/index.js";
import type { RecipientColumns } from "../schema/generated/index.js";
import type { NumberReader } from "./number-reader.js";
import type { CsvReading } from "./recipients-csv.js";
import type { FieldPath } from "./yaml-documents.js";

/** The CSV a campaign's recipientsFile names, in either form, and where its path is written. */
export interface RecipientsFileRef {
  path: string;
  /** recipientsFile, or recipientsFile.path in the object form: what the path is relative to is found there. */
  pathAt: FieldPath;
  columns?: RecipientColumns;
}

/** recipientsFile as a string or as `{ path, columns, … }`; undefined when it names no path. */
export function recipientsFileOf(value: unknown): RecipientsFileRef | undefined {
  if (typeof value === "string") return { path: value, pathAt: ["recipientsFile"] };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { path, columns } = value as { path?: unknown; columns?: unknown };
  if (typeof path !== "string") return undefined;
  const mapped = columns !== null && typeof columns === "object" && !Array.isArray(columns);
  return {
    path,
    pathAt: ["recipientsFile", "path"],
    ...(mapped ? { columns: columns as RecipientColumns } : {}),
  };
}

/** A recipientsFile the schema refuses (a misspelt column field, say) is not read: its rows would only add noise. */
export function recipientsFileRefused(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error" && d.field?.startsWith("/recipientsFile") === true);
}

/** How the CSV is read: through its column mapping, and with the number reader numberFormat asks for. */
export function csvReading(
  ref: RecipientsFileRef,
  readNumber: NumberReader | undefined,
  locate: (path: FieldPath) => SourcePosition,
): CsvReading {
  return {
    ...(ref.columns
      ? { columns: ref.columns, mappedAt: (field: string) => locate(["recipientsFile", "columns", field]) }
      : {}),
    ...(readNumber ? { readNumber } : {}),
  };
}
