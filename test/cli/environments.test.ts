import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fakePlatform, ok, type FakePlatform } from "../fakes/platform.js";
import { campaignYaml, daytimeNow, reportRecord, runCli, tempDir } from "../helpers.js";

// Named environments (issue 18, section 2) against two independent fake platforms: staging and
// production each at its own api.baseUrl. Every request is scripted; an unexpected one fails.

const config = (staging: FakePlatform, production: FakePlatform, extra = "") =>
  `api:\n  timezone: Asia/Shanghai\n${extra}environments:\n  staging:\n    api:\n      baseUrl: ${staging.url}\n  production:\n    api:\n      baseUrl: ${production.url}\n`;

async function twoPlatforms(files: Record<string, string> = {}, extra = "") {
  const staging = await fakePlatform({ now: daytimeNow });
  const production = await fakePlatform({ now: daytimeNow });
  const dir = await tempDir({
    "campaign.config.yaml": config(staging, production, extra),
    "campaigns/a.yaml": campaignYaml("dues-north"),
    ...files,
  });
  // The credentials only: each environment's address comes from its api.baseUrl.
  const { LAAFFIC_BASE_URL: _url, ...credentials } = staging.env;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, dir, { ...credentials, ...env }, staging.now());
  return { staging, production, dir, cli };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Every command that reads the state or calls the platform, with what it needs to get past commander. */
const NEEDS_ONE: Record<string, string[]> = {
  plan: ["plan"],
  apply: ["apply", "--auto-approve"],
  refresh: ["refresh"],
  "state list": ["state", "list"],
  "state show": ["state", "show", "dues-north"],
  "state resolve": ["state", "resolve", "dues-north", "--not-submitted"],
  "state forget": ["state", "forget", "dues-north"],
  "state migrate": ["state", "migrate", "--to", "postgres"],
  "force-unlock": ["force-unlock", "lock-id"],
  outcomes: ["outcomes"],
  receive: ["receive", "--port", "0"],
  "reports import": ["reports", "import", "reports.ndjson"],
  doctor: ["doctor"],
};

