// `${column}` placeholders in the string values of a forEach template, and `$${` for a literal `${`.
// A template string is split once into literal text and placeholders; a row's values are put in
// its place as text and never read again, so a value holding `${x}` (or YAML) stays what it is.

/** Literal text, or the column whose value goes here. */
export type Segment = string | { column: string };

export type ParsedTemplate = { ok: true; segments: Segment[] } | { ok: false; problem: string; hint: string };

/** A column name longer than this is no column anyone wrote (and would make suggestions slow). */
export const MAX_COLUMN_NAME = 100;

/** The string split into segments, or undefined when it holds neither a placeholder nor an escape. */
export function parseTemplate(text: string): ParsedTemplate | undefined {
  if (!text.includes("${")) return undefined;
  const segments: Segment[] = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("${", i);
    if (open < 0) break;
    if (open > 0 && text[open - 1] === "$") {
      // `$${` is a literal `${`: the `$` before it is the escape.
      literal += text.slice(i, open - 1) + "${";
      i = open + 2;
      continue;
    }
    literal += text.slice(i, open);
    const close = text.indexOf("}", open + 2);
    const column = close < 0 ? "" : text.slice(open + 2, close);
    if (close < 0)
      return {
        ok: false,
        problem: "has a ${ that is never closed with }",
        hint: "write ${column}, or $${ for a literal ${",
      };
    if (column === "" || column.includes("{"))
      return {
        ok: false,
        problem: `has an empty or malformed placeholder \${${column}}`,
        hint: "write ${column} with the name of a forEach column, or $${ for a literal ${",
      };
    if (column.length > MAX_COLUMN_NAME)
      return {
        ok: false,
        problem: `has a placeholder of ${column.length} characters`,
        hint: `column names are at most ${MAX_COLUMN_NAME} characters`,
      };
    if (literal) segments.push(literal);
    literal = "";
    segments.push({ column });
    i = close + 1;
  }
  literal += text.slice(i);
  if (literal) segments.push(literal);
  return { ok: true, segments };
}

/** The columns a template string names. */
export function columnsOf(segments: readonly Segment[]): string[] {
  return segments.flatMap((s) => (typeof s === "string" ? [] : [s.column]));
}

/** The text with each placeholder replaced by its column's value (every column present: checked before). */
export function fill(segments: readonly Segment[], valueOf: (column: string) => string): string {
  let out = "";
  for (const s of segments) out += typeof s === "string" ? s : valueOf(s.column);
  return out;
}

/** Length of the filled text, worked out before it is built. */
export function filledLength(segments: readonly Segment[], valueOf: (column: string) => string): number {
  let length = 0;
  for (const s of segments) length += typeof s === "string" ? s.length : valueOf(s.column).length;
  return length;
}
