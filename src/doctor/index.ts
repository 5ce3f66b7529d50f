import { epochMsToWallTime } from "../campaigns/index.js";
import type { Settings } from "../config/index.js";
import type { Credentials, PlatformProbe, TaskQuery } from "../laaffic/index.js";
import type { DoctorCheck, DoctorReport } from "../schema/generated/index.js";
import { appIdCheck, credentialsCheck, receiverCheck, stateChecks, type StateProbe } from "./local-checks.js";
import { platformChecks } from "./platform-checks.js";

export type { StateProbe } from "./local-checks.js";

/** What doctor reads: the platform through one signed task query, the state read-only; the clock is passed in. */
export interface DoctorPorts {
  env: Record<string, string | undefined>;
  settings: Pick<Settings, "api" | "receiver">;
  now(): number;
  probe(credentials: Credentials, window: Pick<TaskQuery, "strTime" | "endTime">): Promise<PlatformProbe>;
  state(): Promise<StateProbe>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Runs every check; nothing is created, cancelled or changed anywhere. */
export async function runDoctor(ports: DoctorPorts): Promise<DoctorReport> {
  const { api, receiver } = ports.settings;
  const platform = platformAddress(api.baseUrl, api.pathPrefix);
  const { check: credentials, credentials: found } = credentialsCheck(ports.env);
  const checks: DoctorCheck[] = [credentials];
  if (found) {
    const now = ports.now();
    const window = {
      strTime: epochMsToWallTime(now - DAY_MS, api.timezone),
      endTime: epochMsToWallTime(now, api.timezone),
    };
    checks.push(...platformChecks(await ports.probe(found, window), ports.now(), platform));
  } else {
    for (const id of ["connection", "signed-request", "clock", "answer-shape"] as const)
      checks.push({ id, status: "skip", summary: "not checked: needs the credentials" });
  }
  checks.push(appIdCheck(api.appId), receiverCheck(receiver), ...stateChecks(await ports.state()));
  const count = (status: DoctorCheck["status"]) => checks.filter((c) => c.status === status).length;
  const summary = { passed: count("pass"), warnings: count("warn"), failed: count("fail"), skipped: count("skip") };
  return { formatVersion: 1, command: "doctor", platform, ok: summary.failed === 0, checks, summary };
}

/** The base URL and prefix as checked, without a user or password part. */
function platformAddress(baseUrl: string, pathPrefix: string): string {
  const url = new URL(baseUrl);
  return `${url.origin}${url.pathname.replace(/\/$/, "")}${pathPrefix}`;
}
