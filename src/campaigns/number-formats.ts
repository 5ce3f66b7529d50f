// numberFormat and country: how a campaign's numbers are written. Set on the campaign, they apply
// to its inline numbers and its recipientsFile; set in the recipientsFile object, to that file
// (winning over the campaign's). Read before the schema check: it checks the digits they become.
import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { pathToPointer } from "./field-path.js";
import { isPlainMap } from "./layers.js";
import { maskPhoneNumber } from "../privacy/index.js";
import { createNumberReader, knownCountry, type NumberReader, type UnreadableNumber } from "./number-reader.js";
import type { NumberClassifier } from "./phone-numbers.js";
import type { FieldPath } from "./yaml-documents.js";

export interface NumberReading {
  /** The campaign with its inline numbers rewritten to digits (the value itself when nothing changed). */
  campaign: unknown;
  /** How the recipientsFile's numbers are read; undefined = as digits, untouched. */
  file: NumberReader | undefined;
  /** false when numberFormat or country are wrong: the recipientsFile is then not read (its rows would all fail). */
  readFile: boolean;
  /** Inline numbers whose text was rewritten. */
  rewritten: number;
  diagnostics: Diagnostic[];
}

const FORMATS = new Set(["digits", "international", "national"]);
const COUNTRY = /^[A-Z]{2}$/;

interface Written {
  format?: string;
  country?: string;
  /** A value is there but not one of the allowed (the schema says what is wrong). */
  broken: boolean;
}

export function readNumberFormats(
  campaign: unknown,
  classify: NumberClassifier,
  locate: (path: FieldPath) => SourcePosition,
): NumberReading {
  const diagnostics: Diagnostic[] = [];
  const top = writtenAt(campaign);
  const recipientsFile = isPlainMap(campaign) ? campaign["recipientsFile"] : undefined;
  const own = isPlainMap(recipientsFile) ? writtenAt(recipientsFile) : { broken: false };
  const inlineFormat = top.format ?? "digits";
  const fileFormat = own.format ?? inlineFormat;
  const fileCountry = own.country ?? top.country;
  const inline = isPlainMap(campaign) && Array.isArray(campaign["numberInfoList"]) ? campaign["numberInfoList"] : [];
  let ok = !top.broken && !own.broken;

  for (const [written, path] of [
    [top.country, ["country"]],
    [own.country, ["recipientsFile", "country"]],
  ] as const) {
    if (written === undefined || knownCountry(written)) continue;
    ok = false;
    diagnostics.push(
      errorAt({
        code: "unknown-country",
        message: `country ${written} is not an ISO 3166 country the phone-number metadata knows`,
        hint: "write the two-letter ISO 3166-1 code of the callees' country, e.g. IN, GB, US",
        at: locate(path),
        field: pathToPointer(path),
      }),
    );
  }
  const needsCountry = (path: FieldPath): void => {
    ok = false;
    diagnostics.push(
      errorAt({
        code: "country-required",
        message: "numberFormat: national needs country: the country whose national numbers these are",
        hint: "add country: IN (ISO 3166-1 alpha-2) beside numberFormat",
        at: locate(path),
        field: pathToPointer(path),
      }),
    );
  };
  // A country written wrong is the schema's to report, not one missing.
  if (own.format === "national" && fileCountry === undefined && !own.broken && !top.broken)
    needsCountry(["recipientsFile", "numberFormat"]);
  if (
    top.format === "national" &&
    top.country === undefined &&
    !top.broken &&
    (inline.length > 0 || (recipientsFile !== undefined && own.format === undefined && own.country === undefined))
  )
    needsCountry(["numberFormat"]);
  // A country nothing reads is a mistake worth a word (say, numberFormat forgotten), not a failure.
  const unused = (path: FieldPath): Diagnostic =>
    warningAt({
      code: "country-unused",
      message: "country is read only with numberFormat: national or international; here it changes nothing",
      hint: "set numberFormat: national (or international, which then refuses a bare national number), or remove country",
      at: locate(path),
      field: pathToPointer(path),
    });
  const readsCountry = (format: string): boolean => format === "national" || format === "international";
  if (own.country !== undefined && !readsCountry(fileFormat)) diagnostics.push(unused(["recipientsFile", "country"]));
  if (
    top.country !== undefined &&
    !readsCountry(inlineFormat) &&
    !(readsCountry(fileFormat) && own.country === undefined)
  )
    diagnostics.push(unused(["country"]));

  const reader = (format: string, country: string | undefined): NumberReader | undefined =>
    !ok
      ? undefined
      : format === "international"
        ? createNumberReader(classify, format, country)
        : format === "national" && country !== undefined
          ? createNumberReader(classify, format, country)
          : undefined;
  const inlineReader = inline.length > 0 ? reader(inlineFormat, top.country) : undefined;
  const { value, rewritten } = inlineReader
    ? rewriteInline(campaign as Record<string, unknown>, inline, inlineReader, locate, diagnostics)
    : { value: campaign, rewritten: 0 };
  return { campaign: value, file: reader(fileFormat, fileCountry), readFile: ok, rewritten, diagnostics };
}

/** The error for a number that cannot be read, showing the number masked (never as written). */
export function unreadableNumber(
  written: string,
  why: UnreadableNumber,
  at: SourcePosition,
  field: string,
): Diagnostic {
  // A cell of a thousand characters is not shown even masked: its length says enough.
  const shown = written.length <= 40 ? `"${maskPhoneNumber(written)}"` : `(${written.length} characters)`;
  return errorAt({
    code: "unreadable-number",
    message: `calleeNumber ${shown} ${why.problem}`,
    hint: why.hint,
    at,
    field,
  });
}

function rewriteInline(
  campaign: Record<string, unknown>,
  inline: readonly unknown[],
  read: NumberReader,
  locate: (path: FieldPath) => SourcePosition,
  diagnostics: Diagnostic[],
): { value: unknown; rewritten: number } {
  let rewritten = 0;
  const entries = inline.map((entry, index) => {
    const written = isPlainMap(entry) ? entry["calleeNumber"] : undefined;
    // Anything but a string is the schema's to report (an unquoted number, a list).
    if (typeof written !== "string") return entry;
    const digits = read(written);
    if (typeof digits !== "string") {
      const path = ["numberInfoList", index, "calleeNumber"];
      diagnostics.push(unreadableNumber(written, digits, locate(path), pathToPointer(path)));
      return entry;
    }
    if (digits === written) return entry;
    rewritten++;
    return { ...(entry as Record<string, unknown>), calleeNumber: digits };
  });
  return { value: rewritten > 0 ? { ...campaign, numberInfoList: entries } : campaign, rewritten };
}

function writtenAt(value: unknown): Written {
  if (!isPlainMap(value)) return { broken: false };
  const format = value["numberFormat"];
  const country = value["country"];
  const formatOk = format === undefined || (typeof format === "string" && FORMATS.has(format));
  const countryOk = country === undefined || (typeof country === "string" && COUNTRY.test(country));
  return {
    ...(formatOk && typeof format === "string" ? { format } : {}),
    ...(countryOk && typeof country === "string" ? { country } : {}),
    broken: !formatOk || !countryOk,
  };
}
