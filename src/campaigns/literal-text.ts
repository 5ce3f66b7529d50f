// Text a campaign sends or keeps exactly as written, where what is written looks like a mistake:
// a `${column}` placeholder outside a forEach template (a commented-out forEach line ships it to
// the callees as it stands), and a taskName holding a phone number (task names are kept in the
// state and shown unmasked in every plan; a forEach over a phone column makes that easy).
import { warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskPhoneNumber, maskSensitiveText } from "../privacy/index.js";
import { displayPath, pathToPointer } from "./field-path.js";
import type { NumberClassifier } from "./phone-numbers.js";
import type { FieldPath } from "./yaml-documents.js";

/** At most this many placeholders are reported per campaign: the first shows the mistake. */
const MAX_REPORTED = 3;

/** `${…}` in a string value of a campaign that no forEach generated. */
export function placeholdersOutsideTemplate(
  declared: unknown,
  locate: (path: FieldPath) => SourcePosition,
  generated: boolean,
): Diagnostic[] {
  if (generated) return [];
  const found: FieldPath[] = [];
  const path: (string | number)[] = [];
  const walk = (value: unknown): void => {
    if (found.length >= MAX_REPORTED) return;
    if (typeof value === "string") {
      if (value.includes("${")) found.push([...path]);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length && found.length < MAX_REPORTED; i++) {
        path.push(i);
        walk(value[i]);
        path.pop();
      }
    } else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        path.push(key);
        walk(child);
        path.pop();
      }
    }
  };
  walk(declared);
  return found.map((at) =>
    warningAt({
      code: "placeholder-outside-template",
      message: `${maskSensitiveText(displayPath(at))} holds a \${…} placeholder, but this campaign is no forEach template: it is sent as written`,
      hint: "fill it in, or make the document a template with forEach (write $${ for a literal ${)",
      at: locate(at),
      field: maskSensitiveText(pathToPointer(at)),
    }),
  );
}

/** Digit runs in a taskName that read as valid phone numbers. */
export function taskNameNumbers(taskName: unknown, classify: NumberClassifier, at: SourcePosition): Diagnostic[] {
  if (typeof taskName !== "string") return [];
  const runs = taskName.match(/\d{7,18}/g) ?? [];
  const number = runs.find((run) => classify(run).valid);
  if (number === undefined) return [];
  return [
    warningAt({
      code: "task-name-holds-number",
      message: `taskName holds what reads as a phone number (${maskPhoneNumber(number)}): task names are kept in the state and shown unmasked in every plan`,
      hint: "name campaigns by what they are (a region, a date, a batch), not by whom they call",
      at,
      field: "/taskName",
    }),
  ];
}
