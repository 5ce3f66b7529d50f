import { LineCounter, parseAllDocuments, isAlias, isMap, isPair, isScalar, visit } from "yaml";
import type { Document, Node, Pair } from "yaml";
import { firstLineOf } from "../errors/index.js";
import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";

export type FieldPath = readonly (string | number)[];

/** One YAML document of a file, converted to plain data, with a way back to source positions. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  value: unknown;
  /** Where the document's content starts. */
  start: SourcePosition;
  /** Position of the value at `path`, or of the nearest ancestor that exists. */
  locate(path: FieldPath): SourcePosition;
  /** Position of the key of the last segment of `path` (for unknown fields), else `locate(path)`. */
  locateKey(path: FieldPath): SourcePosition;
  /** Whether the document itself (not defaults) holds a value at `path`. */
  has(path: FieldPath): boolean;
}

export interface ParsedYamlFile {
  documents: SourceDocument[];
  /** Where each document that could not be parsed starts: it counts as an invalid campaign. */
  brokenDocuments: SourcePosition[];
  diagnostics: Diagnostic[];
  /** Where a key repeats in its map (also among the diagnostics): a JSON reader of the same text keeps the last one silently. */
  duplicateKeys: SourcePosition[];
}

// JavaScript numbers hold integers exactly up to 2^53 (16 digits, not all of them): anything
// longer than 15 digits could silently change, so it is refused rather than rounded.
const MAX_EXACT_INTEGER_DIGITS = 15;
// A number as people write one: no leading zeros, no base prefix, no exponent, no ".0" on a whole number.
const PLAIN_DECIMAL = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]*[1-9][0-9]*)?$/;

/** Parses every document of a YAML file, keeping positions; syntax errors become diagnostics. */
export function parseYamlFile(file: string, text: string, kind = "campaign file"): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  // The core schema only, nothing resolved from an explicit tag (refused below) and `<<` an ordinary
  // key (refused below): what a file says is what the campaign holds.
  // logLevel error: the package would otherwise print its own warnings (quoting the source, numbers
  // included) on stderr through process.emitWarning; what matters becomes a diagnostic here.
  const parsed = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    schema: "core",
    customTags: [],
    resolveKnownTags: false,
    merge: false,
    logLevel: "error",
  });
  // A stream holding only directives comes back as a marker rather than a list: no documents.
  const docs = Array.isArray(parsed) ? parsed : [];
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const brokenDocuments: SourcePosition[] = [];
  const duplicateKeys: SourcePosition[] = [];

  docs.forEach((doc, index) => {
    // An unknown tag is a warning to the yaml package; here it is an error, reported once below.
    for (const problem of [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")]) {
      const report = problem.name === "YAMLWarning" ? warningAt : errorAt;
      if (problem.code === "DUPLICATE_KEY") duplicateKeys.push(position(problem.pos[0]));
      diagnostics.push(
        report({
          code: "yaml-syntax",
          message: cleanYamlMessage(problem.message),
          hint: yamlHint(problem.code),
          at: position(problem.pos[0]),
        }),
      );
    }
    if (doc.errors.length > 0) {
      brokenDocuments.push(position(doc.range[0]));
      return;
    }
    if (isEmptyDocument(doc)) return; // e.g. after a trailing `---`: no campaign, nothing to check
    const refused = refusedNodes(doc, text, position, kind);
    const value = refused.length === 0 ? plainValue(doc, position) : undefined;
    if (refused.length > 0 || !value?.ok) {
      diagnostics.push(...refused, ...(value && !value.ok ? [value.problem] : []));
      brokenDocuments.push(startOfDocument(doc, position));
      return;
    }
    diagnostics.push(...inexactNumbers(doc, position));
    documents.push(sourceDocument(file, index, doc, value.value, position));
  });
  return { documents, brokenDocuments, diagnostics, duplicateKeys };
}

function sourceDocument(
  file: string,
  index: number,
  doc: Document.Parsed,
  value: unknown,
  position: (offset: number) => SourcePosition,
): SourceDocument {
  const startOf = (node: Node | null | undefined): SourcePosition | undefined =>
    node?.range ? position(node.range[0]) : undefined;
  const start = startOfDocument(doc, position);
  const nearest = (path: FieldPath): { node: Node | undefined; depth: number } => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (node && typeof node === "object" && "range" in node) return { node: node as Node, depth };
    }
    return { node: undefined, depth: 0 };
  };
  return {
    file,
    index,
    value,
    start,
    locate: (path) => startOf(nearest(path).node) ?? start,
    locateKey: (path) => {
      const parent = path.length > 0 ? nearest(path.slice(0, -1)) : undefined;
      const last = path[path.length - 1];
      if (parent?.node && parent.depth === path.length - 1 && isMap(parent.node)) {
        // A key written as a number (or true, null) is a string once in plain data: compare as such.
        const pair = parent.node.items.find((p: Pair) => isScalar(p.key) && String(p.key.value) === String(last));
        const keyStart = pair && isScalar(pair.key) ? startOf(pair.key) : undefined;
        if (keyStart) return keyStart;
      }
      return startOf(nearest(path).node) ?? start;
    },
    has: (path) => doc.hasIn(path),
  };
}

function startOfDocument(doc: Document.Parsed, position: (offset: number) => SourcePosition): SourcePosition {
  const contents = doc.contents as Node | null;
  return contents?.range ? position(contents.range[0]) : position(doc.range[0]);
}

/** Aliases may repeat a node at most this often: a "billion laughs" file stays a few bytes of data. */
export const MAX_ALIAS_COUNT = 100;

