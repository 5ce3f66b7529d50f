// The rows of a forEach: a CSV with a header, a YAML file holding a list of mappings, or such a
// list inline. Every row is a map from column to text, with the place it is written.
import { parse, type CsvError } from "csv-parse/sync";
import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import { referencedFileProblem } from "./file-problems.js";
import { isPlainMap, ownValueAt, type CampaignSource } from "./layers.js";
import type { CampaignFileReader } from "./load.js";
import { MAX_COLUMN_NAME } from "./placeholders.js";
import { parseYamlFile } from "./yaml-documents.js";

/** Campaigns one forEach may generate. */
export const MAX_FOR_EACH_ROWS = 10_000;
export const MAX_FOR_EACH_COLUMNS = 100;
/** A row's value is a name, a date, a file name: longer text is no such thing. */
export const MAX_FOR_EACH_VALUE = 1_000;

export interface ForEachRow {
  values: Map<string, string>;
  /** Where the row is written: `regions.csv:2`, or its entry in a YAML list. */
  at: SourcePosition;
}

export interface ReadRows {
  rows: ForEachRow[];
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The rows file read, when forEach names one. */
  file?: string;
}

/** Reads the rows `forEach` gives (it is there: the caller checked). */
export async function readForEachRows(source: CampaignSource, reader: CampaignFileReader): Promise<ReadRows> {
  const written = ownValueAt(source.value, ["forEach"]);
  const at = source.locate(["forEach"]);
  if (Array.isArray(written))
    return checked(
      listRows(written, (i) => source.locate(["forEach", i])),
      at,
    );
  if (typeof written !== "string" || !/\.(csv|ya?ml)$/.test(written))
    return failed(
      errorAt({
        code: "invalid-for-each",
        message: "forEach must name a .csv or .yaml file of rows, or list the rows",
        hint: "write forEach: regions.csv (a header row names the columns), or forEach: [{ region: north }, …]",
        at,
        field: "/forEach",
      }),
    );
  const file = reader.resolve(at.file, written);
  const read = await reader.readText(file, "forEach rows file");
  if (!read.ok)
    return {
      ...failed(
        referencedFileProblem(read.problem, {
          name: "forEach",
          written: maskSensitiveText(written),
          file,
          referencedAt: at,
          field: "/forEach",
          relativeTo: `the campaign file (${at.file})`,
        }),
      ),
      file,
    };
  if (/\.csv$/.test(written)) return { ...checked(csvRows(file, read.text), at), file };
  const parsed = parseYamlFile(file, read.text, "forEach rows file");
  const document = parsed.documents[0];
  const problems = [...parsed.diagnostics];
  if (parsed.documents.length + parsed.brokenDocuments.length !== 1 || (document && !Array.isArray(document.value)))
    problems.push(
      errorAt({
        code: "invalid-for-each",
        message: `${file} must hold one YAML document: a list of rows (mappings of column: value)`,
        hint: "write one row per entry: - { region: north, sendDate: 2030-05-02 }",
        at: document?.start ?? { file, line: 1, column: 1 },
      }),
    );
  if (!document || problems.some((d) => d.severity === "error"))
    return { rows: [], ok: false, diagnostics: problems, file };
  const rows = checked(
    listRows(document.value as unknown[], (i) => document.locate([i])),
    at,
  );
  return { ...rows, diagnostics: [...problems, ...rows.diagnostics], file };
}

function failed(diagnostic: Diagnostic): ReadRows {
  return { rows: [], ok: false, diagnostics: [diagnostic] };
}

type Rows = { rows: ForEachRow[]; diagnostics: Diagnostic[] };

/** Bounds every source shares: the number of rows, columns and the size of each value. */
function checked(read: Rows, at: SourcePosition): ReadRows {
  const diagnostics = [...read.diagnostics];
  if (read.rows.length > MAX_FOR_EACH_ROWS)
    diagnostics.push(
      errorAt({
        code: "too-many-rows",
        message: `forEach has more than ${MAX_FOR_EACH_ROWS} rows`,
        hint: "split the rows over several campaign files",
        at,
        field: "/forEach",
      }),
    );
  for (const row of read.rows.slice(0, MAX_FOR_EACH_ROWS)) {
    const problem = rowProblem(row);
    if (problem) diagnostics.push(errorAt({ code: "invalid-for-each-row", ...problem, at: row.at }));
  }
  if (read.rows.length === 0 && diagnostics.length === 0)
    diagnostics.push(
      warningAt({
        code: "for-each-empty",
        message: "forEach has no rows: this template generates no campaign",
        hint: "add rows, or remove the campaign",
        at,
        field: "/forEach",
      }),
    );
  const ok = !diagnostics.some((d) => d.severity === "error");
  return { rows: ok ? read.rows : [], ok, diagnostics };
}

