import { execFileSync } from "node:child_process";
import { link, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { openSqliteStore } from "../../src/reports/index.js";
import { emptyState, newLineage, newSalt, writeStateFile } from "../../src/state/index.js";
import { campaignYaml, runCli, tempDir } from "../helpers.js";

const CONFIG =
  "guards:\n  callingHours: false\n  suppressionLists: [lists/opt-out.txt]\nreports:\n  path: .campaign/reports.db\n";

/** A workspace with every kind of file the tool must never overwrite; the state, the store and the campaigns are real. */
async function workspace(): Promise<string> {
  const dir = await tempDir({
    "campaign.config.yaml": CONFIG,
    "campaigns/a.yaml": campaignYaml("out-guard", "recipientsFile: recipients.csv\n"),
    "campaigns/recipients.csv": "calleeNumber,text1\n919700000002,Ravi\n",
    "lists/opt-out.txt": "919700000999\n",
    "sub/.keep": "",
  });
  await writeStateFile(join(dir, ".campaign/state.json"), emptyState(newLineage(), newSalt()));
  const store = openSqliteStore(join(dir, ".campaign/reports.db"), { storeNumbers: false });
  await store.close();
  return dir;
}

/** Every protected file (relative to the workspace), existing or not yet, and the file the refusal names. */
const PROTECTED: [string, string][] = [
  [".campaign/state.json", "the state file .campaign/state.json"],
  [".campaign/state.json.journal", "the state file .campaign/state.json"],
  [".campaign/state.json.lock", "the state file .campaign/state.json"],
  [".campaign/state.json.new-salt", "the state file .campaign/state.json"],
  [".campaign/.state.json.123.456.tmp", "the state file .campaign/state.json"],
  [".campaign/reports.db", "the report store .campaign/reports.db"],
  [".campaign/reports.db-wal", "the report store .campaign/reports.db"],
  [".campaign/reports.db-shm", "the report store .campaign/reports.db"],
  ["campaign.config.yaml", "the config file campaign.config.yaml"],
  ["campaigns/a.yaml", "the campaign file campaigns/a.yaml"],
  ["campaigns/recipients.csv", "the recipients file campaigns/recipients.csv"],
  ["lists/opt-out.txt", "the suppression list lists/opt-out.txt"],
];

type Spelling = (dir: string, path: string, n: number) => Promise<string>;
const SPELLINGS: Record<string, Spelling> = {
  relative: async (_dir, path) => path,
  absolute: async (dir, path) => join(dir, path),
  "dot-dot": async (_dir, path) => `./sub/../${path}`,
  "symlink to it": async (dir, path, n) => {
    await symlink(join(dir, path), join(dir, `link-${n}`));
    return `link-${n}`;
  },
  "relative symlink to it": async (dir, path, n) => {
    await symlink(`../${path}`, join(dir, "sub", `rel-${n}`));
    return `sub/rel-${n}`;
  },
  "symlinked parent directory": async (dir, path, n) => {
    await symlink(join(dir, dirname(path)), join(dir, `alias-${n}`));
    return `alias-${n}/${basename(path)}`;
  },
};

/** The bytes of every file in the workspace (what must not change), by path. */
async function snapshot(dir: string, sub = ""): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(join(dir, sub), { withFileTypes: true })) {
    const rel = join(sub, entry.name);
    if (entry.isDirectory()) for (const [k, v] of await snapshot(dir, rel)) out.set(k, v);
    else if (entry.isFile()) out.set(rel, (await readFile(join(dir, rel))).toString("base64"));
  }
  return out;
}

const COMMANDS: Record<string, (out: string) => string[]> = {
  "plan --out": (out) => ["plan", "--out", out],
  "outcomes --out": (out) => ["outcomes", "--out", out],
};

