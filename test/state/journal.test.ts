import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/index.js";
import type { ToolError } from "../../src/errors/index.js";
import type { CampaignPlan } from "../../src/schema/generated/index.js";
import {
  createStateWriter,
  emptyState,
  fileSink,
  logEvent,
  markPending,
  markSubmitted,
  readStateFile,
} from "../../src/state/index.js";
import { campaignYaml, daytimeNow, FIXED_NOW, runCli, simulatorEnv, tempDir, testSimulator } from "../helpers.js";

const hash = (c: string) => `hmac-sha256:${c.repeat(64)}`;
const definition = (taskName: string) => ({
  taskName,
  definitionHash: hash("a"),
  recipientsHash: hash("b"),
  recipients: 2,
  settings: { appId: "A" },
});

/** A state file at serial 1 and a journal of four records (serials 2–5), as a live writer leaves them. */
async function journaled(names = ["j1", "café-रिमाइंडर"]) {
  const dir = await tempDir();
  const path = join(dir, "state.json");
  const writer = createStateWriter(fileSink(path), emptyState("lin", "c".repeat(32)), () => FIXED_NOW);
  await writer.commit(logEvent({ action: "apply-start" }));
  for (const [i, name] of names.entries()) {
    await writer.commit(markPending(definition(name), "p", FIXED_NOW));
    await writer.commit(markSubmitted(name, 100001 + i, FIXED_NOW));
  }
  const [journal, base] = [await readFile(`${path}.journal`), await readFile(path)];
  await leaveAsLive(writer, path, base, journal);
  const lines = journal.toString("utf8").trimEnd().split("\n");
  return { path, journalPath: `${path}.journal`, journal, lines, base };
}

/** Ends the writer (closing its journal) and puts back the files as the live writer had them. */
async function leaveAsLive(
  writer: { compact(): Promise<void> },
  path: string,
  base: Buffer,
  journal: Buffer,
): Promise<void> {
  await writer.compact();
  await writeFile(path, base);
  await writeFile(`${path}.journal`, journal);
}

async function read(path: string) {
  const warnings: Diagnostic[] = [];
  const state = await readStateFile(path, { display: "state.json", warn: (w) => void warnings.push(w) });
  return { state, warnings };
}

/** The error, its message prefixed with file:line as the CLI prints it (from the error's details). */
async function corruptAt(path: string): Promise<{ message: string; hint: string; code: string }> {
  const error = (await readStateFile(path, { display: "state.json" }).then(
    () => expect.unreachable("read a corrupt journal"),
    (e: unknown) => e,
  )) as ToolError;
  const at = error.details.file ? `${error.details.file}:${error.details.line}: ` : "";
  return { code: error.code, hint: error.hint ?? "", message: `${at}${error.message}` };
}

const join_ = (lines: string[]) => lines.join("\n") + "\n";

