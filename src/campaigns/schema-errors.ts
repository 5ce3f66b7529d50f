import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskPhoneNumber, maskSensitiveText } from "../privacy/index.js";
import type { SchemaError } from "../schema/validators.js";
import { displayPath, pathToPointer, pointerToPath, valueAt } from "./field-path.js";
import { closestName } from "./suggest.js";
import type { SourceDocument } from "./yaml-documents.js";

export type Locator = Pick<SourceDocument, "locate" | "locateKey">;

const PHONE_FIELDS = new Set(["calleeNumber", "displayNum"]);
const RECALL_COUNT_RULE = "recallNumMatchesNodeList";

/**
 * Turns ajv's errors into diagnostics a campaign author can act on: the field as written, its
 * position, what is wrong and what would be right. Phone numbers in messages are masked.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], value: unknown, locator: Locator): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const explained = explainedOneOfs(errors);
  for (const error of errors) {
    if (error.keyword === "if") continue; // the failing `then` branch is reported on its own
    if (
      explained.some(
        (o) =>
          error === o || (error.instancePath === o.instancePath && error.schemaPath.startsWith(`${o.schemaPath}/`)),
      )
    )
      continue;
    const described = describe(error, value, locator);
    const key = `${described.line}:${described.column}:${described.code}:${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(described);
  }
  return out;
}

/**
 * A oneOf (`callingHours: false | {…}`) whose value has errors inside it was meant as the branch
 * those errors come from: they are reported, the other branches' complaints ("must be false") not.
 */
function explainedOneOfs(errors: readonly SchemaError[]): SchemaError[] {
  return errors.filter(
    (o) => o.keyword === "oneOf" && errors.some((e) => e.instancePath.startsWith(`${o.instancePath}/`)),
  );
}

