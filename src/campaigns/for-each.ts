// `forEach`: one campaign per row, `${column}` in the template's string values replaced by the
// row's value. The template is examined once (where its placeholders are); each row then copies
// only the maps and lists on the way to a placeholder, so a long inline list is never copied.
import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import { campaignSchema } from "../schema/generated/index.js";
import type { FieldPath } from "./yaml-documents.js";
import { displayPath, pathToPointer } from "./field-path.js";
import { readForEachRows, type ForEachRow } from "./for-each-rows.js";
import { isPlainMap, withoutKeys, type CampaignSource } from "./layers.js";
import type { CampaignFileReader } from "./load.js";
import { columnsOf, fill, filledLength, parseTemplate, type Segment } from "./placeholders.js";
import { closestName } from "./suggest.js";

/** Values with placeholders in one template: each row fills every one of them. */
export const MAX_PLACEHOLDER_SITES = 1_000;
/** A filled value longer than this is no campaign field (a description is at most 500). */
export const MAX_FILLED_LENGTH = 10_000;
/** Values copied to fill all rows (each row copies the maps and lists above its placeholders). */
export const MAX_COPIED_VALUES = 2_000_000;

interface Site {
  path: FieldPath;
  segments: Segment[];
  /** The field's type in the schema when a lone placeholder fills a number or boolean field. */
  convert?: "integer" | "boolean";
}

export interface Expanded {
  /** One per row; empty when the template or its rows have errors. */
  campaigns: CampaignSource[];
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The rows file read, if any. */
  file?: string;
}

export function hasForEach(source: CampaignSource): boolean {
  return isPlainMap(source.value) && Object.hasOwn(source.value, "forEach");
}

/** The campaigns a template with `forEach` generates, each with its row as its origin. */
export async function expandForEach(source: CampaignSource, reader: CampaignFileReader): Promise<Expanded> {
  const read = await readForEachRows(source, reader);
  const template = withoutKeys(source.value as Record<string, unknown>, ["forEach"]);
  const found = findSites(template, source);
  const diagnostics = [...read.diagnostics, ...found.diagnostics];
  if (read.ok && found.diagnostics.length === 0) diagnostics.push(...missingColumns(found.sites, read.rows, source));
  if (read.ok && read.rows.length * copiedPerRow(template, found.sites) > MAX_COPIED_VALUES)
    diagnostics.push(
      errorAt({
        code: "template-too-large",
        message: `filling ${read.rows.length} rows would copy the template's lists that hold placeholders once per row, more than ${MAX_COPIED_VALUES} values in all`,
        hint: "keep placeholders out of long inline lists: give each row its recipients with recipientsFile: ${column}.csv",
        at: source.locate(["forEach"]),
        field: "/forEach",
      }),
    );
  const file = read.file !== undefined ? { file: read.file } : {};
  if (!read.ok || diagnostics.some((d) => d.severity === "error"))
    return { campaigns: [], ok: false, diagnostics, ...file };
  const campaigns: CampaignSource[] = [];
  for (const row of read.rows) {
    const filled = fillRow(template, found.sites, row, source);
    // The first row a value does not fit says enough: the template is fixed once for all rows.
    if ("problem" in filled)
      return { campaigns: [], ok: false, diagnostics: [...diagnostics, filled.problem], ...file };
    campaigns.push(filled.source);
  }
  return { campaigns, ok: true, diagnostics, ...file };
}

/** Every string value holding a placeholder (or an escape); taskName must hold one. */
function findSites(
  template: Record<string, unknown>,
  source: CampaignSource,
): { sites: Site[]; diagnostics: Diagnostic[] } {
  const sites: Site[] = [];
  const diagnostics: Diagnostic[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === "string") {
      const parsed = parseTemplate(value);
      if (parsed === undefined) return;
      if (!parsed.ok) {
        diagnostics.push(
          errorAt({
            code: "invalid-placeholder",
            message: `${fieldName(path)} ${parsed.problem}`,
            hint: parsed.hint,
            at: source.locate(path),
            field: pathToPointer(path),
          }),
        );
        return;
      }
      const only = parsed.segments.length === 1 ? parsed.segments[0] : undefined;
      const type = typeof only === "object" ? scalarTypeAt(path) : undefined;
      sites.push({ path: [...path], segments: parsed.segments, ...(type ? { convert: type } : {}) });
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isPlainMap(value)) for (const key of Object.keys(value)) visit(value[key], [...path, key]);
  };
  visit(template, []);
  if (sites.length > MAX_PLACEHOLDER_SITES)
    diagnostics.push(
      errorAt({
        code: "too-many-placeholders",
        message: `the template has ${sites.length} values with placeholders; at most ${MAX_PLACEHOLDER_SITES}`,
        hint: "per-row values belong in the rows; recipients per row belong in a recipientsFile: ${column}.csv",
        at: source.locate(["forEach"]),
      }),
    );
  const name = sites.find((s) => s.path.length === 1 && s.path[0] === "taskName");
  if (!name || columnsOf(name.segments).length === 0)
    diagnostics.push(
      errorAt({
        code: "task-name-without-placeholder",
        message:
          "taskName of a forEach campaign must hold a placeholder, so that every generated campaign has its own name",
        hint: "write e.g. taskName: dues-${region} with a column of the rows",
        at: source.locate(["taskName"]),
        field: "/taskName",
      }),
    );
  return { sites, diagnostics };
}

