import type { CliContext, GlobalOptions } from "../context.js";

/** Runs one command's wiring with the shared options and the context built for them; the exit code is kept. */
export type Run = (action: (ctx: CliContext, options: GlobalOptions) => Promise<number>) => Promise<void>;
