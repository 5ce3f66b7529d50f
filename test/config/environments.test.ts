import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { configForEnvironment, loadConfig } from "../../src/config/index.js";
import { located, tempDir } from "../helpers.js";

const TWO = `api:
  baseUrl: https://api.laaffic.com
  timezone: UTC
  parallelism: 8
defaults:
  maxRingingTime: 60
  agentId: 110
guards:
  suppressionLists: [lists/a.txt, lists/b.txt]
  callingHours:
    start: "08:00"
    end: "21:00"
    countries:
      US: { start: "09:00" }
environments:
  staging:
    api:
      baseUrl: http://127.0.0.1:9001
    defaults:
      agentId: 220
    guards:
      suppressionLists: [lists/staging.txt]
      callingHours:
        countries:
          GB: { end: "20:00" }
  production: {}
`;

async function load(
  text: string,
  environment?: string,
  env: Record<string, string> = {},
  file = "campaign.config.yaml",
) {
  const dir = await tempDir({ [file]: text });
  return { dir, config: await loadConfig({ cwd: dir, env, environment }) };
}

describe("named environments: merging", () => {
  test("maps merge deeply, lists and values are replaced (suppression lists added), the rest is the top level's", async () => {
    const { config } = await load(TWO, "staging");
    expect(config.diagnostics).toEqual([]);
    expect(config.environment).toBe("staging");
    expect(config.environments).toEqual(["staging", "production"]);
    const { settings } = config;
    expect(settings.api).toMatchObject({ baseUrl: "http://127.0.0.1:9001", timezone: "UTC", parallelism: 8 });
    expect(settings.defaults).toEqual({ maxRingingTime: 60, agentId: 220 });
    // The shared do-not-call lists stay: an environment's own list is added to them.
    expect(settings.guards.suppressionLists).toEqual(["lists/a.txt", "lists/b.txt", "lists/staging.txt"]);
    expect(settings.guards.callingHours).toEqual({
      start: "08:00",
      end: "21:00",
      countries: { US: { start: "09:00" }, GB: { end: "20:00" } },
    });
    const production = (await load(TWO, "production")).config.settings;
    expect(production.api.baseUrl).toBe("https://api.laaffic.com");
    expect(production.defaults).toEqual({ maxRingingTime: 60, agentId: 110 });
    expect(production.guards.suppressionLists).toEqual(["lists/a.txt", "lists/b.txt"]);
  });

  test("suppression lists are united in order, each once: above, then the environment's", async () => {
    const text =
      "guards:\n  suppressionLists: [lists/dnc.txt, lists/b.txt]\nenvironments:\n  staging:\n    guards:\n      suppressionLists: [lists/b.txt, lists/testers-out.txt]\n  solo:\n    guards: { maxRecipientsPerApply: 5 }\n";
    expect((await load(text, "staging")).config.settings.guards.suppressionLists).toEqual([
      "lists/dnc.txt",
      "lists/b.txt",
      "lists/testers-out.txt",
    ]);
    expect((await load(text, "solo")).config.settings.guards.suppressionLists).toEqual([
      "lists/dnc.txt",
      "lists/b.txt",
    ]);
    const only = "environments:\n  staging:\n    guards:\n      suppressionLists: [lists/x.txt]\n";
    const { config } = await load(only, "staging");
    expect(config.settings.guards.suppressionLists).toEqual(["lists/x.txt"]);
    expect(config.source.locate(["guards", "suppressionLists", 0])).toMatchObject({ line: 4 });
  });

  test("a value an environment replaces with a scalar (callingHours: false) is replaced whole", async () => {
    const { config } = await load(
      'guards:\n  callingHours: { start: "08:00", end: "21:00" }\nenvironments:\n  night:\n    guards:\n      callingHours: false\n',
      "night",
    );
    expect(config.settings.guards.callingHours).toBe(false);
  });

  test("each key is located where it was written: in the environment when it set it, else above", async () => {
    const { config } = await load(TWO, "staging");
    expect(config.source.locate(["defaults", "agentId"])).toMatchObject({ line: 20 });
    expect(config.source.locate(["defaults", "maxRingingTime"])).toMatchObject({ line: 6 });
    expect(config.source.locate(["guards", "suppressionLists", 0])).toMatchObject({ line: 9 });
    expect(config.source.locate(["guards", "suppressionLists", 1])).toMatchObject({ line: 9 });
    expect(config.source.locate(["guards", "suppressionLists", 2])).toMatchObject({ line: 22 });
    expect(config.source.locate(["guards", "callingHours", "start"])).toMatchObject({ line: 11 });
    expect(config.source.locate(["api", "baseUrl"])).toMatchObject({ line: 18 });
    const production = (await load(TWO, "production")).config;
    expect(production.source.locate(["defaults", "agentId"])).toMatchObject({ line: 7 });
  });

  test("each environment has its own state and report store; one it sets itself is used as written", async () => {
    const text = `state:
  path: state/campaigns.json
  schema: campaigns
reports:
  backend: postgres
  url: postgres://campaigns@db:5432/campaigns
environments:
  staging: {}
  eu-west: {}
  production:
    state:
      path: .campaign/state.json
    reports:
      schema: prod_reports
`;
    const staging = (await load(text, "staging")).config.settings;
    expect(staging.statePath).toBe(join("state", "staging", "campaigns.json"));
    expect(staging.state.schema).toBe("campaigns_staging");
    expect(staging.reports).toMatchObject({
      path: join(".campaign", "staging", "reports.db"),
      schema: "laaffic_campaign_staging",
    });
    expect((await load(text, "eu-west")).config.settings.state.schema).toBe("campaigns_eu_west");
    const production = (await load(text, "production")).config.settings;
    expect(production.statePath).toBe(".campaign/state.json");
    expect(production.reports.schema).toBe("prod_reports");
    // Without environments nothing moves.
    const plain = (await load("state:\n  path: state/campaigns.json\n")).config.settings;
    expect(plain.statePath).toBe("state/campaigns.json");
    expect(plain.reports.path).toBe(".campaign/reports.db");
  });

  test("paths set in an environment are relative to the config file's directory, like the others", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "environments:\n  staging:\n    campaignsDir: staging-campaigns\n",
      "sub/x.txt": "",
    });
    const config = await loadConfig({ cwd: join(dir, "sub"), env: {}, environment: "staging" });
    expect(config.settings.campaignsDir).toBe(join("..", "staging-campaigns"));
    expect(config.settings.statePath).toBe(join("..", ".campaign", "staging", "state.json"));
  });

  test("configForEnvironment: the keys above every environment, and another environment of the same file", async () => {
    const { dir, config } = await load(TWO, "staging");
    const above = configForEnvironment(config, undefined, { cwd: dir, env: {} });
    expect(above.environment).toBeUndefined();
    expect(above.settings.statePath).toBe(".campaign/state.json");
    expect(above.settings.api.baseUrl).toBe("https://api.laaffic.com");
    const production = configForEnvironment(config, "production", { cwd: dir, env: {} });
    expect(production.settings.statePath).toBe(join(".campaign", "production", "state.json"));
  });

  test("environment variables still override an environment's keys", async () => {
    const { config } = await load(TWO, "staging", { LAAFFIC_BASE_URL: "http://127.0.0.1:9999" });
    expect(config.settings.api.baseUrl).toBe("http://127.0.0.1:9999");
  });
});

