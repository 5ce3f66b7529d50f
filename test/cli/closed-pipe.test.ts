import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { campaignYaml, tempDir } from "../helpers.js";

// A daytime send for the callees (India), whatever the hour the test runs at.
const SEND_TIME = 'sendTime: "2035-01-01 14:00:00"\n';
const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");

/** `campaign … | head -1`: head reads one line and exits while the CLI still writes. */
function runIntoClosedPipe(args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const command = `"${process.execPath}" "${BIN}" ${args.join(" ")} | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const child = spawn("bash", ["-c", command], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", () => resolve({ code: Number(stdout.trim()), stderr }));
  });
}

describe("a reader that goes away", () => {
  test("a plan piped into a reader that closes early ends with its own exit code and no stack trace", async () => {
    const numbers = Array.from({ length: 2000 }, (_, i) => String(919700000000 + i));
    const dir = await tempDir({
      ...Object.fromEntries(
        Array.from({ length: 200 }, (_, i) => [
          `campaigns/c${i}.yaml`,
          campaignYaml(`pipe-${i}`, SEND_TIME, numbers.slice(i * 10, i * 10 + 10)),
        ]),
      ),
    });
    const run = await runIntoClosedPipe(["plan"], dir);
    expect(run.stderr).not.toContain("EPIPE");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
  });
});
