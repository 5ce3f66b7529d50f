import { MASK, visibleDigits } from "./sensitive-text.js";

/**
 * Phone numbers never appear raw in output: `919700000321` → `9197•••••321`.
 * Long numbers keep the country-code-ish head and the last three digits so a person can still
 * tell two numbers apart; short ones keep less so that most of the number stays hidden.
 */
export function maskPhoneNumber(value: string): string {
  // Numbers are ASCII; only other text needs splitting into code points.
  const chars = /^[\x20-\x7e]*$/.test(value) ? value : [...value];
  const n = chars.length;
  if (n === 0) return "";
  const { head, tail } = visibleDigits(n);
  const part = (from: number, to?: number) =>
    typeof chars === "string" ? chars.slice(from, to) : chars.slice(from, to).join("");
  return part(0, head) + MASK.repeat(n - head - tail) + part(n - tail);
}
