import { errorAt, type Diagnostic, type SourcePosition } from "../diagnostics/index.js";
import type { FieldPath } from "../campaigns/yaml-documents.js";
import { pathToPointer, valueAt } from "../campaigns/field-path.js";
import { describeSchemaErrors } from "../campaigns/schema-errors.js";
import { isValidTimeZone } from "../campaigns/platform-time.js";
import type {
  CampaignConfig,
  CampaignDefaults,
  ForecastConfig,
  GuardsConfig,
  PricingConfig,
} from "../schema/generated/index.js";
import { ToolError } from "../errors/index.js";
import { validators } from "../schema/validators.js";
import { maskConnectionString, maskSensitiveText } from "../privacy/index.js";
import { ASSUMED_PLATFORM_TIME_ZONE } from "../laaffic/assumptions.js";
import { declaredEnvironments, environmentShapeProblems, isEnvironmentShapeError } from "./environment-names.js";

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
    /** reports.optOutIntents: the intent codes that mean "do not call me again" (none: no opt-out checks). */
    optOutIntents: string[];
  } & StoreLocation<"sqlite" | "postgres">;
  guards: GuardsConfig;
  /** pricing and forecast: the plan's cost estimate (absent: durations only, cost unknown). */
  pricing: PricingConfig | undefined;
  forecast: ForecastConfig;
}

export interface StoreLocation<Backend extends string> {
  backend: Backend;
  /** Only for postgres: never printed unmasked. */
  url: string | undefined;
  schema: string;
}

export const DEFAULT_PG_SCHEMA = "laaffic_campaign";
export const DEFAULT_STATE_PATH = ".campaign/state.json";
export const DEFAULT_REPORTS_PATH = ".campaign/reports.db";

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
  // The top level and each environment's overrides are held to the same rules.
  const layers: FieldPath[] = [[], ...declaredEnvironments(source.value).map((name) => ["environments", name])];
  const diagnostics = layers.flatMap((prefix) => secretsInConfig(source, prefix));
  const validate = validators().config;
  if (!validate(source.value)) {
    const secretPaths = new Set(diagnostics.map((d) => d.field));
    // Environment names and nesting are said in their own words (ajv's speak of "property names").
    const errors = (validate.errors ?? []).filter((e) => !isEnvironmentShapeError(e));
    for (const d of describeSchemaErrors(errors, source.value, source)) {
      if (!secretPaths.has(d.field)) diagnostics.push(d);
    }
  }
  diagnostics.push(...environmentShapeProblems(source));
  for (const prefix of layers) diagnostics.push(...valueChecks(source, prefix, diagnostics));
  return diagnostics;
}

/** What the schema cannot say: a base URL a URL parser takes, a time zone the runtime knows. */
function valueChecks(source: ConfigSource, prefix: FieldPath, found: readonly Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const layer = valueAt(source.value, prefix) as CampaignConfig | null | undefined;
  const name = (key: string) => [...prefix, "api", key].join(".");
  const baseUrl = layer?.api?.baseUrl;
  const baseUrlField = pathToPointer([...prefix, "api", "baseUrl"]);
  const baseUrlWrong =
    typeof baseUrl === "string" && found.every((d) => d.field !== baseUrlField) ? baseUrlProblem(baseUrl) : undefined;
  if (typeof baseUrl === "string" && baseUrlWrong !== undefined) {
    out.push(
      errorAt({
        code: "invalid-value",
        message: `${name("baseUrl")} "${shownUrl(baseUrl)}" ${baseUrlWrong}`,
        hint: 'e.g. "https://api.laaffic.com"',
        at: source.locate([...prefix, "api", "baseUrl"]),
        field: baseUrlField,
      }),
    );
  }
  const tz = layer?.api?.timezone;
  if (typeof tz === "string" && !isValidTimeZone(tz)) {
    out.push(
      errorAt({
        code: "invalid-value",
        message: `${name("timezone")} "${maskSensitiveText(tz)}" is not a known IANA time zone`,
        hint: 'e.g. "Asia/Shanghai" or "UTC"',
        at: source.locate([...prefix, "api", "timezone"]),
        field: pathToPointer([...prefix, "api", "timezone"]),
      }),
    );
  }
  return out;
}

/** A password in a URL, whatever it holds (`/`, `@`, `#`): a `:` between `//` and the last `@`, or a password setting. */
function urlHoldsPassword(url: string): boolean {
  const start = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0].length ?? 0;
  const at = url.lastIndexOf("@");
  return (at > start && url.slice(start, at).includes(":")) || /(^|[?&\s])(ssl)?password=/i.test(url);
}

function secretsInConfig(source: ConfigSource, prefix: FieldPath): Diagnostic[] {
  const out: Diagnostic[] = [];
  const layer = valueAt(source.value, prefix) as Record<string, Record<string, unknown> | undefined> | null | undefined;
  for (const section of ["state", "reports"]) {
    const url = layer?.[section]?.["url"];
    if (typeof url === "string" && urlHoldsPassword(url)) {
      const here = [...prefix, section, "url"];
      out.push(
        errorAt({
          code: "secret-in-config",
          message: `${here.join(".")} holds a password, which must not be in a config file`,
          hint: "drop the password from the URL and set CAMPAIGN_PG_URL (or PGPASSWORD) in the environment instead",
          at: source.locate(here),
          field: pathToPointer(here),
        }),
      );
    }
  }
  const scan = (value: unknown, path: FieldPath, depth: number): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const key of Object.keys(value)) {
      const here = [...path, key];
      if (SECRET_KEY.test(key) && depth <= 1) {
        const isSecret = /secret|password|sign/i.test(key);
        out.push(
          errorAt({
            code: "secret-in-config",
            message: `${here.join(".")} must not be in a config file: credentials are read from the environment only`,
            hint: `remove it and set ${isSecret ? "LAAFFIC_API_SECRET" : "LAAFFIC_API_KEY"} in the environment (in CI: a repository secret)`,
            at: source.locateKey(here),
            field: pathToPointer(here),
          }),
        );
      } else if (depth === 0 && key === "api") scan((value as Record<string, unknown>)[key], here, 1);
    }
  };
  scan(layer, prefix, 0);
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
    statePath: config.state?.path ?? DEFAULT_STATE_PATH,
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
      path: config.reports?.path ?? DEFAULT_REPORTS_PATH,
      storeNumbers: config.reports?.storeNumbers ?? false,
      optOutIntents: config.reports?.optOutIntents ?? [],
      backend: config.reports?.backend ?? "sqlite",
      url: nonEmpty(env["CAMPAIGN_PG_URL"]) ?? config.reports?.url,
      schema: config.reports?.schema ?? DEFAULT_PG_SCHEMA,
    },
    guards: config.guards ?? {},
    pricing: config.pricing,
    forecast: config.forecast ?? {},
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
