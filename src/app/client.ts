import type { Settings } from "../config/index.js";
import { ToolError } from "../errors/index.js";
import {
  createClient,
  credentialsFromEnvironment,
  missingNames,
  type ClientOptions,
  type LaafficClient,
} from "../laaffic/index.js";

/** The API client from config + environment; credentials come from the environment only. `signal` aborts every request in flight. */
export function clientFromEnvironment(
  settings: Settings,
  env: Record<string, string | undefined>,
  now: () => number,
  extra: Pick<ClientOptions, "signal" | "onRetry"> = {},
): LaafficClient {
  const found = credentialsFromEnvironment(env);
  if ("missing" in found) {
    throw new ToolError(
      "credentials-missing",
      `${missingNames(found.missing)} not set`,
      "set them in the environment (in CI: repository secrets); try the tool without an account with: campaign demo",
    );
  }
  return createClient({
    baseUrl: settings.api.baseUrl,
    pathPrefix: settings.api.pathPrefix,
    credentials: found.credentials,
    timeoutMs: settings.api.timeoutMs,
    now,
    ...extra,
  });
}