describe("named environments: validation", () => {
  test("an override is validated like the top level, every error at the config file's line", async () => {
    const { config } = await load(`api:
  baseUrl: https://api.laaffic.com
environments:
  prod:
    api:
      baseUrl: ftp://example.com
      timezone: Mars/Base
      secret: abc
    guards:
      maxRecipientsPerApply: 0
    sate: {}
    state:
      url: postgres://u:hunter2@db/x
  other: 5
`);
    expect(located(config)).toEqual([
      "campaign.config.yaml:13:12: error secret-in-config: environments.prod.state.url holds a password, which must not be in a config file",
      "campaign.config.yaml:8:7: error secret-in-config: environments.prod.api.secret must not be in a config file: credentials are read from the environment only",
      "campaign.config.yaml:11:5: error unknown-field: unknown field sate — did you mean state?",
      'campaign.config.yaml:6:16: error invalid-value: environments.prod.api.baseUrl "ftp://example.com" has the wrong form',
      "campaign.config.yaml:10:30: error out-of-range: environments.prod.guards.maxRecipientsPerApply is 0 but must be at least 1",
      "campaign.config.yaml:14:10: error wrong-type: environments.other must be an object, not a number",
      'campaign.config.yaml:7:17: error invalid-value: environments.prod.api.timezone "Mars/Base" is not a known IANA time zone',
    ]);
    expect(JSON.stringify(config.diagnostics)).not.toMatch(/hunter2|abc"/);
    expect(config.diagnostics.map((d) => d.field)).toContain("/environments/prod/guards/maxRecipientsPerApply");
  });

  test("a URL a parser refuses in an environment is an error there (the schema's pattern allows it)", async () => {
    const { config } = await load('environments:\n  staging:\n    api:\n      baseUrl: "http://example.com:99999"\n');
    expect(located(config)).toEqual([
      'campaign.config.yaml:4:16: error invalid-value: environments.staging.api.baseUrl "http://example.com:99999" is not a valid URL',
    ]);
  });

  test("names: a safe pattern; an empty environment; no nesting — each said in its own words at the key", async () => {
    const { config } = await load(
      "environments:\n  Staging: {}\n  ../prod: {}\n  empty:\n  outer:\n    environments:\n      inner: {}\n",
    );
    expect(located(config)).toEqual([
      'campaign.config.yaml:2:3: error invalid-environment-name: "Staging" is not an environment name: lowercase letters, digits, - and _, starting with a letter, at most 32 characters',
      'campaign.config.yaml:3:3: error invalid-environment-name: "../prod" is not an environment name: lowercase letters, digits, - and _, starting with a letter, at most 32 characters',
      "campaign.config.yaml:4:3: error wrong-type: environments.empty is empty",
      "campaign.config.yaml:6:5: error invalid-value: environments.outer.environments: environments cannot be nested",
    ]);
    expect(config.diagnostics[2]!.hint).toBe("an environment that overrides nothing is written empty: {}");
  });

  test("more than 32 environments is an error", async () => {
    const names = Array.from({ length: 33 }, (_, i) => `  e${i}: {}\n`).join("");
    const { config } = await load(`environments:\n${names}`);
    expect(config.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^environments .*(32|more than)/)]);
  });

  test("two environments sharing one state or report store is an error at the second one", async () => {
    const { config } = await load(
      "environments:\n  staging:\n    state: { path: shared.json }\n  production:\n    state: { path: ./shared.json }\n    reports: { path: r.db }\n  qa:\n    reports: { path: r.db }\n",
    );
    expect(located(config)).toEqual([
      "campaign.config.yaml:4:3: error shared-environment-store: environments staging and production share one state (state: ./shared.json); each environment needs its own",
      "campaign.config.yaml:7:3: error shared-environment-store: environments production and qa share one report store (reports: r.db); each environment needs its own",
    ]);
  });

  test("a PostgreSQL schema made too long for an environment is an error naming what to set", async () => {
    const schema = "s".repeat(60);
    const { config } = await load(`state:\n  backend: postgres\n  schema: ${schema}\nenvironments:\n  staging: {}\n`);
    expect(located(config)).toEqual([
      `campaign.config.yaml:5:3: error invalid-value: the PostgreSQL schema made for environment staging from state.schema, ${schema}_staging, is longer than 63 characters`,
    ]);
  });

  test("errors inside an environment of a JSON config are located too", async () => {
    const { config } = await load(
      '{\n  "environments": {\n    "staging": {\n      "api": { "parallelism": 0 }\n    }\n  }\n}\n',
      undefined,
      {},
      "campaign.config.json",
    );
    expect(located(config)).toEqual([
      "campaign.config.json:4:31: error out-of-range: environments.staging.api.parallelism is 0 but must be at least 1",
    ]);
  });
});

