import { parse } from "csv-parse/sync";
import type { CsvError } from "csv-parse/sync";
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { NumberInfo } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import { MAX_RECIPIENTS_PER_TASK } from "./checks.js";
import { readPlainCsv } from "./csv-plain.js";
import { rowClearly } from "./row-check.js";
import { describeSchemaErrors } from "./schema-errors.js";
import { closestName } from "./suggest.js";

export interface ParsedRecipients {
  recipients: NumberInfo[];
  /** Source line of the recipient at this index (worked out on first use). */
  lineOf(index: number): number;
  diagnostics: Diagnostic[];
}

const COLUMNS = ["calleeNumber", ...Array.from({ length: 10 }, (_, i) => `text${i + 1}`)];
// A broken export can hold a million bad rows; the first hundred say enough.
const MAX_ROW_DIAGNOSTICS = 100;
const MAX_HEADER_DIAGNOSTICS = 20;

/** Reads a recipients CSV (header row with calleeNumber and optional text1…text10). */
export function parseRecipientsCsv(file: string, text: string): ParsedRecipients {
  const diagnostics: Diagnostic[] = [];
  const lines = lineReader(text);
  let rowErrors = 0;
  const options = {
    bom: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // The header and one row past the platform's limit: a file of millions is refused, never built.
    to: MAX_RECIPIENTS_PER_TASK + 2,
  };
  // The strict, common form is read in one fast pass; anything else by csv-parse, which also
  // says what is wrong and where.
  const plain = readPlainCsv(text);
  const records = plain?.records ?? parseWithCsvParse();
  function parseWithCsvParse(): string[][] {
    return parse(text, {
      ...options,
      on_skip: (error: CsvError | undefined) => {
        if (!error) return undefined;
        rowErrors++;
        if (rowErrors <= MAX_ROW_DIAGNOSTICS) {
          diagnostics.push(
            errorAt({
              code: "csv-syntax",
              message: maskSensitiveText(csvMessage(error)),
              hint: "every row needs as many fields as the header; quote fields that contain commas",
              at: { file, line: Number(error.lines) || 1, column: 1 },
            }),
          );
        }
        return undefined;
      },
    }) as string[][];
  }
  // Source lines are only needed to report a problem: worked out on demand (the plain reader
  // counts them itself; csv-parse by a second pass with line info), so the clean case stays fast.
  let recordLines: number[] | undefined;
  const lineOf =
    plain?.lineOf ??
    ((index: number): number => {
      recordLines ??= (parse(text, { ...options, info: true }) as unknown as { info: { lines: number } }[]).map(
        (r) => r.info.lines,
      );
      return recordLines[index] ?? 1;
    });

  const header = records[0];
  if (!header) {
    diagnostics.push(
      errorAt({
        code: "csv-empty",
        message: "recipients file has no header row and no recipients",
        hint: "the first row names the columns: calleeNumber,text1,…",
        at: { file, line: 1, column: 1 },
      }),
    );
    return { recipients: [], lineOf, diagnostics };
  }
  const columns = checkHeader(file, header, () => lineOf(0), lines, diagnostics);
  if (!columns) return { recipients: [], lineOf, diagnostics };

  if (records.length > MAX_RECIPIENTS_PER_TASK + 1) {
    const line = lineOf(MAX_RECIPIENTS_PER_TASK + 1);
    diagnostics.push(
      errorAt({
        code: "too-many-recipients",
        message: `recipients file has more than ${MAX_RECIPIENTS_PER_TASK} rows; the platform takes at most ${MAX_RECIPIENTS_PER_TASK} per task (reading stopped at row ${MAX_RECIPIENTS_PER_TASK + 1})`,
        hint: "split the recipients over several campaigns",
        at: { file, line, column: 1 },
      }),
    );
    return { recipients: [], lineOf, diagnostics };
  }
  const validateRow = validators().numberInfo;
  const positionOf = (index: number, name: string): SourcePosition => {
    const line = lineOf(index);
    return { file, line, column: fieldColumn(lines(line), columns.indexOf(name)) };
  };
  const recipients: NumberInfo[] = [];
  const recipientRecords: number[] = [];
  for (let index = 1; index < records.length; index++) {
    const record = records[index]!;
    const entry: Record<string, string> = {};
    for (let i = 0; i < columns.length; i++) {
      const cell = record[i];
      if (cell !== undefined && cell !== "") entry[columns[i]!] = cell;
    }
    if (entry["calleeNumber"] === undefined) {
      rowErrors++;
      if (rowErrors <= MAX_ROW_DIAGNOSTICS)
        diagnostics.push(
          errorAt({
            code: "missing-field",
            message: "row has no calleeNumber",
            hint: "fill in the number or delete the row",
            at: positionOf(index, "calleeNumber"),
            field: "/calleeNumber",
          }),
        );
      continue;
    }
    if (!rowClearly(entry, columns) && !validateRow(entry)) {
      rowErrors++;
      if (rowErrors <= MAX_ROW_DIAGNOSTICS) {
        const locate = (path: readonly (string | number)[]): SourcePosition =>
          positionOf(index, String(path[0] ?? "calleeNumber"));
        diagnostics.push(...describeSchemaErrors(validateRow.errors ?? [], entry, { locate, locateKey: locate }));
      }
      continue;
    }
    recipients.push(entry as unknown as NumberInfo);
    recipientRecords.push(index);
  }
  if (rowErrors > MAX_ROW_DIAGNOSTICS) {
    diagnostics.push(
      errorAt({
        code: "csv-too-many-errors",
        message: `${rowErrors - MAX_ROW_DIAGNOSTICS} more rows have errors (${rowErrors} in all); only the first ${MAX_ROW_DIAGNOSTICS} are listed`,
        at: { file, line: 1, column: 1 },
      }),
    );
  }
  return { recipients, lineOf: (i) => lineOf(recipientRecords[i] ?? 0), diagnostics };
}

