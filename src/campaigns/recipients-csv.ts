import { parse } from "csv-parse/sync";
import type { CsvError } from "csv-parse/sync";
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { NumberInfo, RecipientColumns } from "../schema/generated/index.js";
import { validators } from "../schema/validators.js";
import { MAX_RECIPIENTS_PER_TASK } from "./checks.js";
import { checkHeader, fieldColumn, lineReader, mapHeader, type HeaderContext } from "./csv-header.js";
import { readPlainCsv } from "./csv-plain.js";
import type { NumberReader } from "./number-reader.js";
import { unreadableNumber } from "./number-formats.js";
import { rowClearly } from "./row-check.js";
import { describeSchemaErrors } from "./schema-errors.js";

export interface ParsedRecipients {
  recipients: NumberInfo[];
  /** Source line of the recipient at this index (worked out on first use). */
  lineOf(index: number): number;
  diagnostics: Diagnostic[];
  /** Numbers whose text numberFormat changed (the digits differ from what the file holds). */
  rewritten: number;
}

/** How the file is read beyond the plain form (recipientsFile as an object). */
export interface CsvReading {
  /** recipientsFile.columns: our field → the file's column. */
  columns?: RecipientColumns;
  /** Where each mapped field is written (the YAML), for errors about it. */
  mappedAt?: (field: string) => SourcePosition;
  /** numberFormat: how the numbers are written; absent = digits, read as they stand. */
  readNumber?: NumberReader;
}

// A broken export can hold a million bad rows; the first hundred say enough.
const MAX_ROW_DIAGNOSTICS = 100;

/** Reads a recipients CSV (header row with calleeNumber and optional text1…text10, or the columns mapped to them). */
export function parseRecipientsCsv(file: string, text: string, reading: CsvReading = {}): ParsedRecipients {
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
    return { recipients: [], lineOf, diagnostics, rewritten: 0 };
  }
  const context: HeaderContext = { file, header, line: () => lineOf(0), text: lines, diagnostics };
  const read = reading.columns
    ? mapHeader(context, reading.columns, reading.mappedAt ?? (() => ({ file, line: 1, column: 1 })))
    : checkHeader(context);
  if (!read) return { recipients: [], lineOf, diagnostics, rewritten: 0 };
  const { names, indexes } = read;

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
    return { recipients: [], lineOf, diagnostics, rewritten: 0 };
  }
  const validateRow = validators().numberInfo;
  const positionOf = (index: number, name: string): SourcePosition => {
    const line = lineOf(index);
    return { file, line, column: fieldColumn(lines(line), indexes[names.indexOf(name)] ?? 0) };
  };
  const { readNumber } = reading;
  let rewritten = 0;
  const recipients: NumberInfo[] = [];
  const recipientRecords: number[] = [];
  for (let index = 1; index < records.length; index++) {
    const record = records[index]!;
    const entry: Record<string, string> = {};
    for (let i = 0; i < names.length; i++) {
      const cell = record[indexes[i]!];
      if (cell !== undefined && cell !== "") entry[names[i]!] = cell;
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
    if (readNumber) {
      const written = entry["calleeNumber"];
      const digits = readNumber(written);
      if (typeof digits !== "string") {
        if (++rowErrors <= MAX_ROW_DIAGNOSTICS)
          diagnostics.push(unreadableNumber(written, digits, positionOf(index, "calleeNumber"), "/calleeNumber"));
        continue;
      }
      if (digits !== written) {
        entry["calleeNumber"] = digits;
        rewritten++;
      }
    }
    if (!rowClearly(entry, names) && !validateRow(entry)) {
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
  return { recipients, lineOf: (i) => lineOf(recipientRecords[i] ?? 0), diagnostics, rewritten };
}

function csvMessage(error: CsvError): string {
  if (error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
    const { record } = error as unknown as { record?: unknown[] };
    const expected = /expect (\d+)/.exec(error.message)?.[1];
    return `row has ${record?.length ?? "a different number of"} fields but the header has ${expected ?? "another number"}`;
  }
  return error.message.replace(/^Invalid (Record|Opening Quote|Closing Quote)[^:]*: /, "").replace(/ at line \d+/, "");
}