function describe(error: SchemaError, value: unknown, locator: Locator): Diagnostic {
  const path = pointerToPath(error.instancePath, value);
  // Keys are user input too (a YAML key may be a phone number): shown masked, located as written.
  const field = displayPath(shownPath(path));
  const name = lastName(path);
  const actual = valueAt(value, path);
  const at = locator.locate(path);
  const params = error.params as Record<string, unknown>;
  const pointer = pathToPointer(shownPath(path));
  const report = (code: string, message: string, hint?: string, where = at, fieldPointer = pointer): Diagnostic =>
    errorAt({ code, message, ...(hint !== undefined ? { hint } : {}), at: where, field: fieldPointer });

  switch (error.keyword) {
    case "additionalProperties": {
      const unknown = String(params["additionalProperty"]);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestName(unknown, known);
      const childPath = [...path, unknown];
      // recipientsFile.columns written the other way round (phone: calleeNumber): our field comes first.
      const reversed = field === "recipientsFile.columns" ? valueAt(value, childPath) : undefined;
      return report(
        "unknown-field",
        `unknown field ${maskSensitiveText(unknown)}${suggestion ? ` — did you mean ${suggestion}?` : ""}`,
        typeof reversed === "string" && known.includes(reversed)
          ? `the field comes first, then the file's column: ${reversed}: ${maskSensitiveText(unknown)}`
          : suggestion
            ? `rename it to ${suggestion}`
            : `allowed here: ${known.join(", ")}`,
        locator.locateKey(childPath),
        pathToPointer(shownPath(childPath)),
      );
    }
    case "required": {
      const missing = String(params["missingProperty"]);
      if (error.schemaPath === "#/then/required" && missing === "numberInfoList") {
        return report(
          "no-recipients",
          "campaign has no recipients",
          "add numberInfoList entries or a recipientsFile (CSV with a calleeNumber column)",
        );
      }
      if (missing === "recallIntent") {
        return report(
          "recall-intent-required",
          "recallType 3 (recall by intent) needs recallIntent",
          'add recallIntent with the intent codes that trigger a recall, e.g. recallIntent: ["99999"]',
          locator.locate([...path, "recallType"]),
        );
      }
      const where = path.length === 0 ? "campaign" : field;
      return report("missing-field", `${where} is missing required field ${missing}`, `add ${missing}`);
    }
    case "minItems":
    case "maxItems":
      return itemCount(error, path, value, report, locator);
    case "type": {
      const expected = String(params["type"]).replace(",", " or ");
      if (PHONE_FIELDS.has(name) || isDigitStringField(path)) {
        return report(
          "wrong-type",
          `${field} must be a string of digits in quotes, not ${kind(actual)}`,
          `quote it (${name}: "…") so leading zeros and long numbers are kept exactly`,
        );
      }
      return report(
        "wrong-type",
        `${field} must be ${article(expected)} ${expected}, not ${kind(actual)}`,
        typeHint(expected, actual),
      );
    }
    case "enum":
    case "const": {
      const allowed = (params["allowedValues"] as unknown[] | undefined) ?? [params["allowedValue"]];
      return report(
        "invalid-value",
        `${field} is ${maskSensitiveText(JSON.stringify(actual) ?? String(actual))} but must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
        enumHint(name),
      );
    }
    case "minimum":
    case "maximum": {
      const limit = Number(params["limit"]);
      const side = error.keyword === "minimum" ? "at least" : "at most";
      return report(
        "out-of-range",
        `${field} is ${maskSensitiveText(String(actual))} but must be ${side} ${limit}`,
        rangeHint(error),
      );
    }
    case "minLength":
    case "maxLength": {
      const length = typeof actual === "string" ? [...actual].length : 0;
      const limit = Number(params["limit"]);
      if (/^text\d+$/.test(name)) {
        return report(
          "text-too-long",
          `${field} is ${length} characters long; the platform keeps only ${limit} and would cut the rest`,
          `shorten ${name} to at most ${limit} characters`,
        );
      }
      const side = error.keyword === "minLength" ? "at least" : "at most";
      return report(
        "invalid-length",
        `${field} is ${length} character${length === 1 ? "" : "s"} long but must be ${side} ${limit}`,
        name === "taskName" ? "taskName must be 2–64 characters and unique on the account" : undefined,
      );
    }
    case "pattern":
      return patternError(name, field, actual, report);
    case "uniqueItems":
      return report(
        "duplicate-value",
        `${field} lists the same value twice (entries ${String(params["j"])} and ${String(params["i"])})`,
        "remove the repeated entry",
      );
    default:
      return report("schema-violation", `${field} ${error.message ?? "is invalid"}`);
  }
}

type Report = (code: string, message: string, hint?: string, where?: SourcePosition) => Diagnostic;

function itemCount(
  error: SchemaError,
  path: (string | number)[],
  value: unknown,
  report: Report,
  locator: Locator,
): Diagnostic {
  const name = lastName(path);
  const actual = valueAt(value, path);
  const count = Array.isArray(actual) ? actual.length : 0;
  const limit = Number((error.params as { limit: number }).limit);
  const recallNumPath = [...path.slice(0, -1), "recallNum"];
  if (name === "nodeList" && error.schemaPath.includes(RECALL_COUNT_RULE)) {
    const recallNum = valueAt(value, recallNumPath);
    return report(
      "recall-count-mismatch",
      `recallNum is ${String(recallNum)} but nodeList has ${count} ${count === 1 ? "entry" : "entries"}`,
      `give nodeList one entry per recall round (${String(recallNum)}), or set recallNum: ${count}`,
      locator.locate(recallNumPath),
    );
  }
  if (name === "recallIntent") {
    return report(
      "recall-intent-required",
      "recallIntent is empty but recallType 3 (recall by intent) needs at least one intent code",
      'add an intent code, e.g. recallIntent: ["99999"]',
    );
  }
  if (name === "numberInfoList" && error.keyword === "minItems") {
    return report(
      "no-recipients",
      "numberInfoList is empty and there is no recipientsFile",
      "add at least one callee or a recipientsFile",
    );
  }
  if (name === "numberInfoList") {
    return report(
      "too-many-recipients",
      `numberInfoList has ${count} entries; the platform takes at most ${limit} per task`,
      "split the recipients over several campaigns",
    );
  }
  const side = error.keyword === "minItems" ? "at least" : "at most";
  return report("invalid-length", `${displayPath(path)} has ${count} entries but must have ${side} ${limit}`);
}

function patternError(name: string, field: string, actual: unknown, report: Report): Diagnostic {
  const text = String(actual);
  const shownText = maskSensitiveText(text);
  if (name === "calleeNumber" || name === "displayNum") {
    const range = name === "calleeNumber" ? "6–18 digits (country code + number, no '+' or spaces)" : "0–20 digits";
    const shown = maskPhoneNumber(text);
    const hint = /^\d(\.\d+)?e\+?\d+$/i.test(text)
      ? "a spreadsheet turned the number into scientific notation; format the column as text and export again"
      : /[^\d]/.test(text)
        ? name === "calleeNumber"
          ? "remove '+', spaces, dashes and brackets: digits only (or set numberFormat: international, or national with country, to have numbers read as written)"
          : "remove '+', spaces, dashes and brackets: digits only"
        : `it has ${text.length} digits`;
    return report("invalid-phone-number", `${field} "${shown}" is not ${range}`, hint);
  }
  if (name === "sendTime") {
    return report(
      "invalid-send-time",
      `sendTime "${shownText}" is not a real date and time in the form YYYY-MM-DD HH:mm:ss`,
      'write it like "2026-12-01 09:30:00" (platform time zone), or leave it out to call on apply',
    );
  }
  if (name === "taskName") return taskNameError(text, report);
  if (name === "recipientsFile" || field === "recipientsFile.path") {
    return report("invalid-value", `${field} "${shownText}" must name a .csv file`);
  }
  if (name === "country")
    return report(
      "invalid-value",
      `${field} "${shownText}" is not an ISO 3166-1 alpha-2 country code`,
      "two capital letters, e.g. IN, GB, US",
    );
  if (name === "blackoutDates")
    return report(
      "invalid-value",
      `${field} "${shownText}" is not a real date in the form YYYY-MM-DD`,
      'write it like "2036-12-25": the callee\'s local date',
    );
  if (name === "start" || name === "end")
    return report(
      "invalid-value",
      `${field} "${shownText}" is not a time of day in the form HH:mm`,
      `write it like "09:00" (24-hour${name === "end" ? '; "24:00" = midnight' : ""})`,
    );
  return report("invalid-value", `${field} "${shownText}" has the wrong form`, digitHint(name));
}

// Characters a taskName must not hold: they hide or rewrite what a terminal or a review shows.
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u00ad\u200b-\u200f\u2060\ufeff\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** Says which rule a taskName breaks, naming a bad character by its code point (never printing it). */
function taskNameError(text: string, report: Report): Diagnostic {
  const bad = UNPRINTABLE.exec(text);
  if (bad) {
    const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    const what = /[\r\n\u2028\u2029\u0085]/.test(bad[0])
      ? "a line break"
      : /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(bad[0])
        ? "a bidirectional-text control"
        : /[\u00ad\u200b-\u200d\u2060\ufeff]/.test(bad[0])
          ? "an invisible (zero-width) character"
          : "a control character";
    return report(
      "invalid-task-name",
      `taskName holds ${what} (${code}) at character ${[...text.slice(0, bad.index)].length + 1}`,
      "taskName is shown in plans, reviews and terminals: use printable characters on one line",
    );
  }
  if (text.trim() === "")
    return report("invalid-task-name", "taskName is only whitespace", "give the campaign a name people can read");
  const end = /^\s/u.test(text) ? (/\s$/u.test(text) ? "starts and ends" : "starts") : "ends";
  return report(
    "invalid-task-name",
    `taskName ${end} with whitespace`,
    "remove the spaces at the start and end: two names that differ only there look the same",
  );
}

function shownPath(path: readonly (string | number)[]): (string | number)[] {
  return path.map((segment) => (typeof segment === "string" ? maskSensitiveText(segment) : segment));
}

function lastName(path: readonly (string | number)[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return String(path[i]);
  return "";
}

function isDigitStringField(path: readonly (string | number)[]): boolean {
  const parent = path.filter((s) => typeof s === "string");
  return parent.at(-1) === "recallIntent" || (parent.at(-2) === "nodeList" && parent.at(-1) === "agentId");
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "number") return Number.isInteger(value) ? "a number" : "a decimal number";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

function typeHint(expected: string, actual: unknown): string | undefined {
  if (expected.startsWith("integer") && typeof actual === "string" && /^\d+$/.test(actual)) return "remove the quotes";
  if (expected.startsWith("integer") && typeof actual === "number") return "use a whole number";
  return undefined;
}

function enumHint(name: string): string | undefined {
  if (name === "recallType") return "0 recall all, 1 recall failed, 3 recall by intent";
  if (name === "enableRecording") return "0 no recording, 1 record calls";
  return undefined;
}

function rangeHint(error: SchemaError): string | undefined {
  const schema = error.parentSchema as { minimum?: number; maximum?: number } | undefined;
  if (schema?.minimum !== undefined && schema.maximum !== undefined)
    return `allowed range: ${schema.minimum}–${schema.maximum}`;
  return undefined;
}

function digitHint(name: string): string | undefined {
  if (name === "agentId") return 'an agent id is digits in quotes, e.g. agentId: "110"';
  if (name === "recallIntent") return 'intent codes are digits in quotes, e.g. "99999"';
  return undefined;
}
