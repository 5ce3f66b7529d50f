import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { RecipientColumns } from "../schema/generated/index.js";
import { closestName } from "./suggest.js";

/** Our names for a recipient's fields, in the order the platform lists them. */
export const FIELDS = ["calleeNumber", ...Array.from({ length: 10 }, (_, i) => `text${i + 1}`)];
const MAX_HEADER_DIAGNOSTICS = 20;
// Beyond this many columns a header is not searched for a "did you mean" (each is an edit distance).
const MAX_SUGGESTION_COLUMNS = 1000;
const HEADER_NAMES_SHOWN = 8;

/** The columns a row is read from: `names[k]` (our field) from the cell at `indexes[k]`. */
export interface ReadColumns {
  names: string[];
  indexes: number[];
}

export interface HeaderContext {
  file: string;
  header: string[];
  /** The header's line (worked out on demand: only an error needs it). */
  line(): number;
  /** The text of a line of the file, by number. */
  text(line: number): string;
  diagnostics: Diagnostic[];
}

/** The header without a mapping: our field names only, each once (unknown names are errors, with a suggestion). */
export function checkHeader(context: HeaderContext): ReadColumns | undefined {
  const { file, header, diagnostics } = context;
  let ok = true;
  let problems = 0;
  const seen = new Set<string>();
  const at = (index: number) => ({
    file,
    line: context.line(),
    column: fieldColumn(context.text(context.line()), index),
  });
  header.forEach((name, index) => {
    const known = FIELDS.includes(name);
    if (!known || seen.has(name)) {
      ok = false;
      // A hostile header can have a million columns: the first few say enough.
      if (++problems > MAX_HEADER_DIAGNOSTICS) return;
    }
    if (!known) {
      const suggestion = closestName(name, FIELDS);
      diagnostics.push(
        errorAt({
          code: "unknown-column",
          message: `unknown column ${maskSensitiveText(name) || "(empty)"}${suggestion ? ` — did you mean ${suggestion}?` : ""}`,
          hint: `columns allowed: calleeNumber, text1 … text10 (or name the file's own columns in recipientsFile.columns)`,
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
        at: { file, line: context.line(), column: 1 },
      }),
    );
  }
  if (!seen.has("calleeNumber")) {
    diagnostics.push(noNumberColumn(context, undefined));
    return undefined;
  }
  return ok ? { names: header, indexes: header.map((_, i) => i) } : undefined;
}

/**
 * The header read through `recipientsFile.columns` (our field → the file's column): each field
 * from the column named for it, a field not named from a column of its own name, every other
 * column ignored. Worked out once per file, so a row costs what it costs without a mapping.
 */
export function mapHeader(
  context: HeaderContext,
  mapping: RecipientColumns,
  mappedAt: (field: string) => SourcePosition,
): ReadColumns | undefined {
  const { file, header, diagnostics } = context;
  const columns = mapping as Readonly<Record<string, string | undefined>>;
  let ok = true;
  const claimed = new Map<string, string>();
  for (const field of FIELDS) {
    const column = columns[field];
    if (column === undefined) continue;
    const first = claimed.get(column);
    if (first === undefined) {
      claimed.set(column, field);
      continue;
    }
    ok = false;
    const earlier = mappedAt(first);
    diagnostics.push(
      errorAt({
        code: "duplicate-mapping",
        message: `${field} reads column ${shown(column)}, which ${first} already reads (${earlier.file}:${earlier.line})`,
        hint: `map each column to one field; the agent's script can use \${${first}} more than once`,
        at: mappedAt(field),
        field: `/recipientsFile/columns/${field}`,
        related: [{ ...earlier, message: `${first} reads it here` }],
      }),
    );
  }
  const read: ReadColumns = { names: [], indexes: [] };
  for (const field of FIELDS) {
    const mapped = columns[field];
    // A column the mapping gives to another field is that field's alone.
    const column = mapped ?? (claimed.has(field) ? undefined : field);
    if (column === undefined) {
      // The number's own column read into another field: one error here, not one per row.
      if (field === "calleeNumber") {
        ok = false;
        diagnostics.push(numberColumnTaken(context, claimed.get(field)!, mappedAt(claimed.get(field)!)));
      }
      continue;
    }
    const index = header.indexOf(column);
    if (index < 0) {
      if (mapped !== undefined) {
        ok = false;
        diagnostics.push(missingColumn(context, field, mapped, mappedAt(field)));
      } else if (field === "calleeNumber") {
        ok = false;
        diagnostics.push(noNumberColumn(context, columns));
      }
      continue;
    }
    const again = header.indexOf(column, index + 1);
    if (again >= 0) {
      ok = false;
      diagnostics.push(
        errorAt({
          code: "duplicate-column",
          message: `column ${shown(column)} appears twice; ${field} is read from it`,
          hint: "keep one of them, or rename one in the export",
          at: { file, line: context.line(), column: fieldColumn(context.text(context.line()), again) },
        }),
      );
      continue;
    }
    read.names.push(field);
    read.indexes.push(index);
  }
  return ok ? read : undefined;
}

function missingColumn(context: HeaderContext, field: string, column: string, mapped: SourcePosition): Diagnostic {
  const { header } = context;
  const suggestion = header.length <= MAX_SUGGESTION_COLUMNS ? closestName(column, header) : undefined;
  return errorAt({
    code: "missing-column",
    message: `recipients file has no column ${shown(column)}${suggestion ? ` — did you mean ${shown(suggestion)}?` : ""} (recipientsFile.columns.${field}, ${mapped.file}:${mapped.line})`,
    hint: `${headerNames(header)}; correct the name in recipientsFile.columns (it must match the header exactly)`,
    at: { file: context.file, line: context.line(), column: 1 },
    related: [{ ...mapped, message: `${field} is mapped to ${shown(column)} here` }],
  });
}

function numberColumnTaken(context: HeaderContext, field: string, mapped: SourcePosition): Diagnostic {
  return errorAt({
    code: "missing-column",
    message: `recipients file has no calleeNumber to read: its column "calleeNumber" is mapped to ${field} (recipientsFile.columns.${field}, ${mapped.file}:${mapped.line})`,
    hint: `map the column that holds the numbers in recipientsFile.columns.calleeNumber, or read ${field} from another column`,
    at: { file: context.file, line: context.line(), column: 1 },
    related: [{ ...mapped, message: `${field} is mapped to "calleeNumber" here` }],
  });
}

// Columns a CRM export names for the phone number: offered when calleeNumber is not mapped.
const LIKELY_NUMBER = /phone|mobile|cell|msisdn|number|tel|contact/i;

function noNumberColumn(context: HeaderContext, columns: RecipientColumns | undefined): Diagnostic {
  const mappedAway = new Set(Object.values(columns ?? {}));
  const likely = context.header
    .slice(0, MAX_SUGGESTION_COLUMNS)
    .find((name) => LIKELY_NUMBER.test(name) && !mappedAway.has(name));
  return errorAt({
    code: "missing-column",
    message: "recipients file has no calleeNumber column",
    hint: likely
      ? `if ${shown(likely)} holds the numbers, write recipientsFile: { path: …, columns: { calleeNumber: ${shown(likely)} } }`
      : columns
        ? "name the column that holds the numbers in recipientsFile.columns.calleeNumber"
        : "the header row must name a calleeNumber column, or map one in recipientsFile.columns",
    at: { file: context.file, line: context.line(), column: 1 },
  });
}

function headerNames(header: readonly string[]): string {
  const names = header.slice(0, HEADER_NAMES_SHOWN).map(shown).join(", ");
  return `the header has ${names}${header.length > HEADER_NAMES_SHOWN ? `, … (${header.length} columns)` : ""}`;
}

/** A column name is CSV content: quoted, a number in it masked. */
function shown(name: string): string {
  return JSON.stringify(maskSensitiveText(name));
}

/** Lines of the file by 1-based number, split only when an error needs one. */
export function lineReader(text: string): (line: number) => string {
  let lines: string[] | undefined;
  return (line) => {
    lines ??= text.split(/\r?\n/);
    return lines[line - 1] ?? "";
  };
}

/** 1-based column where field `index` starts in a CSV line (quotes respected). */
export function fieldColumn(line: string, index: number): number {
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
