import type { Settings } from "../config/index.js";
import type { DoctorCheck } from "../schema/generated/index.js";
import type { LockFile } from "../state/index.js";
import { credentialsFromEnvironment, missingNames } from "../laaffic/index.js";
import { maskSensitiveText } from "../privacy/index.js";

/** What the state backend showed when read (nothing is written or locked). */
export interface StateProbe {
  /** The path as the user wrote it, or the masked URL and schema. */
  location: string;
  read: { ok: true; serial: number | undefined } | { ok: false; problem: string; hint: string };
  /** The file backend's lock file as found (undefined: none); postgres locks die with their session, so not asked. */
  lock?: { kind: "file"; found: LockFile | undefined } | { kind: "postgres" };
}

/** Present and non-empty; the values are never shown: the key by its length, the secret not at all. */
export function credentialsCheck(env: Record<string, string | undefined>): {
  check: DoctorCheck;
  credentials?: { apiKey: string; apiSecret: string };
} {
  const found = credentialsFromEnvironment(env);
  if ("missing" in found)
    return {
      check: {
        id: "credentials",
        status: "fail",
        summary: `${missingNames(found.missing)} not set in the environment`,
        fix: "set them in the environment (in CI: repository secrets); never in a config file",
      },
    };
  const keyLength = found.credentials.apiKey.length;
  return {
    check: {
      id: "credentials",
      status: "pass",
      summary: `LAAFFIC_API_KEY (${keyLength} character${keyLength === 1 ? "" : "s"}) and LAAFFIC_API_SECRET are set in the environment`,
    },
    credentials: found.credentials,
  };
}

export function appIdCheck(appId: string | undefined): DoctorCheck {
  if (appId === undefined)
    return {
      id: "app-id",
      status: "warn",
      summary: "api.appId is not configured: every campaign must name its own appId",
      fix: "set api.appId in the config (or LAAFFIC_APP_ID) to the AI agent application id from the console",
    };
  return { id: "app-id", status: "pass", summary: `api.appId is "${maskSensitiveText(appId)}"` };
}

export function receiverCheck(receiver: Settings["receiver"]): DoctorCheck {
  const where = `campaign receive listens on ${receiver.host}:${receiver.port}`;
  if (receiver.token === undefined)
    return {
      id: "receiver",
      status: "warn",
      summary: `${where} with no CAMPAIGN_RECEIVER_TOKEN: a new token at every start, so the push address set in the console breaks at each restart`,
      fix: "set CAMPAIGN_RECEIVER_TOKEN (e.g. from: openssl rand -hex 24) and use /reports/<token> as the push address",
    };
  if (receiver.port < 1024)
    return {
      id: "receiver",
      status: "warn",
      summary: `${where}, a port below 1024, which needs privileges`,
      fix: "use a port of 1024 or above (receiver.port) behind a reverse proxy",
    };
  return {
    id: "receiver",
    status: "pass",
    summary: `${where}; its token is set (${receiver.token.length} characters)`,
  };
}

export function stateChecks(state: StateProbe): DoctorCheck[] {
  const read: DoctorCheck = state.read.ok
    ? {
        id: "state",
        status: "pass",
        summary:
          state.read.serial === undefined
            ? `${state.location}: reachable, no state yet (the first apply creates it)`
            : `${state.location}: readable (serial ${state.read.serial})`,
      }
    : { id: "state", status: "fail", summary: `${state.location}: ${state.read.problem}`, fix: state.read.hint };
  return [read, lockCheck(state)];
}

function lockCheck(state: StateProbe): DoctorCheck {
  if (!state.lock) return { id: "state-lock", status: "skip", summary: "not checked: the state could not be reached" };
  if (state.lock.kind === "postgres")
    return {
      id: "state-lock",
      status: "pass",
      summary: "PostgreSQL locks end with their holder's session: none can be left behind",
    };
  const found = state.lock.found;
  if (!found) return { id: "state-lock", status: "pass", summary: "the state is not locked" };
  if (!found.readable)
    return {
      id: "state-lock",
      status: "fail",
      summary: `the lock file cannot be read (${found.why}): every apply is refused until it is removed`,
      fix: `campaign force-unlock ${found.id}`,
    };
  const { info } = found;
  return {
    id: "state-lock",
    status: "warn",
    summary: `locked by ${maskSensitiveText(info.command)} (pid ${info.pid} on ${maskSensitiveText(info.host)}, since ${info.startedAt}${info.ciRunUrl ? `, ${maskSensitiveText(info.ciRunUrl)}` : ""})`,
    fix: `wait for it to end; only if that process is gone: campaign force-unlock ${info.id}`,
  };
}
