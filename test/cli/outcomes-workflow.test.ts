import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { TOOL_VERSION } from "../../src/app/version.js";
import { runCli, tempDir } from "../helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  environment?: string;
  env?: Record<string, string>;
  strategy?: { matrix: { environment: string[] } };
  concurrency?: { group: string; "cancel-in-progress": boolean };
  steps: Step[];
}
const read = async (file: string) =>
  parse(await readFile(join(REPO, "examples/github-actions", file), "utf8")) as {
    on: Record<string, unknown>;
    jobs: Record<string, Job>;
  };

describe("the scheduled outcomes workflow", () => {
  test("refreshes, writes the outcomes to the job summary and uploads the HTML report", async () => {
    const { on, jobs } = await read("outcomes.yml");
    expect(on["schedule"]).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }]);
    const job = jobs["outcomes"]!;
    const runs = job.steps.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("$CAMPAIGN refresh");
    expect(runs).toContain('$CAMPAIGN outcomes --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(runs).toContain("$CAMPAIGN outcomes --format html --out report.html");
    const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    expect(upload.with?.["path"]).toBe("report.html");
    expect(job.env).toEqual({ CAMPAIGN_ENV: "${{ matrix.environment }}" });
    expect(job.steps.find((s) => s.name === "Commit the state")?.if).toBe("always()");
  });

  test("never refreshes while an apply to the same environment runs: the apply jobs' concurrency group", async () => {
    const outcomes = (await read("outcomes.yml")).jobs["outcomes"]!;
    const { jobs } = await read("campaigns.yml");
    for (const environment of outcomes.strategy!.matrix.environment) {
      const apply = Object.values(jobs).find((j) => j.environment === environment && j.concurrency);
      expect(apply, environment).toBeDefined();
      expect(outcomes.concurrency!.group.replace("${{ matrix.environment }}", environment)).toBe(
        apply!.concurrency!.group,
      );
    }
  });

  test("campaign init writes it, pinned to this version", async () => {
    const dir = await tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const written = await readFile(join(dir, ".github/workflows/outcomes.yml"), "utf8");
    expect(written).toContain(`laaffic-campaign@${TOOL_VERSION}`);
    const help = await runCli(["outcomes", "--help"], dir);
    for (const flag of ["--recipients", "--unreached", "--opt-outs", "--reveal", "--outcomes <list>", "--out <file>"])
      expect(help.stdout).toContain(flag);
    expect((await runCli(["--help"], dir)).stdout).toMatch(/--format <format>.*"html"/s);
  });
});
