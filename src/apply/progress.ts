import { describeFailure } from "../laaffic/index.js";
import { escapeControlChars } from "../privacy/index.js";
import type { ApplyEvent } from "./engine.js";

export interface Progress {
  emit(event: ApplyEvent): void;
  /** Resolves once the renderer has drawn the last event. */
  done(): Promise<void>;
}

/** Off a terminal (CI logs): one timestamped line per event, no spinner frames. */
export function plainProgress(writeRaw: (line: string) => void, now: () => number): Progress {
  // Names and platform messages are user text: one line each, control characters escaped.
  const write = (line: string): void => writeRaw(escapeControlChars(line.slice(0, -1)) + "\n");
  const stamp = () => new Date(now()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    emit(event) {
      switch (event.type) {
        case "submitting":
          return write(
            `${stamp()} submitting ${event.taskName} (${event.recipients} recipient${event.recipients === 1 ? "" : "s"})\n`,
          );
        case "submitted":
          write(`${stamp()} submitted  ${event.taskName}: task ${event.taskId ?? "(id not returned)"}\n`);
          return event.warning ? write(`${stamp()} warning    ${event.taskName}: ${event.warning}\n`) : undefined;
        case "rejected":
        case "unknown":
          return write(`${stamp()} ${event.type.padEnd(10)} ${event.taskName}: ${describeFailure(event.failure)}\n`);
        case "cancelled":
          return write(`${stamp()} cancelled  ${event.taskName}: ${event.what}\n`);
        case "updated":
          return write(`${stamp()} updated    ${event.taskName}: ${event.what}\n`);
        case "moved":
          return write(`${stamp()} renamed    ${event.from} → ${event.taskName} (state only, nothing sent)\n`);
        case "waiting":
          return write(
            `${stamp()} waiting    ${Math.ceil(event.waitMs / 1000)} s before trying again: ${describeFailure(event.failure)}\n`,
          );
      }
    },
    done: () => Promise.resolve(),
  };
}

/** On a terminal: a live task list (listr2), drawn on stderr so stdout keeps only the result. */
export async function terminalProgress(taskNames: readonly string[]): Promise<Progress> {
  const { Listr, ListrLogger, ProcessOutput } = await import("listr2");
  type Settle = { resolve(title: string): void; reject(error: Error): void; settled: boolean };
  const outcome = new Map<string, Settle & { promise: Promise<string> }>();
  for (const name of taskNames) {
    let settle!: Settle;
    const promise = new Promise<string>((resolve, reject) => (settle = { resolve, reject, settled: false }));
    outcome.set(name, { ...settle, promise });
  }
  const settle = (name: string, result: string | Error): void => {
    const entry = outcome.get(name);
    if (!entry || entry.settled) return;
    entry.settled = true;
    // listr2 draws straight onto the terminal: user text is escaped here.
    if (typeof result === "string") entry.resolve(escapeControlChars(result));
    else entry.reject(new Error(escapeControlChars(result.message)));
  };
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const list = new Listr(
    taskNames.map((name) => ({
      title: `${escapeControlChars(name)}: waiting`,
      task: async (_ctx: unknown, task: { title: string }) => {
        task.title = await outcome.get(name)!.promise;
      },
    })),
    {
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      rendererOptions: { logger },
    },
  );
  const running = list.run().catch(() => undefined);
  return {
    emit(event) {
      if (event.type === "submitting" || event.type === "waiting") return;
      if (event.type === "submitted")
        settle(
          event.taskName,
          `${event.taskName}: task ${event.taskId ?? "(id not returned)"}${event.warning ? ` (warning: ${event.warning})` : ""}`,
        );
      else if (event.type === "cancelled") settle(event.taskName, `${event.taskName}: ${event.what}`);
      else if (event.type === "updated") settle(event.taskName, `${event.taskName}: ${event.what}`);
      else if (event.type === "moved") settle(event.taskName, `${event.taskName}: renamed from ${event.from}`);
      else settle(event.taskName, new Error(`${event.taskName}: ${describeFailure(event.failure)}`));
    },
    async done() {
      for (const name of taskNames) settle(name, `${name}: not started`);
      await running;
    },
  };
}
