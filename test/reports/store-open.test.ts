import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { openSqliteStore } from "../../src/reports/index.js";
import { reportRecord, runCli, tempDir } from "../helpers.js";

/** Ways a report store path can hold something that is not a report store. */
const NOT_A_STORE: Record<string, { make(path: string): Promise<void>; says: string }> = {
  "random bytes": { make: (p) => writeFile(p, randomBytes(4096)), says: "is not a SQLite database" },
  "a text file": { make: (p) => writeFile(p, "voiceId,callee\nv1,919700000001\n"), says: "is not a SQLite database" },
  "a JSON file": {
    make: (p) => writeFile(p, JSON.stringify({ array: [reportRecord("v1")] })),
    says: "is not a SQLite database",
  },
  "only the SQLite magic": { make: (p) => writeFile(p, "SQLite format 3\0"), says: "damaged" },
  "a directory": { make: (p) => mkdir(p), says: "is a directory, not a SQLite database" },
  "a FIFO": {
    make: async (p) => void execFileSync("mkfifo", [p]),
    says: "is a FIFO (named pipe), not a SQLite database",
  },
  "a truncated store": { make: (p) => truncatedStore(p), says: "damaged" },
  "another program's SQLite database": {
    make: async (p) => foreignDatabase(p),
    says: "a SQLite database of something else",
  },
};

async function truncatedStore(path: string): Promise<void> {
  const store = openSqliteStore(path, { storeNumbers: false });
  const reports = await import("../../src/reports/index.js");
  await store.ingest(
    reports.parseBatch(
      Array.from({ length: 3000 }, (_, i) => reportRecord(`v${i}`, { calledInfo: "x".repeat(200) })),
      { timeZone: "Asia/Shanghai", now: Date.now() },
    ).reports,
  );
  await store.close();
  await truncate(path, Math.floor((await stat(path)).size / 3));
}

function foreignDatabase(path: string): void {
  const db = new Database(path);
  db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (12.5);");
  db.close();
}

async function bytesOf(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return "(missing)";
  if (!info.isFile()) return `(${info.isDirectory() ? "directory" : "special"})`;
  return (await readFile(path)).toString("base64");
}

describe("a report store that is not one", () => {
  for (const [name, { make, says }] of Object.entries(NOT_A_STORE)) {
    test(`${name}: outcomes, receive and reports import refuse it naming the file, and leave it as it was`, async () => {
      const dir = await tempDir({ "reports.ndjson": JSON.stringify(reportRecord("v1")) + "\n" });
      await mkdir(join(dir, ".campaign"));
      const path = join(dir, ".campaign/reports.db");
      await make(path);
      const before = await bytesOf(path);
      for (const command of [
        ["outcomes"],
        ["receive", "--port", "0"],
        ["reports", "import", "reports.ndjson"],
        ["outcomes", "--store", ".campaign/reports.db"],
      ]) {
        const run = await runCli(command, dir);
        const what = `${command.join(" ")} on ${name}`;
        expect(run.code, what).toBe(1);
        expect(run.stderr, what).toContain(
          `the report store .campaign/reports.db ${says.startsWith("damaged") ? "is damaged" : ""}`.trim(),
        );
        expect(run.stderr, what).toContain(says);
        expect(run.stderr, what).toContain("hint:");
        expect(run.stderr, what).not.toMatch(/\n\s+at .*:\d+:\d+|internal error/);
        expect(await bytesOf(path), what).toBe(before);
        expect(await bytesOf(`${path}-wal`), what).toBe("(missing)");
      }
    });
  }
});

describe("readers never create a store", () => {
  test("outcomes with the default path, with --store, into a missing directory, or an empty file: an error, nothing created", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "empty.db"), "");
    for (const [args, path] of [
      [["outcomes"], ".campaign/reports.db"],
      [["outcomes", "--store", "mine.db"], "mine.db"],
      [["outcomes", "--store", "no/such/dir/r.db"], "no/such/dir/r.db"],
      [["outcomes", "--store", "empty.db"], "empty.db"],
    ] as const) {
      const run = await runCli([...args], dir);
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr, args.join(" ")).toContain(`the report store ${path}`);
      expect(run.stderr, args.join(" ")).toContain(
        "hint: no status reports were stored there yet: run campaign receive (or campaign reports import FILE) first",
      );
    }
    await expect(stat(join(dir, ".campaign"))).rejects.toThrow();
    await expect(stat(join(dir, "mine.db"))).rejects.toThrow();
    await expect(stat(join(dir, "no"))).rejects.toThrow();
    expect((await stat(join(dir, "empty.db"))).size).toBe(0);
  });

  test("a store with its tables but no reports yet reads as empty outcomes", async () => {
    const dir = await tempDir();
    await openSqliteStore(join(dir, "r.db"), { storeNumbers: false }).close();
    expect((await runCli(["outcomes", "--store", "r.db"], dir)).code).toBe(0);
  });

  test("writers create it: reports import makes a new store, also in an empty file", async () => {
    const dir = await tempDir({ "reports.ndjson": JSON.stringify(reportRecord("v1")) + "\n" });
    await writeFile(join(dir, "empty.db"), "");
    for (const store of ["new/r.db", "empty.db"]) {
      const run = await runCli(["reports", "import", "reports.ndjson", "--store", store], dir);
      expect(run, store).toMatchObject({ code: 0 });
      expect((await runCli(["outcomes", "--store", store, "--json"], dir)).code, store).toBe(0);
    }
  });

  test("openSqliteStore with mustExist: the same refusals as the CLI", () => {
    expect(() => openSqliteStore("/nonexistent-dir/x.db", { storeNumbers: false, mustExist: true })).toThrow(
      "does not exist",
    );
  });
});

describe("reports import FILE is read as a regular UTF-8 file", () => {
  test("a FIFO, a directory, a device, a missing file, invalid UTF-8: an error naming it, before any blocking read, no store made", async () => {
    const dir = await tempDir();
    execFileSync("mkfifo", [join(dir, "pipe")]);
    await mkdir(join(dir, "adir"));
    const invalid = [
      Buffer.concat([
        Buffer.from(JSON.stringify(reportRecord("v1")) + "\n"),
        Buffer.from('{"voiceId":"v\xff2"}\n', "latin1"),
      ]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('{"array":[{"voiceId":"\xed\xa0\x80"}]}', "latin1"),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x0a, 0x80]),
    ];
    const positions = ["2:14", "1:1", "1:23", "2:1"];
    for (const [i, bytes] of invalid.entries()) await writeFile(join(dir, `bad-${i}.ndjson`), bytes);
    const cases: [string, string][] = [
      ["pipe", "the reports file pipe is a FIFO (named pipe), not a regular file"],
      ["adir", "the reports file adir is a directory, not a regular file"],
      ["/dev/zero", "the reports file /dev/zero is a character device, not a regular file"],
      ["missing.ndjson", "the reports file missing.ndjson does not exist"],
      ...invalid.map((_, i): [string, string] => [
        `bad-${i}.ndjson`,
        `bad-${i}.ndjson:${positions[i]}: error file-unreadable: the reports file bad-${i}.ndjson is not valid UTF-8`,
      ]),
    ];
    for (const [file, message] of cases) {
      const run = await runCli(["reports", "import", file], dir);
      expect(run.code, file).toBe(1);
      expect(run.stderr, file).toContain(message);
      const json = await runCli(["reports", "import", file, "--json"], dir);
      expect(JSON.parse(json.stdout).error.file, file).toBe(file);
    }
    await expect(stat(join(dir, ".campaign"))).rejects.toThrow();
  });
});
