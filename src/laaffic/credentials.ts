import type { Credentials } from "./transport.js";

/** The API key and secret from the environment (never from config), or the names of those missing. */
export function credentialsFromEnvironment(
  env: Record<string, string | undefined>,
): { credentials: Credentials } | { missing: string[] } {
  const apiKey = env["LAAFFIC_API_KEY"]?.trim();
  const apiSecret = env["LAAFFIC_API_SECRET"]?.trim();
  if (apiKey && apiSecret) return { credentials: { apiKey, apiSecret } };
  return { missing: [...(apiKey ? [] : ["LAAFFIC_API_KEY"]), ...(apiSecret ? [] : ["LAAFFIC_API_SECRET"])] };
}

/** "LAAFFIC_API_KEY and LAAFFIC_API_SECRET are" / "LAAFFIC_API_SECRET is". */
export function missingNames(missing: readonly string[]): string {
  return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"}`;
}
