import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import type { FieldPath } from "../campaigns/yaml-documents.js";
import { describeSchemaErrors } from "../campaigns/schema-errors.js";
import { isValidTimeZone } from "../campaigns/platform-time.js";
import type { CampaignConfig, CampaignDefaults, GuardsConfig } from "../schema/generated/index.js";
import { ToolError } from "../errors/index.js";
import { validators } from "../schema/validators.js";
import { maskConnectionString, maskSensitiveText } from "../privacy/index.js";
import { ASSUMED_PLATFORM_TIME_ZONE } from "../laaffic/assumptions.js";

/** The configuration with defaults applied and environment overrides resolved. */
export interface Settings {
  configFile: string | undefined;
  campaignsDir: string;
  /** recipientsFile and suppression lists may resolve outside the project root. */
  allowPathsOutsideProject: boolean;
  statePath: string;
  /** state.backend; with postgres, the URL (CAMPAIGN_PG_URL or state.url) and schema. */
  state: StoreLocation<"file" | "postgres">;
  api: {
    baseUrl: string;
    pathPrefix: string;
    appId: string | undefined;
    timeoutMs: number;
    parallelism: number;
    timezone: string;
    reconcileAfterSeconds: number;
  };
  defaults: CampaignDefaults;
  receiver: {
    host: string;
    port: number;
    token: string | undefined;
    allowIps: string[] | undefined;
    maxBodyBytes: number;
  };
  reports: {
    path: string;
    storeNumbers: boolean;
  } & StoreLocation<"sqlite" | "postgres">;
  guards: GuardsConfig;
}

export interface StoreLocation<Backend extends string> {
  backend: Backend;
  /** Only for postgres: never printed unmasked. */
  url: string | undefined;
  schema: string;
}

export const DEFAULT_PG_SCHEMA = "laaffic_campaign";

export interface ConfigSource {
  file: string | undefined;
  value: unknown;
  locate(path: FieldPath): SourcePosition;
  locateKey(path: FieldPath): SourcePosition;
}

export const DEFAULT_BASE_URL = "https://api.laaffic.com";
/** [assumed] the platform's zone: see laaffic/assumptions.ts. */
export const DEFAULT_TIMEZONE = ASSUMED_PLATFORM_TIME_ZONE;

// Secrets live in the environment (CI secrets), never in files that get committed.
const SECRET_KEY = /^(api[-_]?)?(key|secret|password|token|sign)$/i;

/** Validates a loaded config; returns diagnostics in file:line:col form. */
export function checkConfig(source: ConfigSource): Diagnostic[] {
  const diagnostics = secretsInConfig(source);
  const validate = validators().config;
  if (!validate(source.value)) {
    const secretPaths = new Set(diagnostics.map((d) => d.field));
    for (const d of describeSchemaErrors(validate.errors ?? [], source.value, source)) {
      if (!secretPaths.has(d.field)) diagnostics.push(d);
    }
  }
  const baseUrl = (source.value as CampaignConfig | null)?.api?.baseUrl;
  const baseUrlWrong =
    typeof baseUrl === "string" && diagnostics.every((d) => d.field !== "/api/baseUrl")
      ? baseUrlProblem(baseUrl)
      : undefined;
  if (typeof baseUrl === "string" && baseUrlWrong !== undefined) {
    diagnostics.push(
      errorAt({
        code: "invalid-value",
        message: `api.baseUrl "${shownUrl(baseUrl)}" ${baseUrlWrong}`,
        hint: 'e.g. "https://api.laaffic.com"',
        at: source.locate(["api", "baseUrl"]),
        field: "/api/baseUrl",
      }),
    );
  }
  const tz = (source.value as CampaignConfig | null)?.api?.timezone;
  if (typeof tz === "string" && !isValidTimeZone(tz)) {
    diagnostics.push(
      errorAt({
        code: "invalid-value",
        message: `api.timezone "${maskSensitiveText(tz)}" is not a known IANA time zone`,
        hint: 'e.g. "Asia/Shanghai" or "UTC"',
        at: source.locate(["api", "timezone"]),
        field: "/api/timezone",
      }),
    );
  }
  return diagnostics;
}

/** A password in a URL, whatever it holds (`/`, `@`, `#`): a `:` between `//` and the last `@`, or a password setting. */
function urlHoldsPassword(url: string): boolean {
  const start = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0].length ?? 0;
  const at = url.lastIndexOf("@");
  return (at > start && url.slice(start, at).includes(":")) || /(^|[?&\s])(ssl)?password=/i.test(url);
}

function secretsInConfig(source: ConfigSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const section of ["state", "reports"]) {
    const url = (source.value as Record<string, Record<string, unknown> | undefined> | null)?.[section]?.["url"];
    if (typeof url === "string" && urlHoldsPassword(url)) {
      out.push(
        errorAt({
          code: "secret-in-config",
          message: `${section}.url holds a password, which must not be in a config file`,
          hint: "drop the password from the URL and set CAMPAIGN_PG_URL (or PGPASSWORD) in the environment instead",
          at: source.locate([section, "url"]),
          field: `/${section}/url`,
        }),
      );
    }
  }
  const scan = (value: unknown, path: string[]): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      const here = [...path, key];
      if (SECRET_KEY.test(key) && path.length <= 1) {
        const isSecret = /secret|password|sign/i.test(key);
        out.push(
          errorAt({
            code: "secret-in-config",
            message: `${here.join(".")} must not be in a config file: credentials are read from the environment only`,
            hint: `remove it and set ${isSecret ? "LAAFFIC_API_SECRET" : "LAAFFIC_API_KEY"} in the environment (in CI: a repository secret)`,
            at: source.locateKey(here),
            field: "/" + here.join("/"),
          }),
        );
      } else if (path.length === 0 && key === "api") scan((value as Record<string, unknown>)[key], here);
    }
  };
  scan(source.value, []);
  return out;
}

