import type { Terminal } from "./terminal.js";

export type OutputFormat = "text" | "json" | "markdown";

/** Options every command shares (DESIGN.md: shared flags). */
export interface GlobalOptions {
  config?: string;
  state?: string;
  format: OutputFormat;
  color: boolean;
  quiet: boolean;
}

/** What a command may touch: everything from outside is passed in here. */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  terminal: Terminal;
  now(): number;
}