describe("named environments against two platforms", () => {
  test("plan without an environment exits 1 naming both, in text and as one JSON document; nothing is sent", async () => {
    const { staging, production, cli } = await twoPlatforms();
    const text = await cli(["plan"]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr).toContain(
      "error environment-required: no environment chosen: the configuration campaign.config.yaml declares the environments staging, production",
    );
    expect(text.stderr).toContain("hint: name the one to use: --env staging (or CAMPAIGN_ENV=staging)");
    const json = await cli(["plan", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      formatVersion: 1,
      error: {
        code: "environment-required",
        message:
          "no environment chosen: the configuration campaign.config.yaml declares the environments staging, production",
        hint: "name the one to use: --env staging (or CAMPAIGN_ENV=staging); there is no default environment",
        file: "campaign.config.yaml",
      },
    });
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("--env staging submits to the staging platform only, CAMPAIGN_ENV=production to production only, each with its own state", async () => {
    const { staging, production, dir, cli } = await twoPlatforms();
    staging.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
    const first = await cli(["apply", "--auto-approve", "--env", "staging"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.split("\n")[0]).toBe(
      "Campaign plan for environment staging: no state yet — this is the first apply.",
    );
    expect(first.stdout).toContain("Apply in environment staging:\n  ✓ dues-north: task 5000, 1 recipient");
    staging.done();
    expect(production.requests).toEqual([]);
    expect(await exists(join(dir, ".campaign/staging/state.json"))).toBe(true);
    expect(await exists(join(dir, ".campaign/production/state.json"))).toBe(false);
    expect(await exists(join(dir, ".campaign/state.json"))).toBe(false);

    production.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(7000));
    const second = await cli(["apply", "--auto-approve", "--json"], { CAMPAIGN_ENV: "production" });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      environment: "production",
      summary: { submitted: 1 },
      outcomes: [{ taskName: "dues-north", taskId: 7000 }],
    });
    production.done();
    expect(staging.requests.length).toBe(1);

    // Each state holds its own platform's task; each plan is clean against its own.
    const list = async (env: string) =>
      JSON.parse((await cli(["state", "list", "--json", "--env", env])).stdout) as {
        campaigns: Record<string, { taskId: number }>;
      };
    expect((await list("staging")).campaigns).toMatchObject({ "dues-north": { taskId: 5000 } });
    expect((await list("production")).campaigns).toMatchObject({ "dues-north": { taskId: 7000 } });
    for (const env of ["staging", "production"]) {
      const plan = await cli(["plan", "--detailed-exitcode", "--env", env]);
      expect(plan.code, env).toBe(0);
      expect(plan.stdout.split("\n")[0]).toMatch(
        new RegExp(`^Campaign plan for environment ${env} against state serial \\d+`),
      );
    }
    const staged = JSON.parse(await readFile(join(dir, ".campaign/staging/state.json"), "utf8")) as { lineage: string };
    const produced = JSON.parse(await readFile(join(dir, ".campaign/production/state.json"), "utf8")) as {
      lineage: string;
    };
    expect(staged.lineage).not.toBe(produced.lineage);
    expect(staging.requests.length + production.requests.length).toBe(2);
  });

  test("an unknown environment is an error listing the known ones (text and JSON); nothing is sent", async () => {
    const { staging, production, cli } = await twoPlatforms();
    const text = await cli(["plan", "--env", "prod"]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      'error unknown-environment: unknown environment "prod" (--env): the configuration campaign.config.yaml declares the environments staging, production — did you mean production?',
    );
    const json = await cli(["apply", "--auto-approve", "--json"], { CAMPAIGN_ENV: "stagign" });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      formatVersion: 1,
      error: {
        code: "unknown-environment",
        message:
          'unknown environment "stagign" (CAMPAIGN_ENV): the configuration campaign.config.yaml declares the environments staging, production — did you mean staging?',
        hint: "name one of them: --env staging (or CAMPAIGN_ENV=staging)",
      },
    });
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("a phone number given as the environment's name is shown masked, text and JSON", async () => {
    const { cli } = await twoPlatforms();
    const text = await cli(["plan", "--env", "919777654321"]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('error unknown-environment: unknown environment "9197•••••321" (--env)');
    const json = await cli(["plan", "--json"], { CAMPAIGN_ENV: "919777654321" });
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "unknown-environment" } });
    expect(text.stdout + text.stderr + json.stdout + json.stderr).not.toContain("919777654321");
  });

  test("every command that reads the state or calls the platform needs one; JSON: one error document", async () => {
    const { staging, production, cli } = await twoPlatforms({ "reports.ndjson": "" });
    for (const [name, args] of Object.entries(NEEDS_ONE)) {
      const run = await cli(["--json", ...args]);
      expect(run.code, name).toBe(1);
      expect(JSON.parse(run.stdout), name).toMatchObject({ error: { code: "environment-required" } });
      expect(run.stderr, name).toContain("declares the environments staging, production");
    }
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("plan: markdown and JSON name the environment too", async () => {
    const { cli } = await twoPlatforms();
    const markdown = await cli(["plan", "--format", "markdown", "--env", "production"]);
    expect(markdown.stdout.split("\n")[0]).toBe("### 📞 `production` — Plan: 1 to create, 0 unchanged.");
    expect(markdown.stdout).toContain("Campaign plan for environment production: no state yet");
    const json = JSON.parse((await cli(["plan", "--json", "--env", "staging"])).stdout) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 3)).toEqual(["formatVersion", "planId", "environment"]);
    expect(json["environment"]).toBe("staging");
  });

  test("a saved plan applies only in its own environment (exit 3, nothing sent); in its own it applies", async () => {
    const { staging, production, cli } = await twoPlatforms();
    expect((await cli(["plan", "--out", "staging.plan.json", "--env", "staging"])).code).toBe(0);
    const elsewhere = await cli(["apply", "staging.plan.json", "--env", "production"]);
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toContain(
      "error plan-stale: the plan staging.plan.json was made for environment staging; this is production",
    );
    expect(elsewhere.stderr).toContain("apply it where it was made (--env staging)");
    const json = await cli(["apply", "staging.plan.json", "--json"], { CAMPAIGN_ENV: "production" });
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "plan-stale" } });
    expect(staging.requests.length + production.requests.length).toBe(0);
    staging.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
    const here = await cli(["apply", "staging.plan.json", "--env", "staging"]);
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toContain("Apply in environment staging:");
    staging.done();
    expect(production.requests).toEqual([]);
  });

  test("a saved plan's environment edited: to another or unreadable name refused as made elsewhere, to this one by its MAC", async () => {
    const { staging, production, dir, cli } = await twoPlatforms();
    expect((await cli(["plan", "--out", "p.json", "--env", "production"])).code).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, "p.json"), "utf8")) as Record<string, unknown>;
    await writeFile(join(dir, "p.json"), JSON.stringify({ ...saved, environment: "\u001b[31mstaging" }));
    const garbled = await cli(["apply", "p.json", "--env", "staging"]);
    expect(garbled.code).toBe(3);
    expect(garbled.stderr).toContain("the plan p.json was made for an unknown environment; this is staging");
    await writeFile(join(dir, "p.json"), JSON.stringify({ ...saved, environment: "staging" }));
    const moved = await cli(["apply", "p.json", "--env", "staging"]);
    expect(moved.code).toBe(3);
    expect(moved.stderr).toContain("error plan-tampered:");
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("a plan saved without environments is refused once they are declared (and its state is left behind)", async () => {
    const staging = await fakePlatform({ now: daytimeNow });
    const production = await fakePlatform({ now: daytimeNow });
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("dues-north") });
    const { LAAFFIC_BASE_URL: _url, ...credentials } = staging.env;
    const cli = (args: string[]) => runCli(args, dir, credentials, staging.now());
    expect((await cli(["plan", "--out", "old.plan.json"])).code).toBe(0);
    await writeFile(join(dir, "campaign.config.yaml"), config(staging, production));
    const refused = await cli(["apply", "old.plan.json", "--env", "staging"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("the plan old.plan.json was made without an environment; this is staging");
    expect(staging.requests.length + production.requests.length).toBe(0);
  });
});