/** Applies defaults and environment overrides (LAAFFIC_BASE_URL, LAAFFIC_APP_ID). */
export function resolveSettings(
  config: CampaignConfig,
  file: string | undefined,
  env: Record<string, string | undefined>,
): Settings {
  checkEnvironment(env);
  return {
    configFile: file,
    campaignsDir: config.campaignsDir ?? "campaigns",
    allowPathsOutsideProject: config.allowPathsOutsideProject ?? false,
    statePath: config.state?.path ?? ".campaign/state.json",
    state: {
      backend: config.state?.backend ?? "file",
      url: nonEmpty(env["CAMPAIGN_PG_URL"]) ?? config.state?.url,
      schema: config.state?.schema ?? DEFAULT_PG_SCHEMA,
    },
    api: {
      baseUrl: nonEmpty(env["LAAFFIC_BASE_URL"]) ?? config.api?.baseUrl ?? DEFAULT_BASE_URL,
      pathPrefix: config.api?.pathPrefix ?? "",
      appId: nonEmpty(env["LAAFFIC_APP_ID"]) ?? config.api?.appId,
      timeoutMs: config.api?.timeoutMs ?? 30_000,
      parallelism: config.api?.parallelism ?? 4,
      timezone: config.api?.timezone ?? DEFAULT_TIMEZONE,
      reconcileAfterSeconds: config.api?.reconcileAfterSeconds ?? 600,
    },
    defaults: config.defaults ?? {},
    receiver: {
      host: config.receiver?.host ?? "127.0.0.1",
      port: config.receiver?.port ?? 8766,
      token: nonEmpty(env["CAMPAIGN_RECEIVER_TOKEN"]) ?? config.receiver?.token,
      allowIps: config.receiver?.allowIps,
      maxBodyBytes: config.receiver?.maxBodyBytes ?? 16 * 1024 * 1024,
    },
    reports: {
      path: config.reports?.path ?? ".campaign/reports.db",
      storeNumbers: config.reports?.storeNumbers ?? false,
      backend: config.reports?.backend ?? "sqlite",
      url: nonEmpty(env["CAMPAIGN_PG_URL"]) ?? config.reports?.url,
      schema: config.reports?.schema ?? DEFAULT_PG_SCHEMA,
    },
    guards: config.guards ?? {},
  };
}

/** Why a base URL is unusable: the config schema's rule for api.baseUrl, and one a URL parser accepts. */
export function baseUrlProblem(value: string): string | undefined {
  if (!validators().config({ api: { baseUrl: value } })) return "is not an http:// or https:// URL";
  if (!URL.canParse(value)) return "is not a valid URL";
  return undefined;
}

// As receiver.token in config.schema.json: long enough not to be guessed, and safe in a URL path.
const RECEIVER_TOKEN_MIN = 16;
const RECEIVER_TOKEN_CHARS = /^[A-Za-z0-9_-]*$/;

/** The environment's overrides are checked like the config keys they replace (its values are not shown: the token is a secret). */
function checkEnvironment(env: Record<string, string | undefined>): void {
  const baseUrl = nonEmpty(env["LAAFFIC_BASE_URL"]);
  const problem = baseUrl === undefined ? undefined : baseUrlProblem(baseUrl);
  if (problem !== undefined) {
    const shown = JSON.stringify(shownUrl(baseUrl!.length > 80 ? `${baseUrl!.slice(0, 80)}…` : baseUrl!));
    throw new ToolError(
      "config-invalid",
      `LAAFFIC_BASE_URL (from the environment) ${problem}: ${shown}`,
      'set it to the platform\'s address, e.g. "https://api.laaffic.com", or unset it to use api.baseUrl from the config',
    );
  }
  const token = nonEmpty(env["CAMPAIGN_RECEIVER_TOKEN"]);
  if (token === undefined) return;
  const hint = "use a long random token, e.g. from: openssl rand -hex 24";
  if (!RECEIVER_TOKEN_CHARS.test(token))
    throw new ToolError(
      "config-invalid",
      "CAMPAIGN_RECEIVER_TOKEN (from the environment) holds characters that cannot stand unescaped in a URL path: only letters, digits, - and _ are allowed",
      hint,
    );
  if (token.length < RECEIVER_TOKEN_MIN)
    throw new ToolError(
      "config-invalid",
      `CAMPAIGN_RECEIVER_TOKEN (from the environment) is ${token.length} character${token.length === 1 ? "" : "s"} long; at least ${RECEIVER_TOKEN_MIN} are needed so it cannot be guessed`,
      hint,
    );
}

/** A URL quoted in a message: credentials in it (`user:pass@`) and numbers in it masked. */
function shownUrl(url: string): string {
  return maskSensitiveText(maskConnectionString(url, { whole: true }));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