function rowProblem(row: ForEachRow): { message: string; hint: string } | undefined {
  if (row.values.size > MAX_FOR_EACH_COLUMNS)
    return {
      message: `row has ${row.values.size} columns; at most ${MAX_FOR_EACH_COLUMNS}`,
      hint: "keep only the columns the template uses",
    };
  for (const [column, value] of row.values) {
    if (column.length > MAX_COLUMN_NAME || column.trim() === "")
      return {
        message: column.trim() === "" ? "a column has no name" : `a column name is ${column.length} characters long`,
        hint: `name every column, in at most ${MAX_COLUMN_NAME} characters`,
      };
    if (value.length > MAX_FOR_EACH_VALUE)
      return {
        message: `${maskSensitiveText(column)} is ${value.length} characters long; a forEach value is at most ${MAX_FOR_EACH_VALUE}`,
        hint: "a row holds short values (names, dates, file names); long text belongs in the template",
      };
  }
  return undefined;
}

/** Rows written as YAML: each a mapping of column to a scalar, read as text. */
function listRows(list: readonly unknown[], locate: (index: number) => SourcePosition): Rows {
  const rows: ForEachRow[] = [];
  const diagnostics: Diagnostic[] = [];
  list.slice(0, MAX_FOR_EACH_ROWS + 1).forEach((entry, index) => {
    const at = locate(index);
    if (!isPlainMap(entry)) {
      diagnostics.push(
        errorAt({
          code: "invalid-for-each-row",
          message: `forEach row ${index + 1} must be a mapping of column: value`,
          hint: "write - { region: north, sendDate: 2030-05-02 }",
          at,
        }),
      );
      return;
    }
    const values = new Map<string, string>();
    for (const column of Object.keys(entry)) {
      const value = entry[column];
      if (value !== null && typeof value === "object") {
        diagnostics.push(
          errorAt({
            code: "invalid-for-each-row",
            message: `forEach row ${index + 1}: ${maskSensitiveText(column)} is a list or mapping; a row's values are text`,
            hint: "write one value per column",
            at,
          }),
        );
        continue;
      }
      values.set(column, value === null || value === undefined ? "" : String(value));
    }
    rows.push({ values, at });
  });
  return { rows, diagnostics };
}

/** Rows of a CSV whose first row names the columns. */
function csvRows(file: string, text: string): Rows {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      // The header and one row past the limit: a huge file is refused, never built.
      to: MAX_FOR_EACH_ROWS + 2,
    }) as unknown as typeof records;
  } catch (error) {
    const csv = error as CsvError;
    return {
      rows: [],
      diagnostics: [
        errorAt({
          code: "csv-syntax",
          message: maskSensitiveText(csvMessage(csv)),
          hint: "every row needs as many fields as the header; quote fields that contain commas",
          at: { file, line: Number(csv.lines) || 1, column: 1 },
        }),
      ],
    };
  }
  const header = records[0]?.record ?? [];
  const headerAt = { file, line: records[0] ? startLine(records[0]) : 1, column: 1 };
  const seen = new Set<string>();
  for (const column of header) {
    if (!seen.has(column)) {
      seen.add(column);
      continue;
    }
    return {
      rows: [],
      diagnostics: [
        errorAt({
          code: "duplicate-column",
          message: `the header names the column ${maskSensitiveText(column)} twice`,
          hint: "give every column its own name",
          at: headerAt,
        }),
      ],
    };
  }
  const rows = records.slice(1).map((r) => ({
    values: new Map(header.map((column, i) => [column, r.record[i] ?? ""])),
    at: { file, line: startLine(r), column: 1 },
  }));
  return { rows, diagnostics: [] };
}

/** csv-parse tells the line a record ends on; a quoted field may span lines before it. */
function startLine(record: { record: string[]; info: { lines: number } }): number {
  let breaks = 0;
  for (const field of record.record) for (let i = field.indexOf("\n"); i >= 0; i = field.indexOf("\n", i + 1)) breaks++;
  return Math.max(1, record.info.lines - breaks);
}

function csvMessage(error: CsvError): string {
  const counts = /expect (\d+), got (\d+)/.exec(error.message);
  if (error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH" && counts)
    return `the row has ${counts[2]} field${counts[2] === "1" ? "" : "s"} but the header has ${counts[1]}`;
  return error.message.replace(/ (at|on) line \d+/, "");
}
