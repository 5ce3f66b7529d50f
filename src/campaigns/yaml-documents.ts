import { LineCounter, parseAllDocuments, isMap, isPair, isScalar, visit } from "yaml";
import type { Document, Node, Pair } from "yaml";
import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";

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
}

// JavaScript numbers hold integers exactly up to 2^53 (16 digits, not all of them): anything
// longer than 15 digits could silently change, so it is refused rather than rounded.
const MAX_EXACT_INTEGER_DIGITS = 15;

/** Parses every document of a YAML file, keeping positions; syntax errors become diagnostics. */
export function parseYamlFile(file: string, text: string): ParsedYamlFile {
  const lineCounter = new LineCounter();
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // A stream holding only directives comes back as a marker rather than a list: no documents.
  const docs = Array.isArray(parsed) ? parsed : [];
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  const brokenDocuments: SourcePosition[] = [];

  docs.forEach((doc, index) => {
    for (const problem of [...doc.errors, ...doc.warnings]) {
      const report = problem.name === "YAMLWarning" ? warningAt : errorAt;
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
    diagnostics.push(...inexactNumbers(doc, position));
    documents.push(sourceDocument(file, index, doc, position));
  });
  return { documents, brokenDocuments, diagnostics };
}

function sourceDocument(
  file: string,
  index: number,
  doc: Document.Parsed,
  position: (offset: number) => SourcePosition,
): SourceDocument {
  const startOf = (node: Node | null | undefined): SourcePosition | undefined =>
    node?.range ? position(node.range[0]) : undefined;
  const start = startOf(doc.contents) ?? position(doc.range[0]);
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
    value: doc.toJS({ maxAliasCount: 1000 }),
    start,
    locate: (path) => startOf(nearest(path).node) ?? start,
    locateKey: (path) => {
      const parent = path.length > 0 ? nearest(path.slice(0, -1)) : undefined;
      const last = path[path.length - 1];
      if (parent?.node && parent.depth === path.length - 1 && isMap(parent.node)) {
        const pair = parent.node.items.find((p: Pair) => isScalar(p.key) && p.key.value === last);
        const keyStart = pair && isScalar(pair.key) ? startOf(pair.key) : undefined;
        if (keyStart) return keyStart;
      }
      return startOf(nearest(path).node) ?? start;
    },
    has: (path) => doc.hasIn(path),
  };
}

function inexactNumbers(doc: Document.Parsed, position: (offset: number) => SourcePosition): Diagnostic[] {
  const found: Diagnostic[] = [];
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (typeof node.value !== "number" || node.source === undefined || !node.range) return;
      const digits = node.source.replace(/^[-+]/, "").replace(/_/g, "");
      if (!/^\d+$/.test(digits) || digits.length <= MAX_EXACT_INTEGER_DIGITS) return;
      const parent = ancestors[ancestors.length - 1];
      if (isPair(parent) && parent.key === node) return; // keys are field names, not values
      const name = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      found.push(
        errorAt({
          code: "inexact-number",
          message: `${name ?? "value"} is an unquoted number of ${digits.length} digits, which cannot be read exactly`,
          hint: `write it in quotes (e.g. ${name ?? "field"}: "…") so every digit is kept`,
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