/** The document as plain data; an alias bomb or an unresolved alias is an error at the first alias. */
function plainValue(
  doc: Document.Parsed,
  position: (offset: number) => SourcePosition,
): { ok: true; value: unknown } | { ok: false; problem: Diagnostic } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    let at: SourcePosition | undefined;
    visit(doc, {
      Alias(_key, node) {
        at = node.range ? position(node.range[0]) : undefined;
        return visit.BREAK;
      },
    });
    const excessive = /excessive alias count/i.test(String((error as Error).message));
    return {
      ok: false,
      problem: errorAt({
        code: "yaml-alias",
        message: excessive
          ? `YAML aliases (*name) here expand to more than ${MAX_ALIAS_COUNT} copies of their anchors`
          : `YAML alias cannot be resolved: ${maskSensitiveText(firstLineOf(error))}`,
        hint: excessive
          ? "write the values out; a campaign file needs few or no aliases"
          : "define the anchor (&name) before the alias that uses it",
        at: at ?? startOfDocument(doc, position),
      }),
    };
  }
}

// `!!str` only asks for what quoting gives; every other tag would make the loaded value differ
// from what the file seems to say (a number, a date, bytes, code, an application's object).
const ALLOWED_TAG = "tag:yaml.org,2002:str";
const CORE_PREFIX = "tag:yaml.org,2002:";

/** Explicit tags other than !!str and merge keys (`<<`), each an error at its position. */
function refusedNodes(
  doc: Document.Parsed,
  text: string,
  position: (offset: number) => SourcePosition,
  kind: string,
): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node) || !node.tag || node.tag === ALLOWED_TAG || !node.range) return;
      const written = writtenTag(text, node.range[0]);
      const tag =
        written?.tag ??
        (node.tag.startsWith(CORE_PREFIX)
          ? `!!${node.tag.slice(CORE_PREFIX.length)}`
          : node.tag.startsWith("!")
            ? node.tag
            : `!<${node.tag}>`);
      found.push(
        errorAt({
          code: "yaml-tag",
          message: `YAML tag ${maskSensitiveText(tag)} is not accepted in a ${kind}`,
          hint: "remove the tag and write the value itself (in quotes for text); only !!str is accepted",
          at: position(written?.offset ?? node.range[0]),
        }),
      );
    },
    Pair(_key, pair) {
      const keyNode = pair.key as Node | null;
      if (keyNode && !isScalar(keyNode) && keyNode.range) {
        // `? [a, b]` or `? {a: b}`: a field name is text; a list or map would be stringified silently.
        found.push(
          errorAt({
            code: "yaml-complex-key",
            message: `a list or mapping used as a key is not accepted in a ${kind}`,
            hint: "field names are plain text: write the key as a word",
            at: position(keyNode.range[0]),
          }),
        );
        return;
      }
      if (!isScalar(pair.key) || pair.key.value !== "<<" || !pair.key.range) return;
      found.push(
        errorAt({
          code: "yaml-merge-key",
          message: `YAML merge keys (<<) are not supported in a ${kind}`,
          hint: kind.startsWith("campaign")
            ? "put shared fields into a base and write extends: _base.yaml (or the config's defaults, which apply to every campaign)"
            : "write the values out",
          at: position(pair.key.range[0]),
        }),
      );
    },
  });
  return found;
}

/** The tag as written before a node (`!!js/function`, `!foo`, `!<…>`), skipping an anchor. */
function writtenTag(text: string, nodeStart: number): { tag: string; offset: number } | undefined {
  let end = nodeStart;
  for (let token = 0; token < 2; token++) {
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    let start = end;
    while (start > 0 && !/[\s[{]/.test(text[start - 1]!)) start--;
    const word = text.slice(start, end);
    if (word.startsWith("!")) return { tag: word, offset: start };
    if (!word.startsWith("&")) return undefined;
    end = start;
  }
  return undefined;
}

function inexactNumbers(doc: Document.Parsed, position: (offset: number) => SourcePosition): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== "number" || node.source === undefined || !node.range) return;
      const parent = ancestors[ancestors.length - 1];
      if (isPair(parent) && parent.key === node) return; // keys are field names, not values
      const name = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      const shown = name === undefined ? "value" : maskSensitiveText(name);
      // 0x6E, 0o156, 1.1e2, 110.0, 0110, .inf all read as numbers other than what is written:
      // only plain decimals are taken, so what the file says is what is sent.
      if (!PLAIN_DECIMAL.test(node.source)) {
        found.push(
          errorAt({
            code: "inexact-number",
            message: `${shown} is written as ${maskSensitiveText(node.source)}, which YAML reads as the number ${maskSensitiveText(String(node.value))}`,
            hint: "write whole numbers as plain decimal digits (110), or put the value in quotes if it is text",
            at: position(node.range[0]),
          }),
        );
        return;
      }
      const digits = node.source.replace(/^[-+]/, "");
      if (!/^\d+$/.test(digits) || digits.length <= MAX_EXACT_INTEGER_DIGITS) return;
      found.push(
        errorAt({
          code: "inexact-number",
          message: `${shown} is an unquoted number of ${digits.length} digits, which cannot be read exactly`,
          hint: `write it in quotes (e.g. ${name === undefined ? "field" : shown}: "…") so every digit is kept`,
          at: position(node.range[0]),
        }),
      );
    },
  });
  return found;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null && !contents.source);
}

function cleanYamlMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim();
}

function yamlHint(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each field may appear once per campaign; remove one of them";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation and closing brackets on this line and the one before";
    case "TAB_AS_INDENT":
      return "YAML indents with spaces, not tabs";
    default:
      return "fix the YAML syntax at this position";
  }
}