/** How many entries of maps and lists one row copies: those on the way to each placeholder, once each. */
function copiedPerRow(template: Record<string, unknown>, sites: readonly Site[]): number {
  const seen = new Set<object>();
  let count = 0;
  for (const site of sites) {
    let node: unknown = template;
    for (const segment of site.path.slice(0, -1).concat([""])) {
      if (node === null || typeof node !== "object") break;
      if (!seen.has(node)) count += Array.isArray(node) ? node.length : Object.keys(node).length;
      seen.add(node);
      node = (node as Record<string | number, unknown>)[segment];
    }
  }
  return count;
}

/** A placeholder naming no column of a row: one error per placeholder, at the template's line, naming the first such row. */
function missingColumns(sites: readonly Site[], rows: readonly ForEachRow[], source: CampaignSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const site of sites) {
    for (const column of new Set(columnsOf(site.segments))) {
      const missing = rows.filter((row) => !row.values.has(column));
      const first = missing[0];
      if (!first) continue;
      const known = [...first.values.keys()];
      const suggestion = closestName(column, known);
      const more = missing.length > 1 ? ` (and ${missing.length - 1} more row${missing.length === 2 ? "" : "s"})` : "";
      out.push(
        errorAt({
          code: "unknown-placeholder",
          message: `${fieldName(site.path)} names \${${maskSensitiveText(column)}}, but the forEach row ${where(first.at)}${more} has no such column${suggestion ? ` — did you mean ${maskSensitiveText(suggestion)}?` : ""}`,
          hint: suggestion
            ? `write \${${maskSensitiveText(suggestion)}}`
            : `the row's columns: ${known.map((k) => maskSensitiveText(k)).join(", ") || "none"}; write $\${ for a literal \${`,
          at: source.locate(site.path),
          field: pathToPointer(site.path),
          related: [{ ...first.at, message: "the row" }],
        }),
      );
    }
  }
  return out;
}

/** The template filled with one row's values. */
function fillRow(
  template: Record<string, unknown>,
  sites: readonly Site[],
  row: ForEachRow,
  source: CampaignSource,
): { source: CampaignSource } | { problem: Diagnostic } {
  const valueOf = (column: string): string => row.values.get(column) ?? "";
  const clones = new Map<object, Record<string | number, unknown>>();
  const cloneOf = (node: object): Record<string | number, unknown> => {
    let copy = clones.get(node);
    if (!copy)
      clones.set(
        node,
        (copy = (Array.isArray(node) ? [...node] : withoutKeys(node as Record<string, unknown>, [])) as never),
      );
    return copy;
  };
  const root = cloneOf(template);
  for (const site of sites) {
    if (filledLength(site.segments, valueOf) > MAX_FILLED_LENGTH)
      return {
        problem: errorAt({
          code: "filled-value-too-long",
          message: `${fieldName(site.path)} is longer than ${MAX_FILLED_LENGTH} characters once the row ${where(row.at)} fills it`,
          hint: "shorten the row's values or the template's text",
          at: source.locate(site.path),
          field: pathToPointer(site.path),
        }),
      };
    let original: unknown = template;
    let copy = root;
    for (const segment of site.path.slice(0, -1)) {
      original = (original as Record<string | number, unknown>)[segment];
      const child = cloneOf(original as object);
      set(copy, segment, child);
      copy = child;
    }
    set(copy, site.path[site.path.length - 1]!, converted(fill(site.segments, valueOf), site.convert));
  }
  return {
    source: {
      ...source,
      value: root,
      origin: { row: row.at },
    },
  };
}

function set(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  // defineProperty: a key named __proto__ stays an ordinary key.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A lone placeholder in a number or boolean field gives a number or boolean when the text is one exactly. */
function converted(text: string, convert: Site["convert"]): unknown {
  if (convert === "integer" && /^-?(0|[1-9][0-9]{0,14})$/.test(text)) return Number(text);
  if (convert === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** The schema's type at a campaign path, when it is integer or boolean. */
function scalarTypeAt(path: FieldPath): Site["convert"] {
  let node: Record<string, unknown> | undefined = campaignSchema;
  const definitions = campaignSchema["definitions"] as Record<string, Record<string, unknown>>;
  const resolved = (at: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    const ref = at?.["$ref"];
    return typeof ref === "string" ? definitions[ref.replace("#/definitions/", "")] : at;
  };
  for (const segment of path) {
    node = resolved(node);
    node =
      typeof segment === "number"
        ? (node?.["items"] as Record<string, unknown> | undefined)
        : (node?.["properties"] as Record<string, Record<string, unknown>> | undefined)?.[segment];
  }
  const type = resolved(node)?.["type"];
  return type === "integer" || type === "boolean" ? type : undefined;
}

function fieldName(path: FieldPath): string {
  return displayPath(path.map((s) => (typeof s === "string" ? maskSensitiveText(s) : s)));
}

function where(at: SourcePosition): string {
  return `${at.file}:${at.line}`;
}
