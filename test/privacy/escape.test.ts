import { describe, expect, test } from "vitest";
import {
  escapeControlChars,
  escapeControlCharsDeep,
  escapeTerminalOutput,
  findControlChar,
} from "../../src/privacy/index.js";
import { CONTROL_CHARS, RAW_CONTROL } from "./controls.js";

describe("escapeControlChars", () => {
  test("every control character is shown escaped, in any position, nothing else changes", () => {
    for (const c of CONTROL_CHARS) {
      for (const text of [`${c}`, `a${c}b`, `${c}${c}x`, `name${c}[31mred`]) {
        const escaped = escapeControlChars(text);
        expect(escaped, JSON.stringify(text)).not.toMatch(RAW_CONTROL);
        expect(escaped).not.toContain("\n");
        expect(escaped).toMatch(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])/);
        expect(findControlChar(text)?.index).toBe(text.indexOf(c));
      }
    }
    expect(escapeControlChars("evil\u001b[2J\u0007 \u202egnp.exe")).toBe("evil\\x1b[2J\\x07 \\u202egnp.exe");
    expect(escapeControlChars("line\nbreak\r\ttab")).toBe("line\\nbreak\\r\\ttab");
    for (const text of ["plain", "Ünïcødé 日本語 👨‍👩‍👧", "C:\\path\\to", ""]) expect(escapeControlChars(text)).toBe(text);
    expect(findControlChar("clean")).toBeUndefined();
  });

  test("deep: every string and key of a structure, other values as they are, __proto__ a plain key", () => {
    const value = JSON.parse(
      '{"a\\u001b": ["x\\u0007", 1, null, {"__proto__": "\\u202e"}], "n": 2, "b": true}',
    ) as unknown;
    const escaped = escapeControlCharsDeep(value);
    expect(JSON.stringify(escaped)).toBe('{"a\\\\x1b":["x\\\\x07",1,null,{"__proto__":"\\\\u202e"}],"n":2,"b":true}');
  });

  test("whole output: line breaks stay, colour codes stay only when asked, the rest is escaped", () => {
    const painted = "\u001b[32m  + camp\u001b[39m\nnext\u0007\u001b]0;title\u0007\n";
    expect(escapeTerminalOutput(painted, { keepColor: true })).toBe(
      "\u001b[32m  + camp\u001b[39m\nnext\\x07\\x1b]0;title\\x07\n",
    );
    expect(escapeTerminalOutput(painted, { keepColor: false })).toBe(
      "\\x1b[32m  + camp\\x1b[39m\nnext\\x07\\x1b]0;title\\x07\n",
    );
    for (const c of CONTROL_CHARS.filter((ch) => ch !== "\n"))
      expect(escapeTerminalOutput(`a${c}b\n`, { keepColor: true })).not.toMatch(RAW_CONTROL);
  });
});
