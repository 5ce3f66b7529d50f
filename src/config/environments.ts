// One named environment's configuration: its overrides merged over the keys above them (maps
// deeply; lists and values replaced, but for the do-not-call lists, added to), with its own state
// and report store unless it names one, and every key located where it was written (in the
// environment, else above it).
import { basename, dirname, join, resolve } from "node:path";
import { isPlainMap } from "../campaigns/layers.js";
import type { FieldPath } from "../campaigns/yaml-documents.js";
import { errorAt, warningAt, type Diagnostic } from "../diagnostics/index.js";
import type { CampaignConfig, ReportsConfig, StateConfig } from "../schema/generated/index.js";
import {
  DEFAULT_PG_SCHEMA,
  DEFAULT_REPORTS_PATH,
  DEFAULT_STATE_PATH,
  type ConfigSource,
  type Settings,
} from "./settings.js";

// As state.schema and reports.schema in config.schema.json.
const PG_SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** The config without its environments: what runs when none is declared. */
export function withoutEnvironments(config: CampaignConfig): CampaignConfig {
  const { environments: _environments, ...rest } = config;
  return rest;
}

/** The config environment `name` runs with. */
export function environmentConfig(config: CampaignConfig, name: string): CampaignConfig {
  const base = withoutEnvironments(config);
  const override = ownValue(config.environments, name) ?? {};
  const merged = merge(base, override) as CampaignConfig;
  const lists = suppressionListOrigins(config, name).map(({ list }) => list);
  return {
    ...merged,
    ...(lists.length > 0 ? { guards: { ...merged.guards, suppressionLists: lists } } : {}),
    state: { ...merged.state, ...ownStore(base.state, override.state, DEFAULT_STATE_PATH, name) },
    reports: { ...merged.reports, ...ownStore(base.reports, override.reports, DEFAULT_REPORTS_PATH, name) },
  };
}

/**
 * A store the environment does not name itself is the one above it, moved into the environment's
 * own place: `.campaign/state.json` → `.campaign/staging/state.json`, schema `laaffic_campaign` →
 * `laaffic_campaign_staging`. Two accounts never share the record of what was sent to them.
 */
function ownStore(
  base: StateConfig | ReportsConfig | undefined,
  override: StateConfig | ReportsConfig | undefined,
  defaultPath: string,
  name: string,
): { path: string; schema: string } {
  const path = base?.path ?? defaultPath;
  return {
    path: override?.path ?? join(dirname(path), name, basename(path)),
    schema: override?.schema ?? `${base?.schema ?? DEFAULT_PG_SCHEMA}_${name.replace(/-/g, "_")}`,
  };
}

/**
 * guards.suppressionLists of the keys above, then the environment's, each once, with where it was
 * written. United, not replaced: an environment's extra list must never drop the shared
 * do-not-call list (a number on it would be called in that environment).
 */
function suppressionListOrigins(config: CampaignConfig, name: string): { list: string; at: FieldPath }[] {
  const override = ownValue(config.environments, name);
  const layers: [unknown, FieldPath][] = [
    [config.guards?.suppressionLists, ["guards", "suppressionLists"]],
    [override?.guards?.suppressionLists, ["environments", name, "guards", "suppressionLists"]],
  ];
  const out: { list: string; at: FieldPath }[] = [];
  const seen = new Set<string>();
  for (const [lists, at] of layers)
    if (Array.isArray(lists))
      for (const [index, list] of lists.entries())
        if (typeof list === "string" && !seen.has(list)) {
          seen.add(list);
          out.push({ list, at: [...at, index] });
        }
  return out;
}

/** Maps merged key by key (the override's value wins); anything else replaced whole. */
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainMap(base) || !isPlainMap(override)) return override === undefined ? base : override;
  const keys = new Set([...Object.keys(base), ...Object.keys(override)]);
  // fromEntries defines own properties: a key such as __proto__ stays a key.
  return Object.fromEntries(
    [...keys].map((key) => [key, Object.hasOwn(override, key) ? merge(base[key], override[key]) : base[key]]),
  );
}

/** Locates each key of the merged config where it was written: in the environment when it set it, else above. */
export function environmentSource(document: ConfigSource, name: string, value: CampaignConfig): ConfigSource {
  const whole = document.value as CampaignConfig | null;
  const override = ownValue(whole?.environments, name);
  const lists = whole ? suppressionListOrigins(whole, name) : [];
  const where = (path: FieldPath): FieldPath => {
    // An entry of the united lists is located in the layer that wrote it.
    const [guards, key, index, ...rest] = path;
    if (guards === "guards" && key === "suppressionLists" && typeof index === "number" && lists[index])
      return [...lists[index].at, ...rest];
    return setBy(override, path) ? ["environments", name, ...path] : path;
  };
  return {
    file: document.file,
    value,
    locate: (path) => document.locate(where(path)),
    locateKey: (path) => document.locateKey(where(path)),
  };
}