describe("journal replay: only a torn last line is skipped; anything else is state-corrupt naming file:line", () => {
  test("a torn last line, cut at every byte of a real record (multi-byte names too): a warning naming its line; earlier records kept", async () => {
    const { path, journalPath, lines } = await journaled();
    const whole = Buffer.from(join_(lines), "utf8");
    const lastStart = whole.length - Buffer.byteLength(lines.at(-1)!) - 1;
    const { state: complete } = await read(path);
    const expected = (await (async () => {
      await writeFile(journalPath, join_(lines.slice(0, -1)));
      return (await read(path)).state;
    })())!;
    for (let cut = lastStart + 1; cut < whole.length - 1; cut += 2) {
      for (const trailer of ["", "\n\n"]) {
        await writeFile(journalPath, Buffer.concat([whole.subarray(0, cut), Buffer.from(trailer)]));
        const { state, warnings } = await read(path);
        expect(state, `cut at ${cut}`).toEqual(expected);
        expect(warnings.map((w) => `${w.file}:${w.line} ${w.severity} ${w.code}`)).toEqual([
          `state.json.journal:${lines.length} warning journal-torn-line`,
        ]);
      }
    }
    expect(complete!.serial).toBe(expected.serial + 1);
  });

  test("git merge-conflict markers at any position are refused, naming the first one's line and how to repair", async () => {
    const { path, journalPath, lines, journal, base } = await journaled();
    for (let at = 0; at <= lines.length; at++) {
      for (const ours of [0, 1]) {
        const conflicted = [
          ...lines.slice(0, at),
          "<<<<<<< HEAD",
          ...lines.slice(at, at + ours),
          "=======",
          `{"serial":${at + 2},"campaigns":{},"history":[]}`,
          ">>>>>>> feature",
          ...lines.slice(at + ours),
        ];
        await writeFile(journalPath, join_(conflicted));
        const error = await corruptAt(path);
        expect(error.code).toBe("state-corrupt");
        expect(error.message).toContain(
          `state.json.journal:${at + 1}: the state journal holds a git merge-conflict marker`,
        );
        expect(error.hint).toContain("git checkout -- state.json.journal");
      }
    }
    // Nothing was rewritten by reading.
    await writeFile(journalPath, journal);
    expect(await readFile(path)).toEqual(base);
  });

  test("an unparsable line anywhere but last is refused, even one that looks torn", async () => {
    const { path, journalPath, lines } = await journaled();
    for (const garbage of ["garbage", '{"serial":3,"campa', "\u0000\u0001", "{", "}", "not json at all: ][", "'"]) {
      for (let at = 0; at < lines.length; at++) {
        await writeFile(journalPath, join_([...lines.slice(0, at), garbage, ...lines.slice(at)]));
        expect((await corruptAt(path)).message, `${garbage} at ${at}`).toContain(
          `state.json.journal:${at + 1}: the state journal is not a journal record`,
        );
      }
    }
    // Last, but not the start of a record: a stray line, not a torn append.
    await writeFile(journalPath, join_([...lines, ">>>>>>> feature"]));
    expect((await corruptAt(path)).message).toContain(`state.json.journal:${lines.length + 1}:`);
  });

  test("a valid-JSON line of the wrong shape is refused wherever it is, the last line included", async () => {
    const { path, journalPath, lines } = await journaled();
    const record = JSON.parse(lines[1]!) as Record<string, unknown>;
    const campaign = Object.values(record["campaigns"] as object)[0] as Record<string, unknown>;
    const variants: [string, unknown][] = [
      ["missing serial", { campaigns: record["campaigns"], history: record["history"] }],
      ["serial as string", { ...record, serial: String(record["serial"]) }],
      ["campaigns as array", { ...record, campaigns: [] }],
      ["history not array", { ...record, history: {} }],
      ["campaign of wrong shape", { ...record, campaigns: { j1: { ...campaign, status: "sent-maybe" } } }],
      ["campaign missing its hash", { ...record, campaigns: { j1: { ...campaign, definitionHash: undefined } } }],
      ["history entry of wrong shape", { ...record, history: [{ serial: record["serial"], action: "launch" }] }],
      ["an extra member", { ...record, extra: true }],
      ["null", null],
      ["an array", [record]],
      ["a number", 42],
    ];
    for (const [name, value] of variants) {
      for (const at of [0, 1, lines.length - 1]) {
        const changed = [...lines];
        changed[at] = JSON.stringify(value);
        await writeFile(journalPath, join_(changed));
        const error = await corruptAt(path);
        expect(error.message, `${name} at ${at}`).toContain(
          `state.json.journal:${at + 1}: the state journal does not match the journal record of schemas/state.schema.json`,
        );
      }
    }
  });

  test("serials must run on by one from the state file's: a lost, repeated or reordered record is refused", async () => {
    const { path, journalPath, lines } = await journaled();
    const cases: [string, string[], number, string][] = [
      ["first record lost", lines.slice(1), 1, "has serial 3, but the state file is at serial 1"],
      ["middle record lost", [lines[0]!, ...lines.slice(2)], 2, "has serial 4 after serial 2"],
      ["record repeated", [lines[0]!, lines[0]!, ...lines.slice(1)], 2, "has serial 2 after serial 2"],
      [
        "records swapped",
        [lines[1]!, lines[0]!, ...lines.slice(2)],
        1,
        "has serial 3, but the state file is at serial 1",
      ],
    ];
    for (const [name, changed, line, says] of cases) {
      await writeFile(journalPath, join_(changed));
      expect((await corruptAt(path)).message, name).toContain(`state.json.journal:${line}: the state journal ${says}`);
    }
    // A journal left over from before the last fold (serials at or below the state file's) is skipped.
    await writeFile(journalPath, join_(lines));
    const folded = await readStateFile(path);
    await writeFile(path, JSON.stringify(folded) + "\n");
    await writeFile(journalPath, join_(lines));
    expect(await readStateFile(path)).toEqual(folded);
  });

  test("invalid UTF-8 inside the journal is refused; a multi-byte character cut at the very end is a torn line", async () => {
    const { path, journalPath, lines } = await journaled();
    await writeFile(
      journalPath,
      Buffer.concat([
        Buffer.from(lines[0]! + "\n"),
        Buffer.from([0xff, 0xfe]),
        Buffer.from("\n" + lines.slice(1).join("\n") + "\n"),
      ]),
    );
    expect((await corruptAt(path)).message).toContain("state.json.journal:2: the state journal is not valid UTF-8");
  });

  test("a journal whose state file is gone is refused (its records would be lost by the next write)", async () => {
    const { path, journalPath, journal } = await journaled();
    await writeFile(path + ".moved", await readFile(path));
    const { unlink } = await import("node:fs/promises");
    await unlink(path);
    expect((await corruptAt(path)).message).toBe(
      "the state journal state.json.journal exists, but the state file state.json does not",
    );
    expect(await readFile(journalPath)).toEqual(journal);
  });

  test("a FIFO or directory where the state file or journal belongs: an error naming it, detected before any blocking read", async () => {
    const { path, journalPath, journal } = await journaled();
    const { execFileSync } = await import("node:child_process");
    const { mkdir, rename, unlink } = await import("node:fs/promises");
    await unlink(journalPath);
    execFileSync("mkfifo", [journalPath]);
    await expect(readStateFile(path, { display: "state.json" })).rejects.toMatchObject({
      code: "file-unreadable",
      message: "the state journal state.json.journal is a FIFO (named pipe), not a regular file",
    });
    await unlink(journalPath);
    await mkdir(journalPath);
    await expect(readStateFile(path, { display: "state.json" })).rejects.toMatchObject({
      message: "the state journal state.json.journal is a directory, not a regular file",
    });
    await rename(path, `${path}.kept`);
    execFileSync("mkfifo", [path]);
    await expect(readStateFile(path, { display: "state.json" })).rejects.toMatchObject({
      code: "file-unreadable",
      message: "the state file state.json is a FIFO (named pipe), not a regular file",
    });
    expect(journal.length).toBeGreaterThan(0);
  });

  test("every read gives campaigns a null prototype: __proto__ and constructor are names like any other", async () => {
    const { path } = await journaled(["__proto__", "constructor", "toString"]);
    const { state } = await read(path);
    expect(Object.getPrototypeOf(state!.campaigns)).toBeNull();
    expect(Object.keys(state!.campaigns).sort()).toEqual(["__proto__", "constructor", "toString"]);
    expect(state!.campaigns["__proto__"]).toMatchObject({ status: "submitted", taskId: 100001 });
    expect(({} as Record<string, unknown>)["status"]).toBeUndefined();
  });
});

