import type { LoadedCampaign } from "../campaigns/load.js";
import { buildCreateTaskBody, type CreateTaskBody } from "../laaffic/request-body.js";
import { maskPhoneNumber } from "../privacy/mask.js";
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
  recipientsHash: string;
  /** The body without recipients, numbers masked: safe to show and to keep in the state. */
  settings: Record<string, unknown>;
  /** `cancel: true` in the file: the task is to be cancelled (never sent, not in the hash). */
  cancel: boolean;
}

export function describeDesired(loaded: LoadedCampaign, hash: Hasher): DesiredCampaign {
  const body = buildCreateTaskBody(loaded.campaign, loaded.recipients);
  // The recipients' canonical text is the bulk of the work: computed once, used by both hashes.
  const recipients = canonicalJson(body.numberInfoList);
  const { numberInfoList: _list, ...rest } = body;
  return {
    taskName: body.taskName,
    source: { file: loaded.source.file, line: loaded.source.line },
    body,
    recipients: body.numberInfoList.length,
    definitionHash: hash(canonicalObject(rest, { numberInfoList: recipients })),
    recipientsHash: hash(recipients),
    settings: settingsOf(body),
    cancel: loaded.campaign.cancel === true,
  };
}

export function settingsOf(body: CreateTaskBody): Record<string, unknown> {
  const { numberInfoList: _recipients, ...settings } = body;
  return settings.displayNum ? { ...settings, displayNum: maskPhoneNumber(settings.displayNum) } : { ...settings };
}