describe("named environments: choosing one", () => {
  test("--env wins over CAMPAIGN_ENV; CAMPAIGN_ENV alone chooses; neither leaves it to the command", async () => {
    expect((await load(TWO, "staging", { CAMPAIGN_ENV: "production" })).config.environment).toBe("staging");
    expect((await load(TWO, undefined, { CAMPAIGN_ENV: "production" })).config.environment).toBe("production");
    const none = (await load(TWO)).config;
    expect(none.environment).toBeUndefined();
    expect(none.settings.statePath).toBe(".campaign/state.json");
  });

  test("an unknown name lists the declared ones, with a did-you-mean", async () => {
    await expect(load(TWO, "prod")).rejects.toMatchObject({
      code: "unknown-environment",
      message:
        'unknown environment "prod" (--env): the configuration campaign.config.yaml declares the environments staging, production — did you mean production?',
      hint: "name one of them: --env production (or CAMPAIGN_ENV=production)",
    });
    await expect(load(TWO, undefined, { CAMPAIGN_ENV: "qa" })).rejects.toMatchObject({
      message:
        'unknown environment "qa" (CAMPAIGN_ENV): the configuration campaign.config.yaml declares the environments staging, production',
    });
  });

  test("--env or CAMPAIGN_ENV where none is declared is an error, not the default", async () => {
    await expect(load("api:\n  timezone: UTC\n", "staging")).rejects.toMatchObject({
      code: "unknown-environment",
      message:
        '--env "staging" names an environment, but the configuration campaign.config.yaml declares no environments',
    });
    const dir = await tempDir();
    await expect(loadConfig({ cwd: dir, env: { CAMPAIGN_ENV: "production" } })).rejects.toMatchObject({
      message: 'CAMPAIGN_ENV="production" names an environment, but no config file was found, so none is declared',
      hint: "unset CAMPAIGN_ENV, or declare the environment under environments: in the config",
    });
  });

  test("a config with errors reports them, and chooses nothing", async () => {
    const { config } = await load("environments:\n  staging:\n    api: { parallelism: 0 }\n", "nope");
    expect(config.diagnostics).toHaveLength(1);
    expect(config.environment).toBeUndefined();
  });
});
