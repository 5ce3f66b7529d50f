import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
    expect(validate).toMatchObject({ code: 0, stdout: "1 campaign valid, 0 invalid, 0 warnings\n" });
    const example = await readFile(join(dir, "campaigns/example.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=../.campaign/campaign.schema.json");
    expect(JSON.parse(await readFile(join(dir, ".campaign/campaign.schema.json"), "utf8"))).toMatchObject({
      title: "Campaign",
    });
    expect(await readFile(join(dir, ".gitignore"), "utf8")).toBe(
      "node_modules/\n# laaffic-campaign\n.campaign/*.lock\n.campaign/*.new-salt\n.campaign/*.tmp\n.campaign/.*.tmp\n.campaign/reports.db*\nplan.json\nplan.md\n",
    );
    const plan = await runCli(["plan"], dir);
    expect(plan.stdout).toContain("Plan: 1 to create, 0 unchanged.");
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
  test("parses; plans on pull requests with the documented flags; applies on main without overlap, state committed back", async () => {
    const workflow = parse(await readFile(join(REPO, "examples/github-actions/campaigns.yml"), "utf8")) as {
      on: { pull_request: unknown; push: { branches: string[] } };
      jobs: Record<
        string,
        {
          if: string;
          concurrency?: { group: string; "cancel-in-progress": boolean };
          steps: { name?: string; run?: string; env?: Record<string, string>; if?: string; uses?: string }[];
        }
      >;
    };
    expect(workflow.on.push.branches).toEqual(["main"]);
    expect(workflow.on.pull_request).toBeDefined();
    const plan = workflow.jobs["plan"]!;
    expect(plan.if).toBe("github.event_name == 'pull_request'");
    expect(plan.steps.map((s) => s.run ?? "").join("\n")).toContain(
      "plan --detailed-exitcode --format markdown --out plan.json",
    );
    expect(plan.steps.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(true);
    const apply = workflow.jobs["apply"]!;
    expect(apply.if).toBe("github.event_name == 'push'");
    expect(apply.concurrency).toMatchObject({ "cancel-in-progress": false });
    const applyStep = apply.steps.find((s) => s.name === "Apply")!;
    expect(applyStep.run).toBe("$CAMPAIGN apply --auto-approve");
    expect(applyStep.env).toEqual({
      LAAFFIC_API_KEY: "${{ secrets.LAAFFIC_API_KEY }}",
      LAAFFIC_API_SECRET: "${{ secrets.LAAFFIC_API_SECRET }}",
    });
    const commit = apply.steps.find((s) => s.name === "Commit the state")!;
    expect(commit.if).toBe("always()");
    expect(commit.run).toContain("git add -A .campaign/");
  });

  test("the flags the workflow uses exist in the CLI", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "x"), "");
    const planHelp = await runCli(["plan", "--help"], dir);
    for (const flag of ["--detailed-exitcode", "--out"]) expect(planHelp.stdout).toContain(flag);
    expect((await runCli(["--help"], dir)).stdout).toContain("--format <format>");
    expect((await runCli(["apply", "--help"], dir)).stdout).toContain("--auto-approve");
  });
});
