import type { ZoneGroup } from "../campaigns/audience.js";
import type { LoadedCampaign } from "../campaigns/load.js";
import { buildCreateTaskBody, type CreateTaskBody } from "../laaffic/request-body.js";
import { maskPhoneNumber } from "../privacy/index.js";
import { canonicalJson, canonicalObject } from "./canonical.js";

/** Salted hash of canonical text, passed in (the plan core does no crypto or I/O itself). */
export type Hasher = (canonical: string) => string;

/** A valid declared campaign as the plan sees it: the exact body to send, and its hashes. */
export interface DesiredCampaign {
  taskName: string;
  source: { file: string; line: number };
  body: CreateTaskBody;
  recipients: number;
  /** Of the whole body: key order, comments and quoting in YAML do not change it. */
  definitionHash: string;
  /** Of the body without taskName: equal for a campaign that was only renamed. */
  identityFreeHash: string;
  recipientsHash: string;
  /** The campaign file relative to the project root (`/` separators), when the caller knows it. */
  sourcePath?: string;
  /** `renamedFrom` in the file: the old name, where it is written, and the definition hash the campaign has under it. */
  renamedFrom?: { taskName: string; at: { file: string; line: number; column: number }; definitionHash: string };
  /** The body without recipients, numbers masked: safe to show and to keep in the state. */
  settings: Record<string, unknown>;
  /** `cancel: true` in the file: the task is to be cancelled (never sent, not in the hash). */
  cancel: boolean;
  /** The first callee numbers, masked, for reviewers. */
  sample: string[];
  /** Which text variables are set for at least one recipient. */
  textVariables: string[];
  /** The campaign's description: campaigns sharing one form a series (growth guard). */
  series?: string;
  /** Recipients left out because they are on a suppression list (suppressed: skip). */
  suppressedSkipped?: number;
  /** Recipients per country of the number. */
  countries: Record<string, number>;
  /** Recipients by country and candidate time zones (calling-hours guard). */
  zoneGroups: ZoneGroup[];
  /** The callee numbers, sorted, without repeats (recipient diffs, duplicates across campaigns). */
  numbers: Float64Array;
  /** The campaign's `timezone`, for numbers that do not tell theirs. */
  timezone?: string;
}

const SAMPLE_SIZE = 3;

export function describeDesired(
  loaded: LoadedCampaign,
  hash: Hasher,
  options: { sourcePath?: string } = {},
): DesiredCampaign {
  const body = buildCreateTaskBody(loaded.campaign, loaded.recipients);
  const textVariables = textVariablesOf(body.numberInfoList);
  // The recipients' canonical text is the bulk of the work: computed once, used by both hashes.
  // The body lists each entry's keys as calleeNumber, text1…text10; that is also sorted order
  // unless text10 stands beside text2…text9, so the native JSON.stringify is canonical then.
  const sortedAlready =
    !textVariables.includes("text10") || textVariables.every((t) => t === "text1" || t === "text10");
  const recipients = sortedAlready ? JSON.stringify(body.numberInfoList) : canonicalJson(body.numberInfoList);
  const { numberInfoList: _list, ...rest } = body;
  const { taskName: _name, ...nameless } = rest;
  const definitionHash = (taskName: string): string =>
    hash(canonicalObject({ ...rest, taskName }, { numberInfoList: recipients }));
  const renamedFrom = loaded.campaign.renamedFrom;
  return {
    taskName: body.taskName,
    source: { file: loaded.source.file, line: loaded.source.line },
    body,
    recipients: body.numberInfoList.length,
    definitionHash: definitionHash(body.taskName),
    identityFreeHash: hash(canonicalObject(nameless, { numberInfoList: recipients })),
    recipientsHash: hash(recipients),
    ...(options.sourcePath !== undefined ? { sourcePath: options.sourcePath } : {}),
    ...(renamedFrom !== undefined
      ? {
          renamedFrom: {
            taskName: renamedFrom,
            at: loaded.renamedFromAt ?? { ...loaded.source },
            definitionHash: definitionHash(renamedFrom),
          },
        }
      : {}),
    settings: settingsOf(body),
    cancel: loaded.campaign.cancel === true,
    sample: body.numberInfoList.slice(0, SAMPLE_SIZE).map((r) => maskPhoneNumber(r.calleeNumber)),
    textVariables,
    ...(loaded.campaign.description ? { series: loaded.campaign.description } : {}),
    countries: loaded.audience?.countries ?? {},
    zoneGroups: loaded.audience?.zoneGroups ?? [],
    numbers: loaded.audience?.numbers ?? new Float64Array(0),
    ...(loaded.campaign.timezone ? { timezone: loaded.campaign.timezone } : {}),
  };
}

function textVariablesOf(recipients: CreateTaskBody["numberInfoList"]): string[] {
  const texts = new Set<string>();
  for (const recipient of recipients) for (const key in recipient) if (key !== "calleeNumber") texts.add(key);
  return [...texts].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

export function settingsOf(body: CreateTaskBody): Record<string, unknown> {
  const { numberInfoList: _recipients, ...settings } = body;
  return settings.displayNum ? { ...settings, displayNum: maskPhoneNumber(settings.displayNum) } : { ...settings };
}
