import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { init } from "../../src/app/init.js";
import { isToolError } from "../../src/errors/index.js";
import { tempDir } from "../helpers.js";
import { appContext } from "./context-fixture.js";

describe("init", () => {
  test("scaffolds into a new directory and says what it wrote", async () => {
    const dir = await tempDir();
    const report = await init("repo", {}, appContext(dir));
    expect(report.directory).toBe("repo");
    expect(report.files.map((f) => `${f.path} ${f.action}`)).toEqual([
      "campaign.config.yaml created",
      "campaigns/example.yaml created",
      "staging/campaigns/tester.yaml created",
      ".campaign/campaign.schema.json created",
      ".github/workflows/campaigns.yml created",
      ".github/workflows/outcomes.yml created",
      ".gitignore created",
    ]);
    expect(await readFile(join(dir, "repo", "campaigns", "example.yaml"), "utf8")).toContain("taskName:");
  });

  test("refuses to overwrite without force; with force replaces and appends only the missing .gitignore lines", async () => {
    const dir = await tempDir();
    await init(undefined, {}, appContext(dir));
    const refused = await init(undefined, {}, appContext(dir)).catch((e: unknown) => e);
    expect(isToolError(refused) && refused.message).toMatch(/^init would overwrite campaign\.config\.yaml/);
    await writeFile(join(dir, ".gitignore"), "node_modules\nplan.json\n");
    const report = await init(undefined, { force: true }, appContext(dir));
    expect(report.directory).toBe(".");
    expect(report.files[0]).toEqual({ path: "campaign.config.yaml", action: "replaced" });
    expect(report.files.at(-1)).toEqual({ path: ".gitignore", action: "appended", linesAdded: 6 });
    const gitignore = await readFile(join(dir, ".gitignore"), "utf8");
    expect(gitignore).toMatch(/^node_modules\nplan\.json\n# laaffic-campaign\n/);
    expect(gitignore.match(/plan\.json/g)).toHaveLength(1);
  });
});