/** Whether the override wrote the value at `path` (a list or value it holds on the way replaced the whole). */
function setBy(override: unknown, path: FieldPath): boolean {
  if (!isPlainMap(override)) return false;
  let current: unknown = override;
  for (const segment of path) {
    if (!isPlainMap(current)) return true;
    if (!Object.hasOwn(current, segment)) return false;
    current = current[segment];
  }
  return true;
}

/**
 * LAAFFIC_BASE_URL / LAAFFIC_APP_ID overriding a value environment `name` sets itself, as warnings
 * at that value: a variable left over in a shell or CI job would otherwise silently send one
 * environment's campaigns to another's platform or application.
 */
export function variablesOverridingEnvironment(
  document: ConfigSource,
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): Diagnostic[] {
  const api = ownValue((document.value as CampaignConfig | null)?.environments, name)?.api;
  const out: Diagnostic[] = [];
  for (const [variable, key] of [
    ["LAAFFIC_BASE_URL", "baseUrl"],
    ["LAAFFIC_APP_ID", "appId"],
  ] as const) {
    const given = env[variable];
    const own = api?.[key];
    if (!given?.trim() || typeof own !== "string" || given === own) continue;
    out.push(
      warningAt({
        code: "variable-overrides-environment",
        message: `${variable} overrides the api.${key} environment ${name} sets here: the variable's value is used`,
        hint: `unset ${variable} to use environment ${name}'s api.${key}, or remove api.${key} from the environment`,
        at: document.locate(["environments", name, "api", key]),
        field: `/environments/${name}/api/${key}`,
      }),
    );
  }
  return out;
}

/** Rules across environments: schema names PostgreSQL takes, and no two sharing a state or a report store. */
export function environmentProblems(
  document: ConfigSource,
  environments: readonly { name: string; settings: Settings }[],
  cwd: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { name, settings } of environments)
    for (const key of ["state", "reports"] as const) {
      const { backend, schema } = settings[key];
      if (backend === "postgres" && !PG_SCHEMA.test(schema))
        out.push(
          errorAt({
            code: "invalid-value",
            message: `the PostgreSQL schema made for environment ${name} from ${key}.schema, ${schema}, is longer than 63 characters`,
            hint: `set ${key}.schema in environments.${name} (or a shorter ${key}.schema above it)`,
            at: document.locateKey(["environments", name]),
            field: `/environments/${name}/${key}/schema`,
          }),
        );
    }
  if (out.length > 0) return out;
  const stores: { what: string; key: "state" | "reports"; where: (s: Settings) => string }[] = [
    { what: "state", key: "state", where: (s) => storeAt(s.state, s.statePath, cwd) },
    { what: "report store", key: "reports", where: (s) => storeAt(s.reports, s.reports.path, cwd) },
  ];
  for (const { what, key, where } of stores) {
    const seen = new Map<string, string>();
    for (const { name, settings } of environments) {
      const at = where(settings);
      const first = seen.get(at);
      if (first === undefined) {
        seen.set(at, name);
        continue;
      }
      out.push(
        errorAt({
          code: "shared-environment-store",
          message: `environments ${first} and ${name} share one ${what} (${key}: ${shownStore(settings, key)}); each environment needs its own`,
          hint: `remove the ${key}.path / ${key}.schema they set (each then gets its own beside the default), or give ${name} another one`,
          at: document.locateKey(["environments", name]),
          field: `/environments/${name}/${key}`,
        }),
      );
    }
  }
  return out;
}

function storeAt(store: Settings["state"] | Settings["reports"], path: string, cwd: string): string {
  return store.backend === "postgres" ? `postgres ${store.url ?? ""} ${store.schema}` : `file ${resolve(cwd, path)}`;
}

function shownStore(settings: Settings, key: "state" | "reports"): string {
  const store = settings[key];
  if (store.backend === "postgres") return `schema ${store.schema}`;
  return key === "state" ? settings.statePath : settings.reports.path;
}

function ownValue<T>(map: { [name: string]: T } | undefined, name: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, name) ? map[name] : undefined;
}
