import { spawn } from "node:child_process";
import { join } from "node:path";
import { request } from "undici";
import { describe, expect, test } from "vitest";
import { openSqliteStore } from "../../src/reports/index.js";
import { TEST_TOKEN, reportRecord, tempDir } from "../helpers.js";
import Database from "better-sqlite3";

const BIN = join(import.meta.dirname, "..", "..", "bin", "campaign");

describe("receiver durability", () => {
  test("killed with SIGKILL under a steady stream: every batch that got a 200 is in the store after restart", async () => {
    const dir = await tempDir();
    const child = spawn(process.execPath, [BIN, "receive", "--port", "0", "--store", "reports.db"], {
      cwd: dir,
      env: { ...process.env, CAMPAIGN_RECEIVER_TOKEN: TEST_TOKEN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
        const match = /POST (http:\/\/127\.0\.0\.1:\d+)\/reports\//.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error("receiver exited early")));
    });
    const acknowledged: string[] = [];
    let sent = 0;
    let stop = false;
    const sender = async (lane: number) => {
      for (let batch = 0; !stop; batch++) {
        const ids = Array.from({ length: 25 }, (_, i) => `lane${lane}-b${batch}-r${i}`);
        sent += ids.length;
        try {
          const response = await request(`${url}/reports/${TEST_TOKEN}`, {
            method: "POST",
            body: JSON.stringify({ array: ids.map((id) => reportRecord(id)) }),
          });
          await response.body.dump();
          if (response.statusCode === 200) acknowledged.push(...ids);
        } catch {
          return; // the receiver died mid-request: that batch was not acknowledged
        }
      }
    };
    const lanes = [0, 1, 2, 3].map(sender);
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    stop = true;
    await Promise.all(lanes);

    expect(acknowledged.length).toBeGreaterThan(100);
    const store = openSqliteStore(join(dir, "reports.db"), { storeNumbers: false }); // "restart": reopen and recover the WAL
    await store.close();
    const db = new Database(join(dir, "reports.db"), { readonly: true });
    const stored = new Set(
      (db.prepare("SELECT voice_id FROM reports").all() as { voice_id: string }[]).map((r) => r.voice_id),
    );
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    expect(stored.size).toBeLessThanOrEqual(sent);
  });
});
