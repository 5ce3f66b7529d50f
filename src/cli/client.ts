import type { Settings } from "../config/index.js";
import { ToolError } from "../errors/index.js";
import { createClient, type ClientOptions, type LaafficClient } from "../laaffic/index.js";

/** The API client from config + environment; credentials come from the environment only. `signal` aborts every request in flight. */
export function clientFromEnvironment(settings: Settings, env: Record<string, string | undefined>, now: () => number, extra: Pick<ClientOptions, "signal" | "onRetry"> = {}): LaafficClient {
  const apiKey = env["LAAFFIC_API_KEY"]?.trim();
  const apiSecret = env["LAAFFIC_API_SECRET"]?.trim();
  const missing = [!apiKey && "LAAFFIC_API_KEY", !apiSecret && "LAAFFIC_API_SECRET"].filter(Boolean);
  if (missing.length > 0) {
    throw new ToolError("credentials-missing", `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set`, "set them in the environment (in CI: repository secrets); try the tool without an account with: campaign demo");
  }
  return createClient({ baseUrl: settings.api.baseUrl, pathPrefix: settings.api.pathPrefix, credentials: { apiKey: apiKey!, apiSecret: apiSecret! }, timeoutMs: settings.api.timeoutMs, now, ...extra });
}
