import { parse } from "csv-parse/sync";
import { describe, expect, test } from "vitest";
import { seededRandom } from "../helpers.js";
import { readPlainCsv } from "../../src/campaigns/csv-plain.js";
import { parseRecipientsCsv } from "../../src/campaigns/recipients-csv.js";

// The fast reader must read every file it accepts exactly as csv-parse does (with the loader's
// options), and accept none that csv-parse refuses. Checked on generated files built from the
// pieces that make CSV hard, and on the edge cases one by one.

const OPTIONS = { bom: true, trim: true, skip_empty_lines: true } as const;

function csvParse(text: string): string[][] | "error" {
  try {
    return parse(text, OPTIONS) as string[][];
  } catch {
    return "error";
  }
}

/** The line csv-parse says each record ends on. */
const csvParseLines = (text: string): number[] =>
  (parse(text, { ...OPTIONS, info: true }) as unknown as { info: { lines: number } }[]).map((r) => r.info.lines);

const PIECES = ["9197", "0001", "a", "Asha K", " ", "  ", ",", '"', '""', "\n", "\r\n", "\r", "\t", "\u00a0", "é", "x"];

function generated(next: () => number): string {
  const quotedField = () =>
    `"${Array.from({ length: Math.floor(next() * 4) }, () => PIECES[Math.floor(next() * PIECES.length)]).join("")}"`;
  const plainField = () => (next() < 0.5 ? "9197000" + Math.floor(next() * 1000) : PIECES[Math.floor(next() * 6)]!);
  const width = 1 + Math.floor(next() * 3);
  const eol = next() < 0.5 ? "\n" : "\r\n";
  const lines = [Array.from({ length: width }, (_, i) => (i === 0 ? "calleeNumber" : `text${i}`)).join(",")];
  for (let r = 0; r < 1 + Math.floor(next() * 5); r++) {
    const cells = Array.from({ length: next() < 0.9 ? width : width + 1 }, () => {
      const roll = next();
      return roll < 0.2 ? quotedField() : roll < 0.3 ? PIECES[Math.floor(next() * PIECES.length)]! : plainField();
    });
    lines.push(next() < 0.05 ? "" : cells.join(","));
  }
  return (next() < 0.1 ? "\ufeff" : "") + lines.join(next() < 0.9 ? eol : "\n") + (next() < 0.7 ? eol : "");
}

describe("the fast CSV reader agrees with csv-parse", () => {
  test("on 20,000 generated files: same records where it reads a file, never a file csv-parse refuses", () => {
    const next = seededRandom(17);
    let accepted = 0;
    for (let k = 0; k < 20_000; k++) {
      const text = generated(next);
      const fast = readPlainCsv(text);
      if (fast === undefined) continue;
      accepted++;
      expect(fast.records, JSON.stringify(text)).toEqual(csvParse(text));
      // csv-parse counts a CRLF inside quotes as two lines; an editor (and this reader) as one: the
      // same file with LF line breaks is the reference for where each record ends.
      expect(
        fast.records.map((_, i) => fast.lineOf(i)),
        JSON.stringify(text),
      ).toEqual(csvParseLines(text.replace(/\r\n/g, "\n")));
    }
    // Most generated files are odd on purpose; still, the reader must take a good share of them.
    expect(accepted).toBeGreaterThan(2_000);
  });

  test.each([
    ["plain", "calleeNumber,text1\n919700000001,Asha\n919700000002,Ravi\n", true],
    ["quoted fields", 'calleeNumber,text1\n919700000001,"Asha, K"\n', true],
    ["quotes inside quotes", 'calleeNumber,text1\n919700000001,"say ""hi"""\n', true],
    ["a newline inside a quoted field", 'calleeNumber,text1\n919700000001,"line1\nline2"\n919700000002,x\n', true],
    ["CRLF", "calleeNumber,text1\r\n919700000001,Asha\r\n919700000002,Ravi\r\n", true],
    ["CRLF inside quotes in a CRLF file", 'calleeNumber,text1\r\n919700000001,"a\r\nb"\r\n', true],
    ["a BOM", "\ufeffcalleeNumber,text1\n919700000001,Asha\n", true],
    ["empty lines", "calleeNumber,text1\n\n919700000001,Asha\n\n\n919700000002,Ravi\n", true],
    ["spaces around fields", "calleeNumber , text1\n 919700000001 , Asha \n", true],
    ["no final line break", "calleeNumber,text1\n919700000001,Asha", true],
    ["one column", "calleeNumber\n919700000001\n919700000002\n", true],
    ["ragged rows", "calleeNumber,text1\n919700000001\n919700000002,Ravi,extra\n", false],
    ["an unclosed quote", 'calleeNumber,text1\n919700000001,"Asha\n919700000002,Ravi\n', false],
    ["a quote inside an unquoted field", 'calleeNumber,text1\n919700000001,As"ha\n', false],
    ["text after a closing quote", 'calleeNumber,text1\n919700000001,"As"ha\n', false],
    ["mixed line endings", "calleeNumber,text1\n919700000001,Asha\r\n919700000002,Ravi\n", false],
    ["a lone CR", "calleeNumber,text1\r919700000001,Asha\r", false],
    ["a tab", "calleeNumber,text1\n919700000001,\tAsha\n", false],
    ["a line of spaces", "calleeNumber\n919700000001\n   \n919700000002\n", false],
    ["empty", "", false],
  ])("%s: read fast = %s, and as csv-parse reads it", (_name, text, fast) => {
    const read = readPlainCsv(text);
    expect(read !== undefined).toBe(fast);
    if (read) expect(read.records).toEqual(csvParse(text));
  });

  test("a 200,001-row file: read fast, refused as too many recipients at the row past the limit", () => {
    const rows = Array.from({ length: 200_001 }, (_, i) => `${919_700_000_000 + i},Name${i}`);
    const text = `calleeNumber,text1\n${rows.join("\n")}\n`;
    expect(readPlainCsv(text)?.records.length).toBe(200_002);
    const parsed = parseRecipientsCsv("big.csv", text);
    expect(parsed.recipients).toEqual([]);
    expect(parsed.diagnostics).toEqual([
      expect.objectContaining({ code: "too-many-recipients", file: "big.csv", line: 200_002, column: 1 }),
    ]);
  });

  test("a header of a million repeated columns: twenty errors and a count, read without csv-parse", () => {
    const parsed = parseRecipientsCsv("wide.csv", `calleeNumber${",text1".repeat(1_000_000)}\n`);
    expect(parsed.diagnostics.length).toBe(21);
    expect(parsed.diagnostics[0]).toMatchObject({ code: "duplicate-column", line: 1, column: 20 });
    expect(parsed.diagnostics.at(-1)).toMatchObject({ code: "csv-too-many-errors", line: 1 });
  });

  test("errors keep their exact place when the file is not plain (csv-parse reads it)", () => {
    const parsed = parseRecipientsCsv("r.csv", 'calleeNumber,text1\n919700000001,Asha\n919700000002,"Ravi\n');
    expect(parsed.diagnostics[0]).toMatchObject({ code: "csv-syntax", file: "r.csv", line: 3 });
    const ragged = parseRecipientsCsv("r.csv", "calleeNumber,text1\n919700000001,Asha\n919700000002\n");
    expect(ragged.diagnostics[0]).toMatchObject({ code: "csv-syntax", file: "r.csv", line: 3, column: 1 });
    const bad = parseRecipientsCsv("r.csv", "calleeNumber,text1\n919700000001,Asha\n91970000000x,Ravi\n");
    expect(bad.diagnostics[0]).toMatchObject({ file: "r.csv", line: 3, column: 1 });
  });
});
