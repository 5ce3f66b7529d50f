import { setMaxListeners } from "node:events";
import { ToolError } from "../errors/index.js";
import type { AppContext } from "./context.js";

export interface Interrupts {
  /**
   * Calls `onInterrupt` on every SIGINT/SIGTERM (never ends the process itself, so the lock is
   * always released); returns a function that stops listening.
   */
  listen(onInterrupt: (signal: string) => void): () => void;
}

export interface Stop {
  /** Aborted on the first signal: every request in flight and every retry wait listens to it. */
  signal: AbortSignal;
  unlisten(): void;
}

/**
 * For a command that holds the state lock while it talks to the platform (apply, refresh,
 * resolve --check): the first SIGINT/SIGTERM aborts `signal` and says what happens now
 * (`stopping`); later signals only say that this is under way (`again`). Recording and unlocking
 * take moments, and ending the process in the middle would leave the lock behind.
 * Listen from before the lock is taken until after it is released.
 */
export function listenForStop(
  interrupts: Interrupts,
  context: AppContext,
  say: { stopping: string; again: string },
): Stop {
  const controller = new AbortController();
  // Up to api.parallelism (64) requests in flight and as many retry waits listen to it.
  setMaxListeners(0, controller.signal);
  const unlisten = interrupts.listen((signal) => {
    if (controller.signal.aborted) return context.events.notice(`\n${signal} again: ${say.again}\n`);
    controller.abort();
    context.events.notice(`\n${signal}: ${say.stopping}\n`);
  });
  return { signal: controller.signal, unlisten };
}

/** Ends the command as interrupted (exit 130) once a signal came. */
export function stopIfInterrupted(signal: AbortSignal, message: string, hint: string): void {
  if (signal.aborted) throw new ToolError("interrupted", message, hint);
}

/**
 * For a command that runs until a signal (receive, simulator): `stopped` resolves on the first;
 * later ones only say that it is stopping, so a second Ctrl-C cannot end the process halfway
 * through the (bounded) stop, e.g. while a received batch is being stored.
 */
export function untilSignal(
  interrupts: Interrupts,
  context: AppContext,
): { stopped: Promise<string>; unlisten(): void } {
  let received: string | undefined;
  let resolve: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((r) => (resolve = r));
  const unlisten = interrupts.listen((signal) => {
    if (received === undefined) resolve((received = signal));
    else context.events.notice(`${signal} again: already stopping\n`);
  });
  return { stopped, unlisten };
}
