import { ENDPOINTS, taskQuery, type TaskQuery } from "./client.js";
import type { ApiFailure } from "./errors.js";
import { answerShape, checkPage, taskRecord } from "./responses.js";
import { createTransport, type TransportOptions } from "./transport.js";

/** What one signed, read-only task query told about the platform (campaign doctor). */
export interface PlatformProbe {
  /** The HTTP answer, when one came (any status); `date` is its Date header as sent. */
  http?: { status: number; date?: string };
  /** The request's outcome: refused, unreachable, or answered. */
  failure?: ApiFailure;
  /** With an answer: whether `data` is a task page as the client reads it, and if not, what it was. */
  answer?: { ok: true; records: number } | { ok: false; problem: string; shape: string };
}

/**
 * Sends one task query (read-only, nothing is created or changed), once: no retry, so what the
 * platform said to this very request is what is reported.
 */
export async function probeTaskQuery(
  options: Omit<TransportOptions, "maxAttempts" | "onResponse">,
  window: Pick<TaskQuery, "strTime" | "endTime">,
): Promise<PlatformProbe> {
  const probe: PlatformProbe = {};
  const transport = createTransport({
    ...options,
    maxAttempts: 1,
    onResponse: ({ status, headers }) => {
      const date = headers["date"];
      probe.http = { status, ...(typeof date === "string" ? { date } : {}) };
    },
  });
  try {
    const result = await transport.post(ENDPOINTS.queryTasks, taskQuery({ current: 1, size: 1, ...window }), true);
    if (!result.ok) {
      probe.failure = result.failure;
      return probe;
    }
    const page = checkPage(result.data, taskRecord, "task query");
    probe.answer = page.ok
      ? { ok: true, records: page.value.records.length }
      : { ok: false, problem: page.problem, shape: describeData(result.data) };
    return probe;
  } finally {
    await transport.close();
  }
}

/** The answer's keys and types, and those of its first record: never a value. */
function describeData(data: unknown): string {
  const records =
    data !== null && typeof data === "object" && !Array.isArray(data)
      ? (data as Record<string, unknown>)["records"]
      : undefined;
  const first = Array.isArray(records) && records.length > 0 ? `; first record ${answerShape(records[0])}` : "";
  return `data ${answerShape(data)}${first}`;
}