describe("named environments: suppression lists", () => {
  test("the shared do-not-call list still suppresses in an environment that adds a list of its own", async () => {
    const { staging, production, cli, dir } = await twoPlatforms({
      "campaigns/a.yaml": campaignYaml("dues-north", "", ["919700000001", "919700000002", "919700000003"]),
      "lists/dnc.txt": "+91 97000 00002\n",
      "lists/staging-out.txt": "919700000003\n",
    });
    const lists = config(staging, production, "guards:\n  suppressionLists: [lists/dnc.txt]\n").replace(
      "  staging:\n",
      "  staging:\n    guards:\n      suppressionLists: [lists/staging-out.txt]\n",
    );
    await writeFile(join(dir, "campaign.config.yaml"), lists);
    const plan = await cli(["plan", "--env", "staging"]);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("would call 9197•••••002, which is on the suppression list lists/dnc.txt");
    expect(plan.stdout).toContain("would call 9197•••••003, which is on the suppression list lists/staging-out.txt");
    const productionPlan = await cli(["plan", "--env", "production"]);
    expect(productionPlan.stdout).toContain("lists/dnc.txt");
    expect(productionPlan.stdout).not.toContain("staging-out");
    expect(staging.requests.length + production.requests.length).toBe(0);
  });
});

describe("named environments: values the environment sets that something else wins over", () => {
  test("a campaign's or base's appId other than the environment's api.appId is a warning at the line that wins", async () => {
    const { staging, production, cli, dir } = await twoPlatforms({
      "campaigns/_base.yaml": "appId: BaseApp1\nagentId: 110\n",
      "campaigns/b.yaml":
        'extends: _base.yaml\ntaskName: dues-south\nnumberInfoList:\n  - calleeNumber: "919700000001"\n',
      "campaigns/c.yaml": 'taskName: dues-east\nagentId: 110\nnumberInfoList:\n  - calleeNumber: "919700000001"\n',
    });
    await writeFile(
      join(dir, "campaign.config.yaml"),
      config(staging, production).replace(
        "      baseUrl: " + staging.url,
        `      baseUrl: ${staging.url}\n      appId: StgApp01`,
      ),
    );
    const plan = await cli(["plan", "--env", "staging"]);
    expect(plan.code, plan.stderr).toBe(0);
    const output = plan.stdout + plan.stderr;
    expect(output).toContain(
      'campaigns/a.yaml:2:8: warning app-id-overrides-environment: appId "Jgd8oFei" is sent, not "StgApp01", the api.appId environment staging sets',
    );
    expect(output).toContain(
      'campaigns/_base.yaml:1:8: warning app-id-overrides-environment: appId "BaseApp1" is sent',
    );
    expect(output).not.toMatch(/campaigns\/c\.yaml.*app-id/); // it takes the environment's
    const json = await cli(["plan", "--env", "staging", "--format", "json"]);
    const entries = (JSON.parse(json.stdout) as { entries: { taskName: string; fields: { appId?: string } }[] })
      .entries;
    expect(Object.fromEntries(entries.map((e) => [e.taskName, e.fields.appId]))).toEqual({
      "dues-south": "BaseApp1",
      "dues-north": "Jgd8oFei",
      "dues-east": "StgApp01",
    });
    // production sets no appId of its own: nothing to warn about.
    const quiet = await cli(["plan", "--env", "production"]);
    expect(quiet.stdout + quiet.stderr).not.toContain("app-id-overrides-environment");
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("LAAFFIC_BASE_URL or LAAFFIC_APP_ID overriding a value the chosen environment sets is a warning at that value", async () => {
    const { staging, production, cli } = await twoPlatforms();
    const plan = await cli(["plan", "--env", "staging"], { LAAFFIC_BASE_URL: production.url });
    expect(plan.stderr).toContain(
      "campaign.config.yaml:6:16: warning variable-overrides-environment: LAAFFIC_BASE_URL overrides the api.baseUrl environment staging sets here: the variable's value is used",
    );
    expect(plan.stderr).not.toContain("LAAFFIC_APP_ID");
    const same = await cli(["plan", "--env", "staging"], { LAAFFIC_BASE_URL: staging.url, LAAFFIC_APP_ID: "Other01" });
    expect(same.stderr).not.toContain("variable-overrides-environment"); // the same address; no appId set here
    expect(staging.requests.length + production.requests.length).toBe(0);
  });
});

describe("named environments: the state of before", () => {
  test("a state that no environment uses stops every command until one keeps it; then it is that one's", async () => {
    const { staging, production, dir, cli } = await twoPlatforms();
    await writeFile(join(dir, "campaign.config.yaml"), "api:\n  timezone: Asia/Shanghai\n");
    staging.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
    expect((await cli(["apply", "--auto-approve"], { LAAFFIC_BASE_URL: staging.url })).code).toBe(0);
    staging.done();

    await writeFile(join(dir, "campaign.config.yaml"), config(staging, production));
    const refused = await cli(["plan", "--env", "production"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error state-conflict: the state .campaign/state.json is used by no environment: each environment has its own (production: ${join(".campaign", "production", "state.json")}), so planning against it would submit every campaign in .campaign/state.json again`,
    );
    expect(refused.stderr).toContain("set state.path: .campaign/state.json under environments.production");
    expect((await cli(["apply", "--auto-approve", "--env", "production"])).code).toBe(1);
    expect(production.requests).toEqual([]);

    await writeFile(
      join(dir, "campaign.config.yaml"),
      config(staging, production).replace("  staging:\n", "  staging:\n    state:\n      path: .campaign/state.json\n"),
    );
    const kept = await cli(["plan", "--detailed-exitcode", "--env", "staging"]);
    expect(kept.code, kept.stderr).toBe(0);
    expect((await cli(["plan", "--detailed-exitcode", "--env", "production"])).code).toBe(2);
  });

  test("each environment has its own report store; no output of one overwrites another's state or store", async () => {
    const { cli, dir } = await twoPlatforms({ "reports.ndjson": JSON.stringify(reportRecord("v1")) + "\n" });
    const imported = await cli(["reports", "import", "reports.ndjson", "--env", "staging"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(await exists(join(dir, ".campaign/staging/reports.db"))).toBe(true);
    expect(await exists(join(dir, ".campaign/production/reports.db"))).toBe(false);
    expect(await exists(join(dir, ".campaign/reports.db"))).toBe(false);
    for (const target of [".campaign/staging/reports.db", ".campaign/production/state.json", ".campaign/state.json"]) {
      const plan = await cli(["plan", "--env", "production", "--out", target]);
      expect(plan.code, target).toBe(1);
      expect(plan.stderr, target).toMatch(/error output-refused: .*(report store|state file)/);
    }
    expect(await exists(join(dir, ".campaign/production/state.json"))).toBe(false);
  });

  test("--state FILE is used as given, whatever the environment", async () => {
    const { cli, dir } = await twoPlatforms();
    expect((await cli(["plan", "--env", "staging", "--state", "mine.json", "--out", "p.json"])).code).toBe(0);
    expect(await exists(join(dir, "mine.json.new-salt"))).toBe(true);
  });

  test("--state naming another environment's state is refused (it records another account's tasks)", async () => {
    const { staging, production, cli, dir } = await twoPlatforms();
    for (const given of [".campaign/staging/state.json", "./.campaign/staging/../staging/state.json"]) {
      const refused = await cli(["apply", "--auto-approve", "--env", "production", "--state", given]);
      expect(refused.code, given).toBe(1);
      expect(refused.stderr).toContain(
        `error state-conflict: --state ${given} is the state of environment staging, not of production: its tasks were submitted to another account`,
      );
    }
    const json = await cli(["plan", "--json", "--state", ".campaign/production/state.json"], {
      CAMPAIGN_ENV: "staging",
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: "state-conflict" } });
    expect(await exists(join(dir, ".campaign/staging/state.json.new-salt"))).toBe(false);
    expect(staging.requests.length + production.requests.length).toBe(0);
  });

  test("the state of an environment no longer declared (renamed) stops a first apply of another", async () => {
    const { staging, production, cli, dir } = await twoPlatforms();
    const renamed = config(staging, production).replace("  production:\n", "  prod:\n");
    await writeFile(join(dir, "campaign.config.yaml"), renamed);
    production.expect("POST /voice/group/call/send/agent", (b) => b.taskName === "dues-north", ok(5000));
    expect((await cli(["apply", "--auto-approve", "--env", "prod"])).code).toBe(0);
    production.done();
    expect(await exists(join(dir, ".campaign/prod/state.json"))).toBe(true);
    await writeFile(join(dir, "campaign.config.yaml"), config(staging, production));
    const refused = await cli(["plan", "--env", "production"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error state-conflict: the state ${join(".campaign", "prod", "state.json")} belongs to no declared environment ("prod" is not one of staging, production), and production has no state yet`,
    );
    expect(refused.stderr).toContain('hint: if the environment was renamed, rename it back to "prod" in the config');
    expect((await cli(["apply", "--auto-approve", "--env", "production"])).code).toBe(1);
    // Once the environment has a state of its own, a leftover elsewhere no longer matters.
    await rename(join(dir, ".campaign/prod"), join(dir, ".campaign/production"));
    expect((await cli(["plan", "--detailed-exitcode", "--env", "production"])).code).toBe(0);
    expect(production.requests.length).toBe(1);
  });
});

describe("named environments: --env where none is declared, and validate", () => {
  test("--env or CAMPAIGN_ENV without environments is an error, never the default state", async () => {
    const fake = await fakePlatform({ now: daytimeNow });
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("dues-north") });
    const flag = await runCli(["apply", "--auto-approve", "--env", "staging"], dir, fake.env, fake.now());
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain(
      'error unknown-environment: --env "staging" names an environment, but no config file was found, so none is declared',
    );
    await writeFile(join(dir, "campaign.config.yaml"), "api:\n  timezone: Asia/Shanghai\n");
    const variable = await runCli(["plan", "--json"], dir, { ...fake.env, CAMPAIGN_ENV: "production" }, fake.now());
    expect(variable.code).toBe(1);
    expect(JSON.parse(variable.stdout)).toMatchObject({
      error: {
        code: "unknown-environment",
        message:
          'CAMPAIGN_ENV="production" names an environment, but the configuration campaign.config.yaml declares no environments',
      },
    });
    expect((await runCli(["validate", "--env", "x"], dir)).code).toBe(1);
    expect(fake.requests).toEqual([]);
  });

  test("validate needs no environment: it checks the campaigns in each, naming where a finding holds", async () => {
    const files = {
      "campaign.config.yaml":
        "environments:\n  staging:\n    defaults:\n      appId: StgApp01\n  production:\n    api:\n      timezone: Asia/Kolkata\n",
      "campaigns/a.yaml": "taskName: no-app\nagentId: 110\nnumberInfoList: [{calleeNumber: '919700000001'}]\n",
    };
    const dir = await tempDir(files);
    const all = await runCli(["validate"], dir);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/campaigns\/a\.yaml:1:1: error [a-z-]+: .*appId.* \(in environment production\)\n/);
    expect(all.stdout).toContain("0 campaigns valid, 1 invalid");
    const json = JSON.parse((await runCli(["validate", "--json"], dir)).stdout) as {
      valid: boolean;
      campaigns: { taskName: string; valid: boolean }[];
      diagnostics: { message: string }[];
    };
    expect(json.valid).toBe(false);
    expect(json.campaigns).toMatchObject([{ taskName: "no-app", valid: false }]);
    expect(json.diagnostics.every((d) => d.message.endsWith("(in environment production)"))).toBe(true);
    const markdown = await runCli(["validate", "--format", "markdown"], dir);
    expect(markdown.stdout).toContain("(in environment production)");
    expect(await runCli(["validate", "--env", "staging"], dir)).toMatchObject({
      code: 0,
      stdout: "1 campaign valid, 0 invalid, 0 warnings\n",
    });
    expect((await runCli(["validate"], dir, { CAMPAIGN_ENV: "production" })).code).toBe(1);
    // Found in every environment: said once, without naming them.
    await writeFile(join(dir, "campaigns/a.yaml"), "taskName: bad-agent\nappId: App1\nagentId: lots\n");
    const everywhere = await runCli(["validate"], dir);
    expect(everywhere.code).toBe(1);
    expect(everywhere.stdout).not.toContain("in environment");
    // A default an environment sets is reported where it was written, the campaign named.
    await writeFile(
      join(dir, "campaign.config.yaml"),
      "defaults:\n  maxRingingTime: 30\nenvironments:\n  staging:\n    defaults:\n      appId: StgApp01\n      maxRingingTime: 999\n  production:\n    defaults: { appId: PrdApp01 }\n",
    );
    const located = await runCli(["validate", "--env", "staging"], dir);
    expect(located.code).toBe(1);
    expect(located.stdout).toContain(
      "campaign.config.yaml:7:23: error out-of-range: maxRingingTime is 999 but must be at most 120",
    );
    const production = await runCli(["validate", "--env", "production"], dir);
    expect(production.stdout).not.toContain("maxRingingTime");
  });
});
