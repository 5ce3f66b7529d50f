import { isUtf8 } from "node:buffer";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeUtf8, firstInvalidUtf8, readTextFile } from "../../src/files/index.js";
import { tempDir } from "../helpers.js";

describe("readTextFile", () => {
  it("reads a regular UTF-8 file and drops a BOM", async () => {
    const dir = await tempDir({ "a.txt": "\ufeffhällo\n" });
    expect(await readTextFile(join(dir, "a.txt"), { maxBytes: 100 })).toMatchObject({ ok: true, text: "hällo\n" });
  });

  it("refuses FIFOs, directories, devices and missing files without blocking", async () => {
    const dir = await tempDir();
    execFileSync("mkfifo", [join(dir, "fifo")]);
    const cases: [string, string][] = [
      [join(dir, "fifo"), "FIFO"],
      [dir, "directory"],
      ["/dev/zero", "character device"],
      ["/dev/null", "character device"],
      [join(dir, "nope"), "does not exist"],
      [join(dir, "nope", "deeper"), "does not exist"],
    ];
    for (const [path, expected] of cases) {
      const read = await readTextFile(path, { maxBytes: 100, display: "x", what: "campaign file" });
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.problem.message).toContain(expected);
    }
  });

  it("refuses a file over the limit before reading it", async () => {
    const dir = await tempDir({ "big.txt": "x".repeat(1001) });
    const read = await readTextFile(join(dir, "big.txt"), { maxBytes: 1000, display: "big.txt" });
    expect(read).toMatchObject({ ok: false, problem: { kind: "too-large" } });
  });

  it("names line and column of the first invalid UTF-8 byte, for every kind of bad sequence", async () => {
    const bad = [
      [0xff],
      [0xc0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xc3],
      [0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    ];
    const dir = await tempDir();
    for (const [i, seq] of bad.entries()) {
      const bytes = Buffer.concat([Buffer.from("ok: 1\nname: ä"), Buffer.from(seq), Buffer.from("z\n")]);
      await writeFile(join(dir, `f${i}`), bytes);
      const read = await readTextFile(join(dir, `f${i}`), { maxBytes: 1000, display: `f${i}` });
      expect(read).toMatchObject({ ok: false, problem: { kind: "invalid-utf8", line: 2, column: 8 } });
    }
  });

  it("agrees with the platform decoder on random bytes", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (n % 12) }, rand);
      const valid = isUtf8(bytes);
      expect(firstInvalidUtf8(bytes) === bytes.length).toBe(valid);
      expect(decodeUtf8(bytes).ok).toBe(valid);
    }
  });
});
