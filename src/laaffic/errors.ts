import { maskSensitiveText } from "../privacy/index.js";

/** The platform answered and refused: nothing was created. */
export interface PlatformError {
  kind: "platform";
  code: string;
  message: string;
  hint: string;
  httpStatus?: number;
}

/** The request may have reached the platform and we cannot tell what happened: never resend blindly. The reason is the tool's own words. */
export interface OutcomeUnknown {
  kind: "unknown";
  reason: string;
  hint: string;
}

/** The request provably never reached the platform (after the allowed attempts). */
export interface Unreachable {
  kind: "unreachable";
  reason: string;
  hint: string;
}

export type ApiFailure = PlatformError | OutcomeUnknown | Unreachable;

// The platform's error codes and what the user should do (laaffic-api.md, "Error codes").
const HINTS: Record<string, { meaning: string; hint: string }> = {
  "-1": { meaning: "authentication error", hint: "check LAAFFIC_API_KEY, LAAFFIC_API_SECRET and appId" },
  "-2": { meaning: "IP restricted", hint: "the calling machine's IP is not allowed for this key" },
  "-10": { meaning: "insufficient balance", hint: "top up the account balance in the console" },
  "-11": { meaning: "bad time format", hint: "sendTime must be YYYY-MM-DD HH:mm:ss" },
  "-16": { meaning: "timestamp expired", hint: "the machine clock is off; sync it (NTP)" },
  "-18": {
    meaning: "system exception",
    hint: "the body was not valid JSON, or the platform failed; check on the platform before resubmitting, and resubmit only if nothing was created",
  },
  "-20": {
    meaning: "data exists",
    hint: "the taskName is already used on the account: the task may already exist (see `campaign state`)",
  },
  "-21": { meaning: "data validation exception", hint: "a field is invalid; fix the campaign" },
  "-22": {
    meaning: "parameter exception",
    hint: "fix the campaign (for recall: nodeList must have recallNum entries); the schema should have caught it",
  },
  "-23": { meaning: "data caps", hint: "a limit was reached (e.g. too many numbers); split the campaign" },
  "-24": { meaning: "data does not exist", hint: "unknown task or recall flow id" },
  "-25": { meaning: "out of time range", hint: "move sendTime into the range the platform accepts" },
  "-29": { meaning: "workspace disabled", hint: "the workspace is disabled; contact the platform" },
  "-30": { meaning: "API key disabled", hint: "the API key is disabled; create or enable one in the console" },
  "-31": { meaning: "IP not whitelisted", hint: "add this machine's IP to the key's whitelist in the console" },
  "-32": {
    meaning: "no permission for the application",
    hint: "this API key has no permission for the appId; check appId or the key",
  },
  "-54": { meaning: "submitted task is wrong", hint: "check the task fields" },
  "-67": {
    meaning: "recallIntent does not match the agent's industry intents",
    hint: "fix recallIntent: use intent codes of the agent's industry",
  },
};

/** Longest platform message kept: it goes into the state file and CI logs. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * The platform's words are untrusted text: numbers they echo and the credentials (`secrets`, the
 * API key and secret the request was signed with) are masked before anything prints or stores them.
 */
export function platformError(
  code: string,
  platformMessage: string | undefined,
  httpStatus?: number,
  secrets: readonly string[] = [],
): PlatformError {
  const known = HINTS[code];
  const message = truncate(
    maskSensitiveText(platformMessage?.trim() || known?.meaning || "unknown error", { secrets }),
  );
  return {
    kind: "platform",
    code: maskSensitiveText(code, { secrets }),
    message,
    hint: known?.hint ?? "an error code this tool does not know; see the platform's message",
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
}

export function outcomeUnknown(reason: string): OutcomeUnknown {
  return {
    kind: "unknown",
    reason,
    hint: "the request may have reached the platform; it is not resent automatically. Check the platform (campaign refresh / state resolve) before submitting again",
  };
}

export function unreachable(reason: string): Unreachable {
  return {
    kind: "unreachable",
    reason,
    hint: "nothing was sent; check LAAFFIC_BASE_URL / api.baseUrl and the network, then run again",
  };
}

function truncate(text: string): string {
  if (text.length <= MAX_MESSAGE_LENGTH) return text;
  const cut = text.slice(0, MAX_MESSAGE_LENGTH);
  // Never end on half of a surrogate pair.
  return (/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut) + "…";
}

export function describeFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case "platform":
      return `platform error ${failure.code}: ${failure.message}`;
    case "unknown":
      return `outcome unknown: ${failure.reason}`;
    case "unreachable":
      return `platform unreachable: ${failure.reason}`;
  }
}
