// One description of every way a command can fail (a ToolError, a usage error from commander, a
// bug), rendered as a compiler-style line on stderr or as the JSON error document on stdout.
import { CommanderError } from "commander";
import type { Diagnostic } from "../diagnostics/index.js";
import { isToolError } from "../errors/index.js";
import { maskSensitiveText } from "../privacy/index.js";
import type { ErrorReport } from "../schema/generated/index.js";
import { ExitCode, exitCodeFor } from "./exit-codes.js";
import type { Terminal } from "./terminal.js";

export interface Failure {
  exitCode: number;
  report: ErrorReport;
  /** Commander printed its own message on stderr already. */
  printed: boolean;
  /** Only for bugs, shown with CAMPAIGN_DEBUG=1. */
  stack?: string;
}

const BUG_HINT =
  "this is a bug in campaign; please report it with the command you ran (CAMPAIGN_DEBUG=1 shows the stack trace)";

/** What went wrong; undefined when nothing did (commander's --help and --version end by throwing). */
export function describeFailure(error: unknown, env: Record<string, string | undefined>): Failure | undefined {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return undefined;
    const message = error.code === "commander.help" ? "no command given" : error.message.replace(/^error: /, "");
    return {
      exitCode: ExitCode.error,
      printed: true,
      report: { code: "usage", message, hint: "run campaign --help (or campaign COMMAND --help) for usage" },
    };
  }
  if (isToolError(error)) {
    const { file, line, column, diagnostics } = error.details;
    const first: Diagnostic | undefined = diagnostics?.find((d) => d.severity === "error") ?? diagnostics?.[0];
    const at =
      file !== undefined
        ? { file, ...(line !== undefined ? { line, column: column ?? 1 } : {}) }
        : first
          ? { file: first.file, line: first.line, column: first.column }
          : {};
    return {
      exitCode: exitCodeFor(error.code),
      printed: false,
      report: {
        code: error.code,
        message: error.message,
        hint: error.hint ?? "see the message above",
        ...at,
        ...(diagnostics && diagnostics.length > 0 ? { diagnostics: [...diagnostics] } : {}),
      },
    };
  }
  // A bug: its message may hold anything the code had at hand, so it is masked like untrusted text.
  const secrets = [env["LAAFFIC_API_KEY"], env["LAAFFIC_API_SECRET"], env["CAMPAIGN_RECEIVER_TOKEN"]];
  const mask = (text: string) => maskSensitiveText(text, { secrets });
  const message = mask(error instanceof Error ? error.message : String(error));
  const stack = error instanceof Error && error.stack ? mask(error.stack) : undefined;
  return {
    exitCode: ExitCode.error,
    printed: false,
    report: { code: "internal", message: `internal error: ${message}`, hint: BUG_HINT },
    ...(stack ? { stack } : {}),
  };
}

/** Whether the command line asks for JSON (read from argv: a usage error comes before options are parsed). */
export function wantsJson(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return false;
    if (arg === "--json" || arg === "--format=json" || (arg === "--format" && argv[i + 1] === "json")) return true;
  }
  return false;
}

/**
 * With --format json, stdout is held until the command ends: on success it is passed on, on
 * failure it moves to stderr and stdout gets the error document alone. Long-running commands
 * (receive, simulator, demo) print as they go (`release`).
 */
export function heldStdout(terminal: Terminal): {
  terminal: Terminal;
  release(): void;
  peek(): string;
  take(): string;
} {
  let held: string[] | undefined = [];
  return {
    terminal: { ...terminal, out: (text) => (held ? void held.push(text) : terminal.out(text)) },
    release() {
      const text = held?.join("") ?? "";
      held = undefined;
      if (text) terminal.out(text);
    },
    peek: () => held?.join("") ?? "",
    take() {
      const text = held?.join("") ?? "";
      held = [];
      return text;
    },
  };
}
