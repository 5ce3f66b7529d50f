// Which named environment a command runs in. Once a config declares environments there is no
// default one: a command that reads the state or calls the platform must be told which, and a
// name it does not know (or one given where none is declared) is an error, never a fallback.
import { closestName } from "../campaigns/suggest.js";
import { isPlainMap } from "../campaigns/layers.js";
import { errorAt, type Diagnostic } from "../diagnostics/index.js";
import { ToolError } from "../errors/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { SchemaError } from "../schema/validators.js";
import type { ConfigSource } from "./settings.js";

/** As environments.propertyNames in config.schema.json: a safe path segment, and (`-` as `_`) part of a PostgreSQL schema name. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** The well-formed names under `environments:` in a config's value (the schema reports any other). */
export function declaredEnvironments(value: unknown): string[] {
  const environments = isPlainMap(value) ? value["environments"] : undefined;
  return isPlainMap(environments) ? Object.keys(environments).filter((name) => ENVIRONMENT_NAME.test(name)) : [];
}

/** ajv's complaint about a name under `environments:`, or an empty one, reported by environmentShapeProblems instead. */
export function isEnvironmentShapeError(error: SchemaError): boolean {
  return (
    error.schemaPath.startsWith("#/properties/environments/propertyNames") ||
    (error.keyword === "type" && error.data === null && /^\/environments\/[^/]+$/.test(error.instancePath))
  );
}

/** Names that are no environment name, an environment written as nothing, environments inside one. */
export function environmentShapeProblems(source: ConfigSource): Diagnostic[] {
  const environments = isPlainMap(source.value) ? source.value["environments"] : undefined;
  if (!isPlainMap(environments)) return [];
  const out: Diagnostic[] = [];
  for (const [name, override] of Object.entries(environments)) {
    const at = ["environments", name];
    if (!ENVIRONMENT_NAME.test(name))
      out.push(
        errorAt({
          code: "invalid-environment-name",
          message: `${JSON.stringify(maskSensitiveText(name.slice(0, 40)))} is not an environment name: lowercase letters, digits, - and _, starting with a letter, at most 32 characters`,
          hint: "the name becomes a directory (.campaign/<name>/) and part of a PostgreSQL schema: e.g. staging, production, eu-west",
          at: source.locateKey(at),
          field: "/environments",
        }),
      );
    else if (override === null)
      out.push(
        errorAt({
          code: "wrong-type",
          message: `environments.${name} is empty`,
          hint: `an environment that overrides nothing is written ${name}: {}`,
          at: source.locateKey(at),
          field: `/environments/${name}`,
        }),
      );
    else if (isPlainMap(override) && Object.hasOwn(override, "environments"))
      out.push(
        errorAt({
          code: "invalid-value",
          message: `environments.${name}.environments: environments cannot be nested`,
          hint: "an environment overrides the keys of the config; declare every environment at the top level",
          at: source.locateKey([...at, "environments"]),
          field: `/environments/${name}/environments`,
        }),
      );
  }
  return out;
}

/** --env NAME, else CAMPAIGN_ENV; undefined when neither is given. */
export function chooseEnvironment(
  declared: readonly string[],
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  configFile: string | undefined,
): string | undefined {
  const fromEnv = env["CAMPAIGN_ENV"]?.trim() ? env["CAMPAIGN_ENV"] : undefined;
  const name = flag ?? fromEnv;
  if (name === undefined) return undefined;
  const given = flag !== undefined ? `--env ${shown(name)}` : `CAMPAIGN_ENV=${shown(name)}`;
  if (declared.length === 0)
    throw new ToolError(
      "unknown-environment",
      `${given} names an environment, but ${configFile === undefined ? "no config file was found, so none is declared" : `the configuration ${configFile} declares no environments`}`,
      `${flag !== undefined ? "drop --env" : "unset CAMPAIGN_ENV"}, or declare the environment under environments: in the config`,
    );
  if (declared.includes(name)) return name;
  // A misspelling, or the start of one name only (prod → production).
  const starting = declared.filter((d) => name.length >= 2 && d.startsWith(name.toLowerCase()));
  const suggestion = closestName(name, declared) ?? (starting.length === 1 ? starting[0] : undefined);
  throw new ToolError(
    "unknown-environment",
    `unknown environment ${shown(name)} (${flag !== undefined ? "--env" : "CAMPAIGN_ENV"}): ${declaredIn(configFile, declared)}${suggestion ? ` — did you mean ${suggestion}?` : ""}`,
    `name one of them: --env ${suggestion ?? declared[0]!} (or CAMPAIGN_ENV=${suggestion ?? declared[0]!})`,
    configFile !== undefined ? { file: configFile } : {},
  );
}

/** Environments are declared and none was chosen: nothing runs against a default that could be production. */
export function environmentRequired(declared: readonly string[], configFile: string | undefined): ToolError {
  return new ToolError(
    "environment-required",
    `no environment chosen: ${declaredIn(configFile, declared)}`,
    `name the one to use: --env ${declared[0]!} (or CAMPAIGN_ENV=${declared[0]!}); there is no default environment`,
    configFile !== undefined ? { file: configFile } : {},
  );
}

function declaredIn(configFile: string | undefined, declared: readonly string[]): string {
  return `the configuration ${configFile ?? ""} declares ${declared.length === 1 ? "the environment" : "the environments"} ${declared.join(", ")}`.replace(
    "  ",
    " ",
  );
}

/** A name as given on the command line or in the environment: masked (it may be a number pasted by mistake), quoted (escaped), cut short when long. */
function shown(name: string): string {
  return JSON.stringify(maskSensitiveText(name.length > 40 ? `${name.slice(0, 40)}…` : name));
}
