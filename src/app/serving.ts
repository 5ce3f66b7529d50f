import type { AppContext } from "./context.js";
import { untilSignal, type Interrupts } from "./interrupts.js";

/** A server a use case started (receive, simulator): what it says about itself, and how it ends. */
export interface Serving<Started> {
  /** The started-document the CLI prints once the server listens. */
  started: Started;
  /** Serves until the first SIGINT/SIGTERM, then stops the server (bounded); call it once the address is printed. */
  untilStopped(): Promise<void>;
}

/**
 * Starts a server that runs until a signal. Listening for signals begins before the server starts,
 * so a signal sent on seeing the printed address still stops it cleanly.
 */
export async function serveUntilSignal<Server, Started>(
  interrupts: Interrupts,
  context: AppContext,
  server: {
    start(): Promise<Server>;
    describe(running: Server): Started;
    stop(running: Server, signal: string): Promise<void>;
  },
): Promise<Serving<Started>> {
  const until = untilSignal(interrupts, context);
  let running: Server;
  try {
    running = await server.start();
  } catch (error) {
    until.unlisten();
    throw error;
  }
  return {
    started: server.describe(running),
    async untilStopped() {
      try {
        await server.stop(running, await until.stopped);
      } finally {
        until.unlisten();
      }
    },
  };
}
