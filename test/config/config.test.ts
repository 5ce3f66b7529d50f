import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { located, runCli, tempDir } from "../helpers.js";

const CAMPAIGN = "taskName: cfg-test\nagentId: 110\nnumberInfoList: [{calleeNumber: '919700000001'}]\n";

describe("configuration", () => {
  test("found as .campaignrc.yaml (cosmiconfig's search places), with defaults and env overrides applied", async () => {
    const dir = await tempDir({ ".campaignrc.yaml": "campaignsDir: flows\napi:\n  timezone: UTC\n  parallelism: 8\n" });
    const { settings, diagnostics } = await loadConfig({
      cwd: dir,
      env: { LAAFFIC_BASE_URL: "http://127.0.0.1:9999", LAAFFIC_APP_ID: "EnvApp" },
    });
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({
      configFile: ".campaignrc.yaml",
      campaignsDir: "flows",
      statePath: ".campaign/state.json",
      api: { baseUrl: "http://127.0.0.1:9999", appId: "EnvApp", timezone: "UTC", parallelism: 8, timeoutMs: 30000 },
    });
  });

  test("package.json#campaign and an explicit --config file", async () => {
    const dir = await tempDir({
      "package.json": '{"name":"x","campaign":{"campaignsDir":"pkg"}}',
      "other.json": '{"campaignsDir":"explicit"}',
    });
    expect((await loadConfig({ cwd: dir, env: {} })).settings.campaignsDir).toBe("pkg");
    expect((await loadConfig({ cwd: dir, configFile: "other.json", env: {} })).settings.campaignsDir).toBe("explicit");
  });

  test("a missing --config file is an error", async () => {
    const dir = await tempDir();
    await expect(loadConfig({ cwd: dir, configFile: "nope.yaml", env: {} })).rejects.toMatchObject({
      code: "config-not-found",
    });
  });

  test("a key or secret in a config file is refused, at its position, without echoing it", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "api:\n  baseUrl: https://api.laaffic.com\n  secret: 7bz1lzh9\napiKey: bDqJFiq9\n",
    });
    const { diagnostics } = await loadConfig({ cwd: dir, env: {} });
    expect(located({ diagnostics })).toEqual([
      "campaign.config.yaml:3:3: error secret-in-config: api.secret must not be in a config file: credentials are read from the environment only",
      "campaign.config.yaml:4:1: error secret-in-config: apiKey must not be in a config file: credentials are read from the environment only",
    ]);
    expect(diagnostics.map((d) => d.hint)).toEqual([
      "remove it and set LAAFFIC_API_SECRET in the environment (in CI: a repository secret)",
      "remove it and set LAAFFIC_API_KEY in the environment (in CI: a repository secret)",
    ]);
    expect(JSON.stringify(diagnostics)).not.toMatch(/7bz1lzh9|bDqJFiq9/);
  });

  test("a PostgreSQL URL with a password in the config is refused; CAMPAIGN_PG_URL overrides the config's URL", async () => {
    const dir = await tempDir({
      "campaign.config.yaml":
        "state:\n  backend: postgres\n  url: postgres://campaigns:hunter2@db:5432/prod\nreports:\n  backend: postgres\n  url: postgres://campaigns@db:5432/prod\n",
    });
    const { diagnostics } = await loadConfig({ cwd: dir, env: {} });
    expect(located({ diagnostics })).toEqual([
      "campaign.config.yaml:3:8: error secret-in-config: state.url holds a password, which must not be in a config file",
    ]);
    expect(JSON.stringify(diagnostics)).not.toContain("hunter2");
    await writeFile(
      join(dir, "campaign.config.yaml"),
      "state:\n  backend: postgres\n  url: postgres://campaigns@db:5432/prod\n",
    );
    const { settings } = await loadConfig({ cwd: dir, env: { CAMPAIGN_PG_URL: "postgres://other@db2/x" } });
    expect(settings.state).toEqual({ backend: "postgres", url: "postgres://other@db2/x", schema: "laaffic_campaign" });
    expect(settings.reports).toMatchObject({ backend: "sqlite", url: "postgres://other@db2/x" });
  });

  test("a password in a config URL is refused whatever it holds (/, @, #, :, a password setting)", async () => {
    const passwords = ["p/ss", "a@b", "we#ird", "x:y", "a@b/c#d", "@", "/", "hunter2"];
    const urls = passwords
      .flatMap((pw) => [`postgres://campaigns:${pw}@db:5432/prod`, `postgresql://u:${pw}@db/x`])
      .concat(["postgres://u@db/x?password=s3cret", "postgres://u@db/x?sslmode=require&sslpassword=s3cret"]);
    for (const url of urls) {
      const dir = await tempDir({ "campaign.config.json": JSON.stringify({ state: { backend: "postgres", url } }) });
      const { diagnostics } = await loadConfig({ cwd: dir, env: {} });
      expect(
        diagnostics.map((d) => d.code),
        url,
      ).toContain("secret-in-config");
    }
    for (const url of ["postgres://campaigns@db:5432/prod", "postgres://db/x", "postgresql://u@db/x?sslmode=require"]) {
      const dir = await tempDir({ "campaign.config.json": JSON.stringify({ state: { backend: "postgres", url } }) });
      expect((await loadConfig({ cwd: dir, env: {} })).diagnostics, url).toEqual([]);
    }
  });

  test("unknown keys, bad values and an unknown time zone are reported with positions", async () => {
    const dir = await tempDir({
      "campaign.config.json": '{\n  "campaignDir": "x",\n  "api": { "timeoutMs": 5, "timezone": "Mars/Olympus" }\n}\n',
    });
    const { diagnostics } = await loadConfig({ cwd: dir, env: {} });
    expect(located({ diagnostics })).toEqual([
      "campaign.config.json:2:3: error unknown-field: unknown field campaignDir — did you mean campaignsDir?",
      "campaign.config.json:3:25: error out-of-range: api.timeoutMs is 5 but must be at least 100",
      'campaign.config.json:3:40: error invalid-value: api.timezone "Mars/Olympus" is not a known IANA time zone',
    ]);
  });

  test("defaults are merged under every campaign; the campaign's own value wins; errors in a default point at the config", async () => {
    const dir = await tempDir({
      "campaign.config.yaml": "defaults:\n  appId: DefaultApp\n  maxRingingTime: 500\n",
      "campaigns/a.yaml": CAMPAIGN,
      "campaigns/b.yaml": CAMPAIGN.replace("cfg-test", "cfg-test-2") + "appId: OwnApp\nmaxRingingTime: 30\n",
    });
    const run = await runCli(["validate"], dir);
    expect(run.stdout).toContain(
      "campaign.config.yaml:3:19: error out-of-range: maxRingingTime is 500 but must be at most 120",
    );
    expect(run.stdout).toContain("1 campaign valid, 1 invalid, 0 warnings");
    expect(run.code).toBe(1);
  });

  test("api.appId (or LAAFFIC_APP_ID) fills in a campaign's missing appId", async () => {
    const dir = await tempDir({ "campaigns/a.yaml": CAMPAIGN });
    expect((await runCli(["validate"], dir)).stdout).toContain("missing required field appId");
    const run = await runCli(["validate"], dir, { LAAFFIC_APP_ID: "FromEnv" });
    expect(run.stdout).toBe("1 campaign valid, 0 invalid, 0 warnings\n");
    expect(run.code).toBe(0);
  });
});
