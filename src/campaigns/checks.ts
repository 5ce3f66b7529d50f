import { errorAt, warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import { maskPhoneNumber, maskSensitiveText } from "../privacy/index.js";
import type { NumberInfo } from "../schema/generated/index.js";
import { isValidTimeZone, wallTimeToEpochMs } from "./platform-time.js";

/** The platform's cap on numbers per task. */
export const MAX_RECIPIENTS_PER_TASK = 200_000;
const MAX_DUPLICATE_WARNINGS = 20;

export interface NamedCampaign {
  taskName: string;
  at: SourcePosition;
}

/** The same taskName in two places: the platform would refuse the second, so both places are named. */
export function duplicateTaskNames(campaigns: readonly NamedCampaign[]): Diagnostic[] {
  const first = new Map<string, SourcePosition>();
  const out: Diagnostic[] = [];
  for (const campaign of campaigns) {
    const earlier = first.get(campaign.taskName);
    if (!earlier) {
      first.set(campaign.taskName, campaign.at);
      continue;
    }
    out.push(
      errorAt({
        code: "duplicate-task-name",
        message: `taskName "${campaign.taskName}" is also declared at ${earlier.file}:${earlier.line}:${earlier.column}`,
        hint: "taskName is the campaign's identity and must be unique; rename one of them",
        at: campaign.at,
        field: "/taskName",
        related: [{ ...earlier, message: "first declared here" }],
      }),
    );
  }
  return out;
}

/** A number listed twice is called twice: worth a warning, naming where it repeats (masked). */
export function duplicateCallees(
  recipients: readonly NumberInfo[],
  positionOf: (index: number) => SourcePosition,
  leftOut?: (calleeNumber: string) => boolean,
): Diagnostic[] {
  const firstIndex = new Map<string, number>();
  const out: Diagnostic[] = [];
  let more = 0;
  recipients.forEach((recipient, index) => {
    // A number left out (suppressed: skip) is not called at all, let alone twice.
    if (leftOut?.(recipient.calleeNumber)) return;
    const earlier = firstIndex.get(recipient.calleeNumber);
    if (earlier === undefined) {
      firstIndex.set(recipient.calleeNumber, index);
      return;
    }
    if (out.length >= MAX_DUPLICATE_WARNINGS) {
      more++;
      return;
    }
    const first = positionOf(earlier);
    out.push(
      warningAt({
        code: "duplicate-callee",
        message: `calleeNumber ${maskPhoneNumber(recipient.calleeNumber)} is listed again (first at ${first.file}:${first.line}); it would be called twice`,
        hint: "remove the repeated entry unless calling twice is intended",
        at: positionOf(index),
        related: [{ ...first, message: "first listed here" }],
      }),
    );
  });
  if (more > 0 && out[0]) {
    out.push(
      warningAt({
        code: "duplicate-callee",
        message: `${more} more repeated callee numbers in this campaign are not listed`,
        at: { file: out[0].file, line: out[0].line, column: out[0].column },
      }),
    );
  }
  return out;
}

export function sendTimePassed(
  sendTime: string | null | undefined,
  now: number,
  timeZone: string,
  at: SourcePosition,
): Diagnostic[] {
  if (!sendTime) return [];
  if (wallTimeToEpochMs(sendTime, timeZone) > now) return [];
  return [
    warningAt({
      code: "send-time-passed",
      message: `sendTime ${sendTime} (${timeZone}) is in the past; the platform would start calling as soon as the task is submitted`,
      hint: "move sendTime into the future, or remove it to call on apply",
      at,
      field: "/sendTime",
    }),
  ];
}

export function tooManyRecipients(count: number, at: SourcePosition): Diagnostic[] {
  if (count <= MAX_RECIPIENTS_PER_TASK) return [];
  return [
    errorAt({
      code: "too-many-recipients",
      message: `campaign has ${count} recipients; the platform takes at most ${MAX_RECIPIENTS_PER_TASK} per task`,
      hint: "split the recipients over several campaigns",
      at,
    }),
  ];
}

/** The campaign's `timezone` must be an IANA zone this machine knows. */
export function unknownTimeZone(timeZone: string | undefined, at: SourcePosition): Diagnostic[] {
  if (timeZone === undefined || isValidTimeZone(timeZone)) return [];
  return [
    errorAt({
      code: "unknown-time-zone",
      message: `timezone "${maskSensitiveText(timeZone)}" is not an IANA time zone`,
      hint: "use a name like Asia/Kolkata or America/Chicago",
      at,
      field: "/timezone",
    }),
  ];
}

/** Nothing to validate or plan: said with where it was looked for, so a wrong directory is noticed. */
export function noCampaigns(searched: readonly string[], files: number): Diagnostic[] {
  const where = searched.map((path) => (path === "" ? "." : path)).join(", ");
  const found =
    files === 0 ? "no .yaml or .yml files" : `${files} file${files === 1 ? "" : "s"}, none holding a campaign`;
  return [
    warningAt({
      code: "no-campaigns",
      message: `no campaigns found in ${where} (${found})`,
      hint: "pass the campaign files or directories, or set campaignsDir in the config",
      at: { file: where, line: 1, column: 1 },
    }),
  ];
}
