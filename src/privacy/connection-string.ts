/**
 * Database URLs and conninfo strings with their credentials hidden, whatever the password holds
 * (`/`, `@`, `#`, `:`, `?`) and whether or not the URL parses: everything between `//` and the
 * last `@` is masked (a plain user name stays), and so is every `password=` value.
 * `postgres://user:p@ss/w#rd@host/db` → `postgres://user:***@host/db`.
 */
const SCHEME = /[A-Za-z][A-Za-z0-9+.-]*:\/\//g;
const PASSWORD_SETTING = /\b((?:ssl)?password|passfile)(\s*=\s*)('(?:[^'\\]|\\.)*'?|"[^"]*"?|[^\s&;,]*)/gi;
const PLAIN_USER = /^[^@/?#:\s]*$/;
/** Known passwords shorter than this are not searched for in free text: they would match ordinary words. */
const MIN_SECRET_LENGTH = 4;

export interface ConnectionMaskOptions {
  /** The text is one URL (a setting), not a message: a password with spaces is masked too. */
  whole?: boolean;
  /** URLs whose credentials must not appear anywhere in the text, in any form (e.g. echoed by the driver). */
  knownUrls?: readonly (string | undefined)[];
}

export function maskConnectionString(text: string, options: ConnectionMaskOptions = {}): string {
  let out = text;
  for (const url of options.knownUrls ?? [])
    for (const secret of credentialsOf(url)) out = out.split(secret).join("***");
  out = out.replace(PASSWORD_SETTING, "$1$2***");
  return options.whole ? maskWhole(out) : maskUrlsIn(out);
}

/** One setting: after `//` (or from the start of a URL without a scheme) up to the last `@`. */
function maskWhole(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (!scheme && /^\s*\w+\s*=/.test(url)) return url; // a conninfo string: only its settings are secret
  const start = scheme ? scheme[0].length : 0;
  const at = url.lastIndexOf("@");
  if (at < start) return url;
  return url.slice(0, start) + maskedCredentials(url.slice(start, at)) + url.slice(at);
}

function maskUrlsIn(text: string): string {
  const starts = [...text.matchAll(SCHEME)].map((m) => m.index);
  if (starts.length === 0) return text;
  let out = text.slice(0, starts[0]);
  starts.forEach((start, k) => (out += maskToken(text.slice(start, starts[k + 1] ?? text.length))));
  return out;
}

/** A piece of text that starts with `scheme://` (or none): the URL is its first word. */
function maskToken(piece: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(piece);
  if (!scheme) return piece;
  const start = scheme[0].length;
  const wordEnd = piece.slice(start).search(/\s/);
  const end = wordEnd < 0 ? piece.length : start + wordEnd;
  const at = piece.lastIndexOf("@", end - 1);
  if (at < start) return piece;
  return piece.slice(0, start) + maskedCredentials(piece.slice(start, at)) + piece.slice(at);
}

function maskedCredentials(credentials: string): string {
  const colon = credentials.indexOf(":");
  if (colon < 0) return PLAIN_USER.test(credentials) ? credentials : "***";
  const user = credentials.slice(0, colon);
  return PLAIN_USER.test(user) ? `${user}:***` : "***";
}

/** The credential part and the password of a URL, raw and percent-decoded, longest first; none without a password. */
function credentialsOf(url: string | undefined): string[] {
  if (!url) return [];
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  const start = scheme ? scheme[0].length : 0;
  const at = url.lastIndexOf("@");
  if (at < start) return [];
  const credentials = url.slice(start, at);
  const colon = credentials.indexOf(":");
  if (colon < 0) return [];
  const raw = [credentials, credentials.slice(colon + 1)];
  const decoded = raw.map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return [...new Set([...raw, ...decoded])]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}