describe("a corrupt journal stops every command before it acts; a torn one is a warning on stderr", () => {
  async function project() {
    const sim = await testSimulator({ now: daytimeNow });
    const dir = await tempDir({ "campaigns/a.yaml": campaignYaml("alpha"), "campaigns/b.yaml": campaignYaml("bravo") });
    const cli = (...args: string[]) => runCli(args, dir, simulatorEnv(sim), daytimeNow());
    expect((await cli("apply", "--auto-approve", "campaigns/a.yaml")).code).toBe(0);
    // bravo is submitted too, but only the journal knows: as a live (or killed) apply leaves it.
    const bravo = (JSON.parse((await cli("plan", "--json")).stdout) as CampaignPlan).entries.find(
      (e) => e.taskName === "bravo",
    )!;
    const statePath = join(dir, ".campaign", "state.json");
    const writer = createStateWriter(fileSink(statePath), (await readStateFile(statePath))!, daytimeNow);
    await writer.commit(logEvent({ action: "apply-start", detail: "plan by-hand" }));
    await writer.commit(
      markPending(
        { ...definition("bravo"), definitionHash: bravo.definitionHash!, recipients: 1 },
        "by-hand",
        daytimeNow(),
      ),
    );
    await writer.commit(markSubmitted("bravo", 100777, daytimeNow()));
    const journal = await readFile(`${statePath}.journal`);
    await leaveAsLive(writer, statePath, await readFile(statePath), journal);
    const lines = journal.toString("utf8").trimEnd().split("\n");
    return { sim, dir, cli, statePath, lines };
  }

  test("merge-conflict markers: plan, apply, state forget, resolve, refresh and list exit 1 naming file:line; no byte changes, no request", async () => {
    const { sim, cli, statePath, lines } = await project();
    await writeFile(`${statePath}.journal`, join_(["<<<<<<< HEAD", ...lines, "=======", lines[0]!, ">>>>>>> other"]));
    const before = [await readFile(statePath), await readFile(`${statePath}.journal`)];
    const requests = JSON.stringify(sim.stats().requests);
    for (const args of [
      ["plan"],
      ["apply", "--auto-approve"],
      ["state", "forget", "bravo"],
      ["state", "resolve", "bravo", "--not-submitted"],
      ["refresh"],
      ["state", "list"],
      ["--json", "plan"],
    ]) {
      const run = await cli(...args);
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr).toContain(".campaign/state.json.journal:1");
      expect(run.stderr).toContain("state-corrupt: the state journal holds a git merge-conflict marker");
      expect(run.stderr).toContain("git checkout -- .campaign/state.json.journal");
      expect(run.stdout).not.toContain("+ bravo");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect([await readFile(statePath), await readFile(`${statePath}.journal`)]).toEqual(before);
    expect(JSON.stringify(sim.stats().requests)).toBe(requests);
    expect(sim.stats().tasksCreatedByName).toEqual({ alpha: 1 });
  });

  test("a torn last line: the warning names .campaign/state.json.journal:LINE on stderr, JSON stdout stays one document, bravo stays submitted", async () => {
    const { cli, statePath, lines } = await project();
    await writeFile(`${statePath}.journal`, join_(lines) + lines[0]!.slice(0, 25));
    const plan = await cli("--json", "plan");
    expect(plan.code).toBe(0);
    expect(plan.stderr).toContain(`.campaign/state.json.journal:${lines.length + 1}:1: warning journal-torn-line`);
    const parsed = JSON.parse(plan.stdout) as CampaignPlan;
    expect(parsed.entries.map((e) => [e.taskName, e.action])).toEqual([
      ["alpha", "unchanged"],
      ["bravo", "unchanged"],
    ]);
    const text = await cli("plan");
    expect(text.stdout).toContain("Plan: 0 to create, 2 unchanged.");
  });
});

describe("a journal of another state", () => {
  test("is refused naming the line, whichever line carries the other lineage; journals without lineage still replay", async () => {
    const { path, journalPath, lines, base } = await journaled();
    for (let i = 0; i < lines.length; i++) {
      const foreign = lines.map((line, k) => (k === i ? line.replace('"lineage":"lin"', '"lineage":"other"') : line));
      expect(foreign[i]).toContain('"lineage":"other"');
      await writeFile(journalPath, foreign.join("\n") + "\n");
      const error = await read(path).then(
        () => undefined,
        (e: ToolError) => e,
      );
      expect(error?.code).toBe("state-corrupt");
      expect(error?.message).toContain("belongs to another state (lineage other, not lin)");
      expect(await readFile(path)).toEqual(base);
    }
    await writeFile(journalPath, lines.map((line) => line.replace(',"lineage":"lin"', "")).join("\n") + "\n");
    expect((await read(path)).state?.serial).toBe(1 + lines.length);
  });
});
