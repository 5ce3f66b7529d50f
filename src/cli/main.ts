import { Command, Option } from "commander";
import { ToolError } from "../errors/index.js";
import {
  cliContext,
  type GlobalOptions,
  type OutputFormat,
  type ProcessContext,
  type ReportFormat,
} from "./context.js";
import type { Interrupts } from "../app/interrupts.js";
import { registerCampaignCommands } from "./commands/campaigns.js";
import { registerReportCommands } from "./commands/reports.js";
import type { Run } from "./commands/run.js";
import { registerStateCommands } from "./commands/state.js";
import { registerToolCommands } from "./commands/tools.js";
import { ExitCode } from "./exit-codes.js";
import { errorDocument, renderFailure } from "../views/error.js";
import { describeFailure, heldStdout, wantsJson, type Failure } from "./failure.js";
import { escapingTerminal, processTerminal, type Terminal } from "./terminal.js";
import { TOOL_VERSION } from "../app/version.js";
import { ROOT_HELP } from "../views/help.js";

/** Builds the command tree. Command modules are imported when run, so `--version` stays fast. */
export function buildProgram(
  context: ProcessContext,
  terminal: Terminal,
  setExit: (code: number) => void,
  interrupts: Interrupts = processInterrupts,
): Command {
  const program = new Command("campaign")
    .description(
      "Config-as-code for LAAFFIC AI-agent call campaigns: validate, plan and apply campaigns declared as YAML in git.",
    )
    .version(TOOL_VERSION, "-V, --version")
    .option(
      "--config <file>",
      "configuration file (default: searched as campaign.config.*, .campaignrc*, package.json#campaign)",
    )
    .option(
      "--env <name>",
      "the environment (one of the config's environments:) to run in; also CAMPAIGN_ENV. Once environments are declared, every command that reads the state or calls the platform needs one",
    )
    .option(
      "--state <file>",
      "applied-state file (default: state.path, .campaign/state.json; in an environment .campaign/<env>/state.json, never another environment's); picks the file backend even when state.backend is postgres",
    )
    .addOption(
      new Option("--format <format>", "output format (csv: outcomes --recipients only; html: outcomes only)")
        .choices(["text", "json", "markdown", "csv", "html"])
        .default("text"),
    )
    .option("--json", "same as --format json")
    .option("--no-color", "never colour the output (NO_COLOR is respected too)")
    .option("--quiet", "print errors and the summary only")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => terminal.out(s), writeErr: (s) => terminal.err(s) })
    .addHelpText("after", ROOT_HELP);

  const globals = (): GlobalOptions => {
    const o = program.opts<{
      config?: string;
      env?: string;
      state?: string;
      format: OutputFormat | ReportFormat;
      json?: boolean;
      color: boolean;
      quiet?: boolean;
    }>();
    return {
      config: o.config,
      ...(o.env !== undefined ? { environment: o.env } : {}),
      state: o.state,
      format: o.json ? "json" : o.format === "csv" || o.format === "html" ? "text" : o.format,
      ...(!o.json && (o.format === "csv" || o.format === "html") ? { reportFormat: o.format } : {}),
      color: o.color,
      quiet: Boolean(o.quiet),
    };
  };
  const run: Run = async (action) => {
    const options = globals();
    const ctx = cliContext(context, { ...terminal, color: terminal.color && options.color });
    setExit(await action(ctx, options));
  };

  // csv and html are files of `campaign outcomes` only: any other command refuses them before it runs.
  program.hook("preAction", (_program, action) => {
    const { reportFormat } = globals();
    if (reportFormat !== undefined && action.name() !== "outcomes")
      throw new ToolError(
        "usage",
        `--format ${reportFormat} is only for campaign outcomes`,
        "use --format text, json or markdown",
      );
  });
  registerCampaignCommands(program, run, interrupts);
  registerStateCommands(program, run, interrupts);
  registerReportCommands(program, run, interrupts);
  registerToolCommands(program, run, interrupts);
  return program;
}

/** The process's signals, as the use cases listen to them. */
const processInterrupts: Interrupts = { listen: listenForInterrupt };

function listenForInterrupt(onInterrupt: (signal: string) => void): () => void {
  // Every signal goes to the command, which stops, records and unlocks; the process is never
  // ended from here (that would leave the lock and the answers in flight behind).
  const onSigint = () => onInterrupt("SIGINT");
  const onSigterm = () => onInterrupt("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  return () => {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  };
}

/** Parses argv, runs the command and maps every failure to an exit code, in one place. */
export async function main(argv: readonly string[], context: ProcessContext, rawTerminal: Terminal): Promise<number> {
  const json = wantsJson(argv);
  // Everything printed for people, errors included, shows control characters escaped.
  const terminal = escapingTerminal(rawTerminal, { jsonStdout: json });
  // With --format json, stdout holds one JSON document whatever happens: held until the end.
  // A streaming command's start-up document is its one document: a later failure then goes to stderr only.
  let streamed = false;
  const stdout = json ? heldStdout({ ...terminal, out: (text) => ((streamed = true), terminal.out(text)) }) : undefined;
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(context, stdout?.terminal ?? terminal, (code) => (exitCode = code));
  program.hook("preAction", (_program, action) => {
    if (STREAMING_COMMANDS.has(action.name())) stdout?.release();
  });
  let failure: Failure | undefined;
  try {
    await program.parseAsync(argv, { from: "user" });
    // A failing command that printed no JSON document of its own (text progress, nothing) still leaves one.
    if (stdout && exitCode !== ExitCode.ok && exitCode !== ExitCode.changes && !isJsonDocument(stdout.peek())) {
      failure = {
        exitCode,
        printed: true,
        report: {
          code: "command-failed",
          message: `the command failed (exit ${exitCode})`,
          hint: "the messages on stderr say what went wrong",
        },
      };
    }
  } catch (error) {
    failure = describeFailure(error, context.env);
  }
  if (!failure) {
    stdout?.release();
    return exitCode;
  }
  if (!failure.printed) terminal.err(renderFailure(failure, context.env));
  if (stdout) {
    const held = stdout.take();
    if (held) terminal.err(held);
    if (!streamed) terminal.out(errorDocument(failure));
  }
  return failure.exitCode;
}

/** These print as they run (addresses to use, progress); their stdout is never held. */
const STREAMING_COMMANDS = new Set(["receive", "simulator"]);

function isJsonDocument(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(?:bin[\\/]campaign|cli[\\/]main\.js)$/.test(process.argv[1]);
if (invokedDirectly) {
  const noColor = process.argv.includes("--no-color");
  const code = await main(
    process.argv.slice(2),
    { cwd: process.cwd(), env: process.env, now: () => Date.now() },
    processTerminal({ color: !noColor }),
  );
  process.exitCode = code;
}
