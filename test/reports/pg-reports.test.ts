import { createServer } from "node:http";
import { request } from "undici";
import { expect, test } from "vitest";
import { openPgReportStore, startReceiver, type Receiver } from "../../src/reports/index.js";
import type { OutcomesReport } from "../../src/schema/generated/index.js";
import {
  campaignYaml,
  daytimeNow,
  reportRecord,
  runCli,
  simulatorEnv,
  tempDir,
  testSimulator,
  TEST_TOKEN,
} from "../helpers.js";
import { describePg, freshSchema, PG_URL, pgQuery } from "../pg-helpers.js";

/** A receiver with its own Postgres pool, as a second instance on another host would have. */
async function pgReceiver(schema: string): Promise<Receiver & { close(): Promise<void> }> {
  const store = await openPgReportStore(PG_URL, schema, { storeNumbers: false });
  const receiver = await startReceiver({
    host: "127.0.0.1",
    port: 0,
    token: TEST_TOKEN,
    maxBodyBytes: 16 * 1024 * 1024,
    store,
    log: () => undefined,
  });
  return { ...receiver, close: async () => (await receiver.stop(), await store.close()) };
}

const post = async (url: string, body: string) =>
  (await request(url, { method: "POST", body, headers: { "content-type": "application/json" } })).statusCode;

/** Stands in for a load balancer that sends every push to both receivers, one of them twice. */
async function fanOut(targets: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const codes = await Promise.all([...targets, targets[0]!].map((t) => post(t, body)));
      res.writeHead(codes.every((c) => c === 200) ? 200 : 502).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describePg("report store on PostgreSQL", () => {
  test("two receivers under concurrent load with duplicated batches: every voiceId stored once", async () => {
    const schema = freshSchema();
    const [a, b] = [await pgReceiver(schema), await pgReceiver(schema)];
    try {
      expect(a.port).not.toBe(b.port);
      const batches = Array.from({ length: 40 }, (_, n) =>
        JSON.stringify({
          array: Array.from({ length: 250 }, (_, i) =>
            reportRecord(`v-${n}-${i}`, { callee: String(919_700_000_000 + n * 250 + i) }),
          ),
        }),
      );
      // Each batch to both receivers, eight batches in flight: every voiceId arrives twice at once.
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const body = batches[next++]!;
          expect(await Promise.all([post(a.reportUrl, body), post(b.reportUrl, body)])).toEqual([200, 200]);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      const [counts] = await pgQuery<{ rows: string; ids: string }>(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT voice_id) AS ids FROM "${schema}".reports`,
      );
      expect(counts).toEqual({ rows: "10000", ids: "10000" });
      const raw = await pgQuery<{ n: string }>(
        `SELECT COUNT(*) AS n FROM "${schema}".reports WHERE record::text LIKE '%9197000%' OR callee IS NOT NULL`,
      );
      expect(raw[0]!.n).toBe("0"); // numbers only as salted hash and masked
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("simulator → both receivers (duplicated pushes) → campaign outcomes aggregated in SQL equal the simulator's counts", async () => {
    const schema = freshSchema();
    const [a, b] = [await pgReceiver(schema), await pgReceiver(schema)];
    const balancer = await fanOut([a.reportUrl, b.reportUrl]);
    try {
      const sim = await testSimulator({ seed: 5, pushUrl: balancer.url, pushRetryDelayMs: 0, now: daytimeNow });
      const numbers = Array.from({ length: 40 }, (_, i) => String(919_700_300_000 + i));
      const recall =
        'recallFlow:\n  recallType: 1\n  recallInterval: 30\n  recallNum: 1\n  nodeList: [{agentId: "110"}]\n';
      const dir = await tempDir({
        "campaign.config.yaml": `reports:\n  backend: postgres\n  schema: ${schema}\n`,
        "campaigns/a.yaml": campaignYaml("pg-outcomes", recall, numbers),
      });
      const env = { ...simulatorEnv(sim), CAMPAIGN_PG_URL: PG_URL! };
      expect((await runCli(["apply", "--auto-approve"], dir, env, daytimeNow())).code).toBe(0);
      sim.fastForward();
      await sim.drainPushes();
      const run = await runCli(["--json", "outcomes"], dir, env);
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout) as OutcomesReport;
      const own = [...sim.world.tasks.values()];
      const outcome = report.campaigns.find((c) => c.taskName === "pg-outcomes")!;
      expect(outcome.calls).toBe(own.reduce((n, t) => n + t.success + t.fail, 0));
      expect(outcome.outcomes.connected).toBe(own.reduce((n, t) => n + t.success, 0));
      expect(outcome.calls).toBe(sim.stats().pushes.reportsSent);
      const [counts] = await pgQuery<{ rows: string; ids: string }>(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT voice_id) AS ids FROM "${schema}".reports`,
      );
      expect(Number(counts!.rows)).toBe(outcome.calls);
      expect(counts!.ids).toBe(counts!.rows);
    } finally {
      await balancer.close();
      await a.close();
      await b.close();
    }
  });
});
