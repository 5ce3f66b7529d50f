import { ASSUMED_SIGNATURE_SKEW_SECONDS, type ApiFailure, type PlatformProbe } from "../laaffic/index.js";
import type { DoctorCheck } from "../schema/generated/index.js";

// What the refusals of a signed read mean for the one who set the tool up (laaffic-api.md, "Error codes").
const REFUSALS: Record<string, { meaning: string; fix: string }> = {
  "-1": {
    meaning: "authentication failed: the platform did not accept the API key and signature",
    fix: "check LAAFFIC_API_KEY and LAAFFIC_API_SECRET: the secret must belong to this very key (copied whole, no quotes or spaces around it)",
  },
  "-2": {
    meaning: "IP restricted: this machine may not use the key",
    fix: "allow this machine's IP for the key in the platform's console, or run from an allowed machine",
  },
  "-16": {
    meaning: "timestamp expired: the platform finds our clock too far from its own",
    fix: "sync this machine's clock (NTP); see the clock check",
  },
  "-30": { meaning: "the API key is disabled", fix: "enable the key, or create a new one, in the platform's console" },
  "-31": {
    meaning: "this machine's IP is not whitelisted",
    fix: "add this machine's IP to the key's whitelist in the platform's console",
  },
  "-32": {
    meaning: "the API key has no permission for the application",
    fix: "check api.appId / LAAFFIC_APP_ID, or give the key permission for it in the console",
  },
};

const skip = (id: DoctorCheck["id"], why: string): DoctorCheck => ({
  id,
  status: "skip",
  summary: `not checked: ${why}`,
});

/** The checks one signed task query answers: connection, signature, clock and answer shape. */
export function platformChecks(probe: PlatformProbe, nowMs: number, endpoint: string): DoctorCheck[] {
  const { http, failure } = probe;
  if (!http) {
    const reason = failure && failure.kind !== "platform" ? failure.reason : "no answer";
    return [
      {
        id: "connection",
        status: "fail",
        summary: `${endpoint}: ${layerOf(reason)}: ${reason}`,
        fix: connectionFix(reason),
      },
      skip("signed-request", "no connection"),
      skip("clock", "no connection"),
      skip("answer-shape", "no connection"),
    ];
  }
  return [
    { id: "connection", status: "pass", summary: `${endpoint} answered (HTTP ${http.status})` },
    signedCheck(failure, http.status),
    clockCheck(http.date, nowMs),
    shapeCheck(probe),
  ];
}

function signedCheck(failure: ApiFailure | undefined, status: number): DoctorCheck {
  if (!failure)
    return {
      id: "signed-request",
      status: "pass",
      summary: "a signed, read-only task query over the last day was accepted",
    };
  if (failure.kind !== "platform")
    return {
      id: "signed-request",
      status: "fail",
      summary: `the platform's answer (HTTP ${status}) says nothing about the request: ${failure.reason}`,
      fix: "try again later; if it stays so, the base URL may point at something that is not the platform's API",
    };
  const refusal = REFUSALS[failure.code];
  if (refusal)
    return {
      id: "signed-request",
      status: "fail",
      summary: `refused: ${refusal.meaning} (platform code ${failure.code}: ${failure.message})`,
      fix: refusal.fix,
    };
  if (failure.code === "http-404")
    return {
      id: "signed-request",
      status: "fail",
      summary: "HTTP 404: the endpoint is not at this address",
      fix: "check api.pathPrefix (some accounts use /v3) and api.baseUrl / LAAFFIC_BASE_URL",
    };
  if (failure.code.startsWith("http-"))
    return {
      id: "signed-request",
      status: "fail",
      summary: `refused with HTTP ${failure.httpStatus ?? status}: ${failure.message}`,
      fix: failure.hint,
    };
  return {
    id: "signed-request",
    status: "fail",
    summary: `refused: platform code ${failure.code}: ${failure.message}`,
    fix: failure.hint,
  };
}

function clockCheck(date: string | undefined, nowMs: number): DoctorCheck {
  const platformMs = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(platformMs))
    return {
      id: "clock",
      status: "warn",
      summary: "the platform's answer has no readable Date header: our clock could not be compared",
      fix: "make sure this machine's clock is synced (NTP): signatures carry its time",
    };
  // The header tells whole seconds: the platform's time lies somewhere in the second it names.
  const offset = Math.round((nowMs - (platformMs + 500)) / 1000);
  const words =
    offset === 0
      ? "agrees with the platform's (Date header, to the second)"
      : `is ${Math.abs(offset)} s ${offset > 0 ? "ahead of" : "behind"} the platform's (Date header)`;
  const tolerance = `the platform's tolerance is not documented; assumed ${ASSUMED_SIGNATURE_SKEW_SECONDS} s`;
  if (Math.abs(offset) > ASSUMED_SIGNATURE_SKEW_SECONDS)
    return {
      id: "clock",
      status: "fail",
      summary: `our clock ${words}: ${tolerance}`,
      fix: "sync this machine's clock (NTP): the platform refuses signatures too far off (-16)",
    };
  if (Math.abs(offset) > ASSUMED_SIGNATURE_SKEW_SECONDS / 2)
    return {
      id: "clock",
      status: "warn",
      summary: `our clock ${words}: close to the limit (${tolerance})`,
      fix: "sync this machine's clock (NTP)",
    };
  return { id: "clock", status: "pass", summary: `our clock ${words}` };
}

function shapeCheck(probe: PlatformProbe): DoctorCheck {
  const { answer, failure, http } = probe;
  if (answer?.ok)
    return {
      id: "answer-shape",
      status: "pass",
      summary: `the answer is a task page as the client reads it (${answer.records} record${answer.records === 1 ? "" : "s"} on its first page)`,
    };
  if (answer)
    return {
      id: "answer-shape",
      status: "fail",
      summary: `the answer differs from what the client expects: ${answer.problem}; it was ${answer.shape}`,
      fix: "refresh cannot read such answers: report this line (keys and types only, no values) so the client's reading can follow the platform",
    };
  if (failure?.kind === "unknown" && http && http.status < 300)
    return {
      id: "answer-shape",
      status: "fail",
      summary: `the answer is not the documented envelope {code, msg, data}: ${failure.reason}`,
      fix: "check that api.baseUrl and api.pathPrefix point at the platform's API, not a web page or proxy",
    };
  return skip("answer-shape", "the query was refused");
}

function layerOf(reason: string): string {
  if (/host name/.test(reason)) return "DNS";
  if (/TLS|SSL|CERT|SELF_SIGNED|UNABLE_TO/.test(reason)) return "TLS";
  if (/refused|connect|connection/.test(reason)) return "TCP";
  return "network";
}

function connectionFix(reason: string): string {
  switch (layerOf(reason)) {
    case "DNS":
      return "the host name does not resolve: check LAAFFIC_BASE_URL / api.baseUrl (a sister brand has its own host) and this machine's DNS";
    case "TLS":
      return "the server's certificate was not accepted: check the host name in the base URL, or this machine's CA certificates (NODE_EXTRA_CA_CERTS behind a corporate proxy)";
    case "TCP":
      return /refused/.test(reason)
        ? "nothing listens at that address and port: check LAAFFIC_BASE_URL / api.baseUrl"
        : "no connection in time: a firewall or proxy may block it; check the network, or raise api.timeoutMs";
    default:
      return "check LAAFFIC_BASE_URL / api.baseUrl and the network, then run campaign doctor again";
  }
}
