// The common, strict form of a recipients CSV, read in one pass over the text. csv-parse reads
// everything else and says exactly what is wrong where: this reader never guesses. Measured
// (bench/RESULTS.md): csv-parse spends ≈1.5 s on a million rows, this ≈0.1 s; uDSV, the fastest
// library measured, misreads a one-column file (its header inference) and keeps header spaces.

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BOM = 0xfeff;

export interface PlainCsv {
  /** The records, header first. */
  records: string[][];
  /** The line a record ends on (1-based), as csv-parse's `info.lines` says it; worked out on first use. */
  lineOf(index: number): number;
}

/**
 * The records (header first) when the text has the strict form — else undefined, and the caller
 * reads it with csv-parse (same result on the strict form; a test compares the two on generated
 * files). The strict form: one kind of line ending (`\n` or `\r\n`, also inside quotes), records
 * of the header's width, empty lines skipped; a field is unquoted (no quote in it, spaces around
 * it trimmed, no tab or other whitespace) or wholly quoted (`""` for a quote, nothing after the
 * closing quote but a comma or the line ending).
 */
export function readPlainCsv(text: string): PlainCsv | undefined {
  const n = text.length;
  const firstLf = text.indexOf("\n");
  const crlf = firstLf > 0 && text.charCodeAt(firstLf - 1) === CR;
  const records: string[][] = [];
  const ends: number[] = [];
  let width = -1;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  while (i < n) {
    const first = text.charCodeAt(i);
    if (!crlf && first === LF) {
      i++;
      continue;
    }
    if (crlf && first === CR && text.charCodeAt(i + 1) === LF) {
      i += 2;
      continue;
    }
    const record: string[] = [];
    for (;;) {
      const end = text.charCodeAt(i) === QUOTE ? quotedField(text, i, crlf, record) : unquotedField(text, i, record);
      if (end < 0) return undefined;
      i = end;
      if (text.charCodeAt(i) !== COMMA) break;
      i++;
    }
    ends.push(i);
    i = recordEnd(text, i, crlf);
    // A line of spaces, or of one empty field: csv-parse decides what it is.
    if (i < 0 || (record.length === 1 && record[0] === "")) return undefined;
    if (width < 0) width = record.length;
    else if (record.length !== width) return undefined;
    records.push(record);
  }
  if (records.length === 0) return undefined;
  let lines: number[] | undefined;
  return { records, lineOf: (index) => (lines ??= linesAt(text, ends))[index] ?? 1 };
}

/** The 1-based line of each offset (ascending), in one pass over the text. */
function linesAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let from = 0;
  for (const offset of offsets) {
    for (let k = text.indexOf("\n", from); k !== -1 && k < offset; k = text.indexOf("\n", k + 1)) line++;
    from = offset;
    lines.push(line);
  }
  return lines;
}

/** After a record: the start of the next one, or -1 when the line does not end as the file's lines do. */
function recordEnd(text: string, i: number, crlf: boolean): number {
  if (i >= text.length) return i;
  const c = text.charCodeAt(i);
  if (crlf) return c === CR && text.charCodeAt(i + 1) === LF ? i + 2 : -1;
  return c === LF ? i + 1 : -1;
}

/** An unquoted field from `i`: pushed trimmed of spaces; returns where it ends, or -1 when it is not plain. */
function unquotedField(text: string, i: number, record: string[]): number {
  let j = i;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === LF || c === CR) break;
    if (c === QUOTE || unusualSpace(c)) return -1;
  }
  let start = i;
  let end = j;
  while (start < end && text.charCodeAt(start) === SPACE) start++;
  while (end > start && text.charCodeAt(end - 1) === SPACE) end--;
  record.push(text.slice(start, end));
  return j;
}

/** A quoted field whose opening quote is at `i`: pushed unescaped; returns the index after its closing quote, or -1. */
function quotedField(text: string, i: number, crlf: boolean, record: string[]): number {
  let value = "";
  let start = i + 1;
  for (;;) {
    const quote = text.indexOf('"', start);
    if (quote < 0) return -1;
    if (!plainQuotedText(text, start, quote, crlf)) return -1;
    if (text.charCodeAt(quote + 1) === QUOTE) {
      value += text.slice(start, quote + 1);
      start = quote + 2;
      continue;
    }
    record.push(value + text.slice(start, quote));
    return quote + 1;
  }
}

/** Line breaks inside quotes are the file's own kind; no tab or unusual whitespace (trimming rules differ there). */
function plainQuotedText(text: string, from: number, to: number, crlf: boolean): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === CR) {
      if (!crlf || text.charCodeAt(k + 1) !== LF) return false;
    } else if (c === LF) {
      if (crlf && text.charCodeAt(k - 1) !== CR) return false;
    } else if (unusualSpace(c)) return false;
  }
  return true;
}

/** Whitespace other than the space: tabs, vertical tab, form feed and the Unicode spaces. */
function unusualSpace(c: number): boolean {
  if (c < 0x80) return c === 9 || c === 11 || c === 12;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === BOM
  );
}
