import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { runCli, tempDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

describe("campaign init", () => {
  test("scaffolds a repository whose example validates, with the schema line, .gitignore and workflow", async () => {
    const dir = await tempDir({ ".gitignore": "node_modules/" });
    const init = await runCli(["init"], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("campaigns/example.yaml");
    const validate = await runCli(["validate"], dir);
    // production's example and staging's tester campaign
    expect(validate).toMatchObject({ code: 0, stdout: "2 campaigns valid, 0 invalid, 0 warnings\n" });
    const example = await readFile(join(dir, "campaigns/example.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=../.campaign/campaign.schema.json");
    expect(JSON.parse(await readFile(join(dir, ".campaign/campaign.schema.json"), "utf8"))).toMatchObject({
      title: "Campaign",
    });
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(
      "node_modules/\n# laaffic-campaign\n.campaign/**/*.lock\n.campaign/**/*.new-salt\n.campaign/**/*.tmp\n.campaign/**/.*.tmp\n.campaign/**/reports.db*\nplan.json\nplan.md\n",
    );
    const plan = await runCli(["plan", "--env", "staging"], dir);
    expect(plan.stdout.split("\n")[0]).toBe(
      "Campaign plan for environment staging: no state yet — this is the first apply.",
    );
    expect(plan.stdout).toContain("Plan: 1 to create, 0 unchanged.");
  });

  test("the scaffolded config declares staging and production: plan needs one of them, each with its own state", async () => {
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const config = parse(await readFile(join(dir, "campaign.config.yaml"), "utf8")) as {
      environments: Record<string, unknown>;
    };
    expect(Object.keys(config.environments)).toEqual(["staging", "production"]);
    const none = await runCli(["plan"], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "no environment chosen: the configuration campaign.config.yaml declares the environments staging, production",
    );
    const production = await runCli(["plan", "--out", "plan.json"], dir, { CAMPAIGN_ENV: "production" });
    expect(production.code).toBe(0);
    expect(production.stdout.split("\n")[0]).toBe(
      "Campaign plan for environment production: no state yet — this is the first apply.",
    );
    // The plan before any state binds to the salt beside the environment's own state.
    await expect(readFile(join(dir, ".campaign/production/state.json.new-salt"), "utf8")).resolves.toBeTruthy();
    await expect(readFile(join(dir, ".campaign/staging/state.json.new-salt"), "utf8")).rejects.toThrow();
  });

  test("the .gitignore lines ignore the lock, salt and report store beside every environment's state, not the state", async (context) => {
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    if (git("init", "-q").status !== 0) return context.skip();
    const ignored = (path: string) => git("check-ignore", "-q", "--no-index", path).status === 0;
    for (const path of [
      ".campaign/state.json.lock",
      ".campaign/staging/state.json.lock",
      ".campaign/production/state.json.new-salt",
      ".campaign/staging/.state.json.1234.tmp",
      ".campaign/staging/reports.db",
      ".campaign/staging/reports.db-wal",
    ])
      expect([path, ignored(path)]).toEqual([path, true]);
    for (const path of [".campaign/staging/state.json", ".campaign/production/state.json.journal"])
      expect([path, ignored(path)]).toEqual([path, false]);
  });

  test("staging has its own campaigns (a tester's), never production's: no customer is called from the staging account", async () => {
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const config = parse(await readFile(join(dir, "campaign.config.yaml"), "utf8")) as {
      campaignsDir: string;
      environments: Record<string, { campaignsDir?: string }>;
    };
    expect(config.campaignsDir).toBe("campaigns");
    expect(config.environments["staging"]?.campaignsDir).toBe("staging/campaigns");
    expect(config.environments["production"]?.campaignsDir).toBeUndefined();
    const staging = await runCli(["plan", "--env", "staging", "--format", "json"], dir);
    const production = await runCli(["plan", "--env", "production", "--format", "json"], dir);
    const names = (out: string) =>
      (JSON.parse(out) as { entries: { taskName: string }[] }).entries.map((e) => e.taskName);
    expect(names(staging.stdout)).toEqual(["tester-reminders"]);
    const fields = (JSON.parse(staging.stdout) as { entries: { fields: { appId: string } }[] }).entries[0]!.fields;
    expect(fields.appId).toBe("YOUR_STAGING_APP_ID"); // the environment's, with no warning about another
    expect(staging.stdout + staging.stderr).not.toContain("app-id-overrides-environment");
    expect(names(production.stdout)).toEqual(["example-reminders"]);
    const tester = await readFile(join(dir, "staging/campaigns/tester.yaml"), "utf8");
    expect(tester.split("\n")[0]).toBe("# yaml-language-server: $schema=../../.campaign/campaign.schema.json");
    expect(tester).toContain('calleeNumber: "919700000002" # a placeholder');
    expect(await readFile(join(dir, "campaigns/example.yaml"), "utf8")).not.toContain("919700000002");
  });

  test("refuses to overwrite unless --force, and says so before writing anything", async () => {
    const dir = await tempDir({ "campaign.config.yaml": "campaignsDir: mine\n" });
    const refused = await runCli(["init"], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("init would overwrite campaign.config.yaml");
    expect(await readFile(join(dir, "campaign.config.yaml"), "utf8")).toBe("campaignsDir: mine\n");
    await expect(readFile(join(dir, "campaigns/example.yaml"), "utf8")).rejects.toThrow();
    expect((await runCli(["init", "--force"], dir)).code).toBe(0);
    expect(await readFile(join(dir, "campaign.config.yaml"), "utf8")).toContain("campaignsDir: campaigns");
    expect((await runCli(["init", "--force"], dir)).stdout).toContain(".gitignore (0 lines added)");
  });

  test("init into a new directory", async () => {
    const dir = await tempDir();
    expect((await runCli(["init", "repo"], dir)).code).toBe(0);
    expect((await runCli(["validate", "repo/campaigns"], dir)).code).toBe(0);
  });
});

describe("GitHub Actions workflow", () => {
  interface Job {
    if: string;
    needs?: string;
    environment?: string;
    env?: Record<string, string>;
    strategy?: { matrix: { environment: string[] } };
    concurrency?: { group: string; "cancel-in-progress": boolean };
    steps: {
      name?: string;
      run?: string;
      env?: Record<string, string>;
      if?: string;
      uses?: string;
      with?: Record<string, string>;
    }[];
  }
  const workflow = async () =>
    parse(await readFile(join(REPO, "examples/github-actions/campaigns.yml"), "utf8")) as {
      on: { pull_request: unknown; push: { branches: string[] } };
      jobs: Record<string, Job>;
    };

  test("plans every environment on pull requests (a matrix), with the documented flags", async () => {
    const { on, jobs } = await workflow();
    expect(on.push.branches).toEqual(["main"]);
    expect(on.pull_request).toBeDefined();
    const plan = jobs["plan"]!;
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.strategy?.matrix.environment).toEqual(["staging", "production"]);
    expect(plan.env).toEqual({ CAMPAIGN_ENV: "${{ matrix.environment }}" });
    expect(plan.environment).toBeUndefined(); // a plan waits for no approval
    expect(plan.steps.map((s) => s.run ?? "").join("\n")).toContain(
      "plan --detailed-exitcode --format markdown --out plan.json",
    );
    const upload = plan.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    expect(upload.with?.["name"]).toBe("campaign-plan-${{ matrix.environment }}");
  });

  test("applies staging and production on merge, production behind its environment's approval; state committed back", async () => {
    const { jobs } = await workflow();
    const staging = jobs["apply-staging"]!;
    const production = jobs["apply-production"]!;
    for (const [job, name] of [
      [staging, "staging"],
      [production, "production"],
    ] as const) {
      expect(job.if).toBe("github.event_name == 'push'");
      expect(job.environment).toBe(name);
      expect(job.env).toEqual({ CAMPAIGN_ENV: name });
      expect(job.concurrency).toMatchObject({ "cancel-in-progress": false });
      expect(job.concurrency?.group).toContain(name);
      const applyStep = job.steps.find((s) => s.name === "Apply")!;
      expect(applyStep.run).toBe("$CAMPAIGN apply --auto-approve");
      expect(applyStep.env).toEqual({
        LAAFFIC_API_KEY: "${{ secrets.LAAFFIC_API_KEY }}",
        LAAFFIC_API_SECRET: "${{ secrets.LAAFFIC_API_SECRET }}",
      });
      const commit = job.steps.find((s) => s.name === "Commit the state")!;
      expect(commit.if).toBe("always()");
      expect(commit.run).toContain("git add -A .campaign/");
    }
    // Independent: staging's guard or outage never holds back production's reviewed change.
    expect(staging.needs).toBeUndefined();
    expect(production.needs).toBeUndefined();
  });

  test("each apply refuses campaigns merged after the run's commit (the checkout is main's tip)", async () => {
    const { jobs } = await workflow();
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const config = parse(await readFile(join(dir, "campaign.config.yaml"), "utf8")) as {
      campaignsDir: string;
      environments: Record<string, { campaignsDir?: string }>;
    };
    for (const name of ["staging", "production"]) {
      const job = jobs[`apply-${name}`]!;
      const checkout = job.steps.findIndex((s) => s.uses?.startsWith("actions/checkout"));
      expect(job.steps[checkout]?.with).toEqual({ ref: "main" });
      const check = job.steps.findIndex((s) => s.name === "Check the campaigns are this run's");
      const apply = job.steps.findIndex((s) => s.name === "Apply");
      expect(checkout).toBeLessThan(check);
      expect(check).toBeLessThan(apply);
      const dirOf = config.environments[name]?.campaignsDir ?? config.campaignsDir;
      // The step itself, run as the job runs it: main's tip checked out shallow, GITHUB_SHA older.
      const script = job.steps[check]!.run!;
      const later = async (path: string) => {
        const repo = await gitRepo({ [`${dirOf}/a.yaml`]: "taskName: a\n", "campaign.config.yaml": "{}\n" });
        const approved = git(repo.origin, "rev-parse", "HEAD");
        await mkdir(dirname(join(repo.origin, path)), { recursive: true });
        await writeFile(join(repo.origin, path), "changed\n");
        git(repo.origin, "add", "-A");
        git(repo.origin, "commit", "-qm", "later");
        return runCheck(script, repo.cloneTip(), approved);
      };
      expect(await later(`${dirOf}/b.yaml`), `${name}: a campaign merged later`).toBe(1);
      expect(await later("campaign.config.yaml"), `${name}: the config changed later`).toBe(1);
      expect(await later("lists/dnc.txt"), `${name}: a suppression list changed later`).toBe(1);
      expect(await later("README.md"), `${name}: something else changed later`).toBe(0);
    }
  });

  test("the workflow's environments are the ones campaign init declares", async () => {
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const config = parse(await readFile(join(dir, "campaign.config.yaml"), "utf8")) as {
      environments: Record<string, unknown>;
    };
    const { jobs } = await workflow();
    expect(jobs["plan"]!.strategy?.matrix.environment).toEqual(Object.keys(config.environments));
    expect(await readFile(join(dir, ".github/workflows/campaigns.yml"), "utf8")).toContain("environment: production");
  });

  test("the flags the workflow uses exist in the CLI", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "x"), "");
    const planHelp = await runCli(["plan", "--help"], dir);
    for (const flag of ["--detailed-exitcode", "--out"]) expect(planHelp.stdout).toContain(flag);
    expect((await runCli(["--help"], dir)).stdout).toContain("--format <format>");
    expect((await runCli(["apply", "--help"], dir)).stdout).toContain("--auto-approve");
    expect((await runCli(["--help"], dir)).stdout).toMatch(/--env <name>.*CAMPAIGN_ENV/s);
  });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  }).trim();
}

/** A repository with one commit of `files`, and a way to take a shallow clone of its tip (as actions/checkout does). */
async function gitRepo(files: Record<string, string>): Promise<{ origin: string; cloneTip(): string }> {
  const origin = await tempDir(files);
  git(origin, "init", "-q", "-b", "main");
  git(origin, "config", "uploadpack.allowAnySHA1InWant", "true");
  git(origin, "add", "-A");
  git(origin, "commit", "-qm", "approved");
  return {
    origin,
    cloneTip: () => {
      const clone = join(origin, "..", `clone-${Math.random().toString(36).slice(2)}`);
      execFileSync("git", ["clone", "-q", "--depth", "1", "--branch", "main", `file://${origin}`, clone]);
      return clone;
    },
  };
}

/** The step's shell script with GITHUB_SHA set: its exit code. */
function runCheck(script: string, cwd: string, sha: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-c", script], {
      cwd,
      env: { ...process.env, GITHUB_SHA: sha },
      stdio: "ignore",
    });
    child.on("exit", (code) => resolve(code ?? -1));
  });
}
