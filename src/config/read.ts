// Reading one config file: through the one file reader (regular file, bounded, strict UTF-8),
// parsed with positions so every problem is reported at file:line:col. JS configs are run.
import { basename, extname } from "node:path";
import { pathToFileURL } from "node:url";
import { fileProblem } from "../campaigns/file-problems.js";
import { parseYamlFile, type FieldPath, type SourceDocument } from "../campaigns/yaml-documents.js";
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { firstLineOf, ToolError } from "../errors/index.js";
import { FILE_LIMITS, readTextFile, type FileProblem } from "../files/index.js";
import { maskSensitiveText } from "../privacy/index.js";

export const CONFIG_MODULE = "campaign";

export type ConfigRead =
  | {
      ok: true;
      empty: boolean;
      value: unknown;
      locate: (path: FieldPath) => SourcePosition;
      locateKey: (path: FieldPath) => SourcePosition;
    }
  | { ok: false; diagnostics: Diagnostic[] };

/** A config file's text, or a diagnostic at the file (at the bad byte for invalid UTF-8). */
export async function readConfigText(
  absolute: string,
  file: string,
): Promise<{ ok: true; text: string } | { ok: false; problem: FileProblem; diagnostic: Diagnostic }> {
  const read = await readTextFile(absolute, { maxBytes: FILE_LIMITS.config, display: file, what: "config file" });
  if (read.ok) return read;
  // The loader's mapping of a file problem (code, position), with the config's own hint.
  const hint =
    read.problem.kind === "invalid-utf8"
      ? "save the config file as UTF-8"
      : "the config must be a regular file of at most 1 MiB";
  return { ...read, diagnostic: { ...fileProblem(read.problem, file), hint } };
}

/** Parses a config file's text by its name: package.json#campaign, JSON, JS or YAML. */
export async function parseConfig(absolute: string, file: string, text: string): Promise<ConfigRead> {
  const extension = extname(absolute);
  const fallback = { file, line: 1, column: 1 };
  const nowhere = { locate: () => fallback, locateKey: () => fallback };
  if (/^\.(c|m)?js$/.test(extension)) {
    return text.trim() === ""
      ? { ok: true, empty: true, value: {}, ...nowhere }
      : { ok: true, empty: false, value: await runJsConfig(absolute, file), ...nowhere };
  }
  if (text.trim() === "") return { ok: true, empty: true, value: {}, ...nowhere };
  if (extension === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, diagnostics: [jsonSyntaxError(file, text, String((error as Error).message))] };
    }
    const prefix: FieldPath = basename(absolute) === "package.json" ? [CONFIG_MODULE] : [];
    if (prefix.length > 0) value = (value as Record<string, unknown> | null)?.[CONFIG_MODULE];
    // JSON is YAML: the YAML parser gives the positions of the values JSON.parse read, and finds
    // the repeated keys JSON.parse would take the last of without a word.
    const asYaml = parseYamlFile(file, text, "config file");
    if (prefix.length === 0 && asYaml.duplicateKeys.length > 0)
      return { ok: false, diagnostics: asYaml.duplicateKeys.map((at) => duplicateKeyError(text, at)) };
    const document = asYaml.documents[0];
    return {
      ok: true,
      empty: value === undefined,
      value: value ?? {},
      ...(document ? locators(document, prefix) : nowhere),
    };
  }
  if (extension !== "" && extension !== ".yaml" && extension !== ".yml") {
    throw new ToolError(
      "config-invalid",
      `config file ${file} has an unknown format (${extension})`,
      "name it .json, .yaml, .yml, .js, .mjs or .cjs",
    );
  }
  const parsed = parseYamlFile(file, text, "config file");
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  const second = parsed.documents[1];
  if (second)
    errors.push(
      errorAt({
        code: "config-syntax",
        message: `config file ${file} holds more than one YAML document`,
        hint: "a config file is one YAML document: remove the --- and what follows",
        at: second.start,
      }),
    );
  if (errors.length > 0) return { ok: false, diagnostics: errors };
  const document = parsed.documents[0];
  return document
    ? { ok: true, empty: false, value: document.value, ...locators(document, []) }
    : { ok: true, empty: true, value: {}, ...nowhere };
}

function locators(document: SourceDocument, prefix: FieldPath): Pick<SourceDocument, "locate" | "locateKey"> {
  return {
    locate: (path) => document.locate([...prefix, ...path]),
    locateKey: (path) => document.locateKey([...prefix, ...path]),
  };
}

/** Runs a JS config; whatever it throws or rejects with is a config error naming the file, no stack. */
async function runJsConfig(absolute: string, file: string): Promise<unknown> {
  try {
    // import() reads ESM and CommonJS alike (module.exports is the default export); once only, so
    // a config that fails is not run a second time as cosmiconfig's require() fallback would.
    const exported: unknown = ((await import(pathToFileURL(absolute).href)) as { default?: unknown }).default;
    // A function (or a promise) is the config's way to compute it: its result is the config.
    return await (typeof exported === "function" ? (exported as () => unknown)() : exported);
  } catch (error) {
    const name = error instanceof Error && error.name !== "Error" ? `${error.name}: ` : "";
    throw new ToolError(
      "config-invalid",
      `config file ${file} failed to load: ${name}${maskSensitiveText(firstLineOf(error))}`,
      "fix the error in the config file (it is run as JavaScript)",
      { file },
    );
  }
}

function duplicateKeyError(text: string, at: SourcePosition): Diagnostic {
  const line = text.split("\n", at.line)[at.line - 1] ?? "";
  const key = /^"((?:[^"\\]|\\.){0,200})"/.exec(line.slice(at.column - 1))?.[1];
  return errorAt({
    code: "config-duplicate-key",
    message: `${key === undefined ? "this key" : `"${maskSensitiveText(key)}"`} appears twice in its object; a JSON reader silently keeps the last one`,
    hint: "each key may appear once per object: remove one of them",
    at,
  });
}

/** JSON.parse's message, without the snippet it quotes (it could hold a secret), at file:line:col. */
export function jsonSyntaxError(file: string, text: string, message: string): Diagnostic {
  const offset = jsonErrorOffset(text, message);
  const before = text.slice(0, offset).split("\n");
  const line = before.length;
  const column = [...before[line - 1]!].length + 1;
  // V8 quotes the text around the error: it is dropped (it may hold a secret), the token escaped.
  const what = message
    .replace(/, (\.\.\.)?".*$/s, "")
    .replace(/ in JSON at position \d+.*$/s, "")
    // eslint-disable-next-line no-control-regex -- a control character as the token is shown escaped
    .replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
  return errorAt({
    code: "config-syntax",
    message: `${what} (JSON)`,
    hint: "fix the JSON at this position (JSON allows no comments and no trailing commas)",
    at: { file, line, column },
  });
}

function jsonErrorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  let offset = firstFailingOffset(text);
  // A misspelt literal (tru, nul) fails after its letters: point at where the word starts.
  while (offset > 0 && /[A-Za-z]/.test(text[offset - 1]!)) offset--;
  return offset;
}

function firstFailingOffset(text: string): number {
  // "Unexpected token" without a position: the shortest prefix that already fails before its end.
  const failsInside = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const m = String((error as Error).message);
      const at = /at position (\d+)/.exec(m)?.[1];
      return !/Unexpected end of JSON input/.test(m) && (at === undefined || Number(at) < length);
    }
  };
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsInside(middle)) high = middle;
    else low = middle + 1;
  }
  return Math.max(0, low - 1);
}
