// A campaign (or a base) that writes its own appId wins over the config's api.appId: right for a
// campaign meant for one application, a surprise when the chosen environment names another one
// (staging's campaigns sent to production's agent application). The campaign's value is what is
// sent and what the plan shows for review; this only says so, at the line that wins.
import { warningAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import type { FieldPath } from "./yaml-documents.js";

export interface EnvironmentAppId {
  environment: string;
  appId: string;
  /** Where the environment sets it (the config file). */
  at: SourcePosition;
}

/** The warning when the campaign as declared (with its bases) writes an appId other than the environment's. */
export function appIdOverridesEnvironment(
  declared: unknown,
  locate: (path: FieldPath) => SourcePosition,
  environment: EnvironmentAppId | undefined,
): Diagnostic[] {
  if (environment === undefined || declared === null || typeof declared !== "object") return [];
  const written = (declared as Record<string, unknown>)["appId"];
  if (typeof written !== "string" || written === environment.appId) return [];
  return [
    warningAt({
      code: "app-id-overrides-environment",
      message: `appId ${shown(written)} is sent, not ${shown(environment.appId)}, the api.appId environment ${environment.environment} sets: a campaign's (or base's) appId wins over the config`,
      hint: `remove appId here (and from its bases) to use each environment's api.appId, or keep it if this campaign is meant for ${shown(written)} in every environment`,
      at: locate(["appId"]),
      field: "/appId",
      related: [{ ...environment.at, message: `api.appId of environment ${environment.environment}` }],
    }),
  ];
}

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
