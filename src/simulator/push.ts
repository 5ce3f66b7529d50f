// The platform's status push, simulated: batches of reports POSTed as {"array": [...]} to the
// configured address, failed batches retried. (HTTP out from the simulator plays the platform's
// part; the tool's own outbound HTTP stays in src/laaffic/.)
import { request } from "undici";

export interface PushOptions {
  url: string;
  batchSize?: number;
  retryDelayMs?: number;
  maxAttempts?: number;
}

export interface PushStats {
  reportsQueued: number;
  reportsSent: number;
  batchesSent: number;
  batchesFailed: number;
  reportsDropped: number;
}

export interface Pusher {
  enqueue(report: Record<string, unknown>): void;
  /** Sends what is due; resolves when the batch in flight (if any) is answered. */
  flush(): Promise<void>;
  stats(): PushStats;
  pending(): number;
}

export function createPusher(options: PushOptions): Pusher {
  const batchSize = options.batchSize ?? 500;
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 5;
  const queue: Record<string, unknown>[] = [];
  const retries: { reports: Record<string, unknown>[]; attempts: number; dueAt: number }[] = [];
  const stats: PushStats = { reportsQueued: 0, reportsSent: 0, batchesSent: 0, batchesFailed: 0, reportsDropped: 0 };
  let inFlight: Promise<void> | undefined;

  const send = async (reports: Record<string, unknown>[], attempts: number): Promise<void> => {
    let ok = false;
    try {
      const response = await request(options.url, {
        method: "POST",
        headers: { "content-type": "application/json;charset=UTF-8" },
        body: JSON.stringify({ array: reports }),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await response.body.dump();
      ok = response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      ok = false;
    }
    if (ok) {
      stats.batchesSent++;
      stats.reportsSent += reports.length;
      return;
    }
    stats.batchesFailed++;
    if (attempts + 1 >= maxAttempts) stats.reportsDropped += reports.length;
    else retries.push({ reports, attempts: attempts + 1, dueAt: Date.now() + retryDelayMs });
  };

  return {
    enqueue(report) {
      queue.push(report);
      stats.reportsQueued++;
    },
    flush() {
      if (inFlight) return inFlight;
      const dueIndex = retries.findIndex((r) => r.dueAt <= Date.now());
      const batch =
        dueIndex >= 0
          ? retries.splice(dueIndex, 1)[0]!
          : queue.length > 0
            ? { reports: queue.splice(0, batchSize), attempts: 0 }
            : undefined;
      if (!batch) return Promise.resolve();
      inFlight = send(batch.reports, batch.attempts).finally(() => (inFlight = undefined));
      return inFlight;
    },
    stats: () => ({ ...stats }),
    pending: () => queue.length + retries.reduce((n, r) => n + r.reports.length, 0),
  };
}