describe("no output path overwrites the tool's own files", () => {
  for (const [command, args] of Object.entries(COMMANDS)) {
    test(`${command}: every protected file, every spelling → exit 1 naming it, nothing changed`, async () => {
      const dir = await workspace();
      let n = 0;
      for (const [path, named] of PROTECTED) {
        for (const [spelling, spell] of Object.entries(SPELLINGS)) {
          const target = await spell(dir, path, n++);
          const before = await snapshot(dir);
          const run = await runCli(args(target), dir);
          const what = `${command} ${target} (${path}, ${spelling})`;
          expect(run.code, what).toBe(1);
          expect(run.stderr, what).toContain("error output-refused");
          expect(run.stderr, what).toContain(named);
          expect(run.stdout, what).toBe("");
          expect(await snapshot(dir), what).toEqual(before);
        }
      }
    });
  }

  test("a hard link to the state is caught too (same inode)", async () => {
    const dir = await workspace();
    await link(join(dir, ".campaign/state.json"), join(dir, "state-copy.json"));
    const before = await readFile(join(dir, ".campaign/state.json"), "utf8");
    const run = await runCli(["plan", "--out", "state-copy.json"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("state-copy.json: it is the state file .campaign/state.json");
    expect(await readFile(join(dir, ".campaign/state.json"), "utf8")).toBe(before);
  });

  test("--state FILE and --store FILE move what is protected with them", async () => {
    const dir = await workspace();
    await writeStateFile(join(dir, "other/state.json"), emptyState(newLineage(), newSalt()));
    const plan = await runCli(["--state", "other/state.json", "plan", "--out", "other/state.json.journal"], dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("other/state.json");
    const store = openSqliteStore(join(dir, "other/r.db"), { storeNumbers: false });
    await store.close();
    const outcomes = await runCli(["outcomes", "--store", "other/r.db", "--out", "other/r.db-wal"], dir);
    expect(outcomes.code).toBe(1);
    expect(outcomes.stderr).toContain("the report store other/r.db");
  });

  test("ordinary outputs are written whole, atomically, without temp files left behind", async () => {
    const dir = await workspace();
    await writeFile(join(dir, "previous.txt"), "old");
    await symlink(join(dir, "previous.txt"), join(dir, "to-previous"));
    for (const out of ["plan.json", ".campaign/plan.json", "sub/plan.json", "./sub/../plan2.json", "to-previous"]) {
      const run = await runCli(["plan", "--out", out], dir);
      expect(run.code, out).toBe(0);
      expect(JSON.parse(await readFile(join(dir, out), "utf8")), out).toMatchObject({ formatVersion: 1 });
    }
    expect((await stat(join(dir, "to-previous"), {})).isFile()).toBe(true);
    expect((await readdir(join(dir, "sub"))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const outcomes = await runCli(["outcomes", "--format", "markdown", "--out", "outcomes.md"], dir);
    expect(outcomes).toMatchObject({ code: 0, stdout: "" });
    expect(await readFile(join(dir, "outcomes.md"), "utf8")).toContain("|");
  });

  test("--out into a missing directory, onto a directory, a FIFO or a path under a file: exit 1 naming it, nothing made", async () => {
    const dir = await workspace();
    execFileSync("mkfifo", [join(dir, "fifo")]);
    await mkdir(join(dir, "adir"));
    const cases: [string, string][] = [
      ["missing/plan.json", "the directory " + join(dir, "missing") + " does not exist"],
      ["missing/deeper/plan.json", "does not exist"],
      ["adir", "it is a directory"],
      ["adir/", "it is a directory"],
      ["fifo", "it is a FIFO"],
      ["campaign.config.yaml/plan.json", "not a directory"],
    ];
    for (const [out, message] of cases) {
      for (const command of [["plan"], ["outcomes"]]) {
        const run = await runCli([...command, "--out", out], dir);
        expect(run.code, `${command} ${out}`).toBe(1);
        expect(run.stderr, `${command} ${out}`).toContain(message);
        expect(run.stderr).not.toMatch(/\n\s+at /);
      }
    }
    await expect(stat(join(dir, "missing"))).rejects.toThrow();
  });
});

describe("GITHUB_STEP_SUMMARY", () => {
  test("a protected file, in any spelling: a warning, the plan succeeds, the file is unchanged", async () => {
    const dir = await workspace();
    let n = 0;
    for (const [path] of PROTECTED) {
      for (const spell of [
        SPELLINGS["relative"]!,
        SPELLINGS["symlink to it"]!,
        SPELLINGS["symlinked parent directory"]!,
      ]) {
        const target = await spell(dir, path, n++);
        const before = await snapshot(dir);
        const run = await runCli(["plan"], dir, { GITHUB_STEP_SUMMARY: target });
        expect(run.code, target).toBe(0);
        expect(run.stderr, target).toContain("warning: refusing to write the summary (GITHUB_STEP_SUMMARY)");
        expect(await snapshot(dir), target).toEqual(before);
      }
    }
  });

  test("unwritable: missing directory, a directory, a FIFO, a device, a protected system file → a warning, exit unchanged", async () => {
    const dir = await workspace();
    execFileSync("mkfifo", [join(dir, "fifo")]);
    for (const target of [
      "missing/summary.md",
      "sub",
      join(dir, "fifo"),
      "/dev/null",
      "/dev/full",
      "/proc/version",
      "/sys/kernel/notes",
      "campaign.config.yaml/x.md",
    ]) {
      for (const extra of [[], ["--detailed-exitcode"]]) {
        const run = await runCli(["plan", ...extra], dir, { GITHUB_STEP_SUMMARY: target });
        expect(run.code, target).toBe(extra.length > 0 ? 2 : 0);
        expect(run.stdout, target).toContain("Plan: 1 to create");
        expect(run.stderr, target).toMatch(/warning: .*GITHUB_STEP_SUMMARY.*the command's result is not affected/);
      }
    }
  });

  test("a writable summary gets the markdown appended", async () => {
    const dir = await workspace();
    await writeFile(join(dir, "summary.md"), "# before\n");
    const run = await runCli(["plan"], dir, { GITHUB_STEP_SUMMARY: "summary.md" });
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(await readFile(join(dir, "summary.md"), "utf8")).toMatch(/^# before\n[\s\S]*out-guard/);
  });
});
