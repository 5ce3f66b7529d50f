import type { AppContext } from "../app/context.js";
import { renderDiagnostics } from "../views/diagnostics.js";
import type { OutputFormat } from "../views/format.js";
import { palette } from "../views/style.js";
import type { Terminal } from "./terminal.js";

export type { OutputFormat };
export type ReportFormat = "csv" | "html";

/** Options every command shares (DESIGN.md: shared flags). */
export interface GlobalOptions {
  config?: string;
  /** --env NAME: one of the config's environments (else CAMPAIGN_ENV). */
  environment?: string;
  state?: string;
  format: OutputFormat;
  /** --format csv or html: files only `campaign outcomes` writes (`format` is text then, for anything else it prints). */
  reportFormat?: ReportFormat;
  color: boolean;
  quiet: boolean;
}

/** What the process gives a command: the directory, the environment and the clock. */
export type ProcessContext = Pick<AppContext, "cwd" | "env" | "now">;

/** A use case's context, plus the terminal the CLI renders results on. */
export interface CliContext extends AppContext {
  terminal: Terminal;
}

/** Use-case events go to stderr: diagnostics in the compiler form, notices as they are. */
export function cliContext(base: ProcessContext, terminal: Terminal): CliContext {
  const paint = palette(terminal.color);
  return {
    ...base,
    terminal,
    events: {
      diagnostics: (found) => terminal.err(renderDiagnostics(found, paint)),
      notice: (text) => terminal.err(text),
    },
  };
}
