/**
 * Text from users and the platform is shown to people on terminals, in CI logs and in pull-request
 * comments: a control character in it (ESC, BEL, CR, backspace, C1, bidi overrides, invisible
 * marks, line separators) could rewrite the screen or hide what follows. It is shown escaped
 * (`\x1b`, `\u202e`); JSON output keeps the original (JSON.stringify escapes what JSON must).
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/;
const CONTROL_ALL = new RegExp(CONTROL.source, "g");
// The same, but a line break stays and the colour codes the tool paints itself (SGR) stay.
const OUTPUT_CONTROL = new RegExp(`\\u001b\\[[0-9;]{0,32}m|(?!\\n)${CONTROL.source}`, "g");

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** One field for people: every control character escaped, line breaks included. */
export function escapeControlChars(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, escapeOne) : text;
}

/** The first control character in `text` with its index, for validation messages. */
export function findControlChar(text: string): { index: number; escaped: string } | undefined {
  const match = CONTROL.exec(text);
  return match ? { index: match.index, escaped: escapeOne(match[0]) } : undefined;
}

/** A copy of a data structure with every string (and key) escaped, for a renderer's input. */
export function escapeControlCharsDeep<T>(value: T): T {
  if (typeof value === "string") return escapeControlChars(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeControlCharsDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    // Null prototype: a key such as `__proto__` stays a plain key.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[escapeControlChars(k)] = escapeControlCharsDeep(v);
    return out as T;
  }
  return value;
}

/**
 * Last line of defence for whole human output about to be written: line breaks stay, and with
 * `keepColor` so do SGR colour codes (the renderers escape user text before painting it);
 * every other control character is escaped.
 */
export function escapeTerminalOutput(text: string, options: { keepColor: boolean }): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(OUTPUT_CONTROL, (match) =>
    match.length > 1 && options.keepColor
      ? match
      : match.length > 1
        ? escapeOne("\u001b") + match.slice(1)
        : escapeOne(match),
  );
}
