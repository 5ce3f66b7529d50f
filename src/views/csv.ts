// CSV as the recipients reader takes it back: RFC 4180 quoting, `\n` line ends, a header first.

/** A field quoted when it must be: a comma, quote or line break in it, or spaces a reader would trim. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, its fields quoted as needed. */
export const csvRecord = (fields: readonly string[]): string => fields.map(csvField).join(",");

/** Header and records as a file's text. */
export function csvText(header: readonly string[], records: Iterable<readonly string[]>): string {
  const lines = [csvRecord(header)];
  for (const record of records) lines.push(csvRecord(record));
  return lines.join("\n") + "\n";
}

/**
 * For a file people open in a spreadsheet: a value that starts like a formula (`=`, `+`, `-`, `@`,
 * tab, carriage return) is prefixed with `'`, so it is shown, never evaluated (CSV injection).
 */
export const spreadsheetSafe = (value: string): string => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
