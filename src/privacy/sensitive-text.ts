/**
 * Untrusted text (a platform message, a value a user wrote) is masked before it is printed or
 * stored: every run of 6 or more digits — also when written with spaces, dashes, dots, brackets,
 * grouping marks, invisible separators or a leading `+` between the digits — and every occurrence of a known secret. One pass, linear.
 */
export const MASK = "•";
const MIN_DIGITS = 6;
/** Separator characters allowed between two digits of one number, at most this many in a row. */
const MAX_SEPARATORS = 3;
// Also grouping marks (`_`, `,`, `'`, `/`) and invisible or full-width ones a message may carry
// (zero-width space and joiners, word joiner, BOM, ideographic space, full-width dash and dot).
const SEPARATORS = new Set([
  " ",
  "\t",
  "\u00a0",
  "\u2007",
  "\u2009",
  "\u202f",
  "-",
  "\u2010",
  "\u2011",
  "\u2012",
  "\u2013",
  "\u2014",
  "\u2212",
  ".",
  "(",
  ")",
  "[",
  "]",
  "+",
  "_",
  ",",
  "'",
  "/",
  "\u00b7",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u2060",
  "\ufeff",
  "\u3000",
  "\uff0d",
  "\uff0e",
  "\uff08",
  "\uff09",
]);
// A calendar date (optionally with its time) is not a phone number: `2026-11-25 10:00:00` stays readable.
const DATE = /(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])/y;
// An MD5 signature (the Sign header) echoed back.
const SIGNATURE = /(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/gi;
const OTHER_DIGIT = /^\p{Nd}$/u;
// Every decimal digit is ASCII or at U+0660 and above (astral ones as surrogates): text without
// any such character holds no number, and is returned untouched without the scan (most of a push).
const MAYBE_DIGIT = /[0-9\u0660-\uffff]/;
/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 4;

export interface MaskOptions {
  /** Values never to show, e.g. the API key and secret: each occurrence (any case) becomes `[secret]`. */
  secrets?: readonly (string | undefined)[];
}

export function maskSensitiveText(text: string, options: MaskOptions = {}): string {
  let out = text;
  for (const secret of options.secrets ?? []) {
    if (secret && secret.length >= MIN_SECRET_LENGTH)
      out = out.replace(new RegExp(escapeRegExp(secret), "gi"), "[secret]");
  }
  return maskNumberRuns(out.replace(SIGNATURE, "[signature]"));
}

/** How many leading and trailing digits of an n-digit number stay visible (as maskPhoneNumber). */
export function visibleDigits(n: number): { head: number; tail: number } {
  if (n <= 4) return { head: 0, tail: 0 };
  return n >= 10 ? { head: 4, tail: 3 } : n >= 7 ? { head: 2, tail: 2 } : { head: 1, tail: 1 };
}

function maskNumberRuns(text: string): string {
  if (text.length < MIN_DIGITS || !MAYBE_DIGIT.test(text)) return text;
  let out = "";
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (digitLength(text, i) === 0) {
      i++;
      continue;
    }
    DATE.lastIndex = i;
    if (DATE.test(text) && digitLength(text, DATE.lastIndex) === 0) {
      i = DATE.lastIndex;
      continue;
    }
    // One number: digits joined by short runs of separators.
    const digits: [number, number][] = [];
    let j = i;
    let end = i;
    while (j < n) {
      const length = digitLength(text, j);
      if (length > 0) {
        digits.push([j, length]);
        j += length;
        end = j;
        continue;
      }
      let k = j;
      while (k < n && k - j < MAX_SEPARATORS && SEPARATORS.has(text[k]!)) k++;
      if (k === j || digitLength(text, k) === 0) break;
      j = k;
    }
    if (digits.length >= MIN_DIGITS) {
      const { head, tail } = visibleDigits(digits.length);
      for (let d = head; d < digits.length - tail; d++) {
        const [at, length] = digits[d]!;
        out += text.slice(copied, at) + MASK;
        copied = at + length;
      }
    }
    i = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The UTF-16 length of the decimal digit at `i` (any script), or 0. */
function digitLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 48 && c <= 57) return 1;
  if (c < 0x660 || Number.isNaN(c)) return 0;
  const point = text.codePointAt(i)!;
  const char = String.fromCodePoint(point);
  return OTHER_DIGIT.test(char) ? char.length : 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
