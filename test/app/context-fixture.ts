import { collectingEvents, type AppContext } from "../../src/app/context.js";
import type { Interrupts } from "../../src/app/interrupts.js";

/** A use case's context on `cwd`, its events collected in memory. */
export function appContext(cwd: string, env: AppContext["env"] = {}, now = Date.now) {
  const events = collectingEvents();
  return { cwd, env, now, events } satisfies AppContext;
}

/** An Interrupts port the test signals by hand; `listening` says whether anyone still listens. */
export function manualInterrupts(): Interrupts & { send(signal: string): void; readonly listening: boolean } {
  let handler: ((signal: string) => void) | undefined;
  return {
    listen(onInterrupt) {
      handler = onInterrupt;
      return () => (handler = undefined);
    },
    send: (signal) => handler?.(signal),
    get listening() {
      return handler !== undefined;
    },
  };
}
