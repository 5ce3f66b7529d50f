import { describe, expect, test } from "vitest";
import { numbersRewrittenLine, textVariablesLine } from "../../src/views/plan-text.js";

describe("the recipients line of a plan", () => {
  test("names each text variable's column where the recipients file's own names are mapped", () => {
    const entry = {
      textVariables: ["text1", "text2", "text3"],
      recipientColumns: { calleeNumber: "phone", text1: "borrower", text2: "text2" },
    };
    // text2 read from a column of its own name, text3 not mapped: plain names.
    expect(textVariablesLine(entry)).toBe("text1 (borrower), text2, text3");
    expect(textVariablesLine({ textVariables: ["text1", "text10"] })).toBe("text1, text10");
  });

  test("counts the rewritten numbers", () => {
    expect(numbersRewrittenLine(1)).toBe("1 number rewritten to digits (numberFormat)");
    expect(numbersRewrittenLine(12_000)).toBe("12,000 numbers rewritten to digits (numberFormat)");
  });
});