function checkHeader(
  file: string,
  header: string[],
  headerLine: () => number,
  lines: (n: number) => string,
  diagnostics: Diagnostic[],
): string[] | undefined {
  let ok = true;
  let problems = 0;
  const seen = new Set<string>();
  const at = (index: number) => ({ file, line: headerLine(), column: fieldColumn(lines(headerLine()), index) });
  header.forEach((name, index) => {
    const known = COLUMNS.includes(name);
    if (!known || seen.has(name)) {
      ok = false;
      // A hostile header can have a million columns: the first few say enough.
      if (++problems > MAX_HEADER_DIAGNOSTICS) return;
    }
    if (!known) {
      const suggestion = closestName(name, COLUMNS);
      diagnostics.push(
        errorAt({
          code: "unknown-column",
          message: `unknown column ${maskSensitiveText(name) || "(empty)"}${suggestion ? ` — did you mean ${suggestion}?` : ""}`,
          hint: `columns allowed: calleeNumber, text1 … text10`,
          at: at(index),
        }),
      );
    } else if (seen.has(name)) {
      diagnostics.push(
        errorAt({
          code: "duplicate-column",
          message: `column ${name} appears twice`,
          hint: "keep one of them",
          at: at(index),
        }),
      );
    }
    seen.add(name);
  });
  if (problems > MAX_HEADER_DIAGNOSTICS) {
    diagnostics.push(
      errorAt({
        code: "csv-too-many-errors",
        message: `${problems - MAX_HEADER_DIAGNOSTICS} more header cells are unknown or repeated (${problems} in all); only the first ${MAX_HEADER_DIAGNOSTICS} are listed`,
        hint: "the header names at most the columns calleeNumber, text1 … text10, each once",
        at: { file, line: headerLine(), column: 1 },
      }),
    );
  }
  if (!seen.has("calleeNumber")) {
    diagnostics.push(
      errorAt({
        code: "missing-column",
        message: "recipients file has no calleeNumber column",
        hint: "the header row must name a calleeNumber column",
        at: { file, line: headerLine(), column: 1 },
      }),
    );
    return undefined;
  }
  return ok ? header : undefined;
}

/** Lines of the file by 1-based number, split only when an error needs one. */
function lineReader(text: string): (line: number) => string {
  let lines: string[] | undefined;
  return (line) => {
    lines ??= text.split(/\r?\n/);
    return lines[line - 1] ?? "";
  };
}

/** 1-based column where field `index` starts in a CSV line (quotes respected). */
function fieldColumn(line: string, index: number): number {
  if (index <= 0) return 1;
  let field = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted && ++field === index) return i + 2;
  }
  return 1;
}

function csvMessage(error: CsvError): string {
  if (error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const { record } = error as unknown as { record?: unknown[] };
    const expected = /expect (\d+)/.exec(error.message)?.[1];
    return `row has ${record?.length ?? "a different number of"} fields but the header has ${expected ?? "another number"}`;
  }
  return error.message.replace(/^Invalid (Record|Opening Quote|Closing Quote)[^:]*: /, "").replace(/ at line \d+/, "");
}
