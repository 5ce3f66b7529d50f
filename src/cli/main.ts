import { Command, Option } from "commander";
import { cliContext, type CliContext, type GlobalOptions, type OutputFormat, type ProcessContext } from "./context.js";
import type { SimulatorCommandOptions } from "./simulator.js";
import type { PlanCommandOptions } from "./plan.js";
import type { ApplyCommandOptions } from "./apply.js";
import type { ResolveOptions } from "./state.js";
import type { OutcomesOptions, ReceiveOptions, StoreOption } from "./reports.js";
import { ExitCode } from "./exit-codes.js";
import { errorDocument, renderFailure } from "../views/error.js";
import { describeFailure, heldStdout, wantsJson, type Failure } from "./failure.js";
import { escapingTerminal, processTerminal, type Terminal } from "./terminal.js";
import { TOOL_VERSION } from "../app/version.js";

/** Builds the command tree. Command modules are imported when run, so `--version` stays fast. */
export function buildProgram(context: ProcessContext, terminal: Terminal, setExit: (code: number) => void): Command {
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
      "--state <file>",
      "applied-state file (default: state.path, .campaign/state.json); picks the file backend even when state.backend is postgres",
    )
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "markdown"]).default("text"))
    .option("--json", "same as --format json")
    .option("--no-color", "never colour the output (NO_COLOR is respected too)")
    .option("--quiet", "print errors and the summary only")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => terminal.out(s), writeErr: (s) => terminal.err(s) })
    .addHelpText(
      "after",
      "\nExit codes: 0 ok · 1 error or invalid input · 2 plan has changes (--detailed-exitcode)\n" +
        "            3 saved plan is stale · 4 state is locked · 5 apply ended with outcomes unknown\n" +
        "            130 interrupted (SIGINT/SIGTERM) with no outcome unknown\n" +
        "With --format json, stdout holds one JSON document, also on failure: {formatVersion, error: {code, message, hint, …}}.\n" +
        "  On success it is the command's result (schemas/; command-result.schema.json for refresh, state resolve/forget/\n" +
        "  migrate, force-unlock, init, reports import, receive, simulator); warnings and progress go to stderr.\n" +
        "  receive and simulator print theirs as one line once they listen, then run until a signal; demo refuses json.\n",
    );

  const globals = (): GlobalOptions => {
    const o = program.opts<{
      config?: string;
      state?: string;
      format: OutputFormat;
      json?: boolean;
      color: boolean;
      quiet?: boolean;
    }>();
    return {
      config: o.config,
      state: o.state,
      format: o.json ? "json" : o.format,
      color: o.color,
      quiet: Boolean(o.quiet),
    };
  };
  const run = async (action: (ctx: CliContext, options: GlobalOptions) => Promise<number>): Promise<void> => {
    const options = globals();
    const ctx = cliContext(context, { ...terminal, color: terminal.color && options.color });
    setExit(await action(ctx, options));
  };

  program
    .command("validate")
    .description("load and validate campaign files; exit 0 when all are valid (warnings allowed), 1 otherwise")
    .argument("[paths...]", "campaign files or directories (default: campaignsDir from the config, else campaigns/)")
    .addHelpText(
      "after",
      "\nExample:\n  campaign validate campaigns/\n  campaign validate --format json campaigns/reminders.yaml\n",
    )
    .action(async (paths: string[]) => {
      const { validateCommand } = await import("./validate.js");
      await run((ctx, options) => validateCommand(paths, options, ctx));
    });

  program
    .command("plan")
    .description("show what apply would submit: the declared campaigns against the applied state")
    .argument(
      "[paths...]",
      "campaign files or directories (default: campaignsDir); given paths judge only the state entries recorded from inside them",
    )
    .option(
      "--out <file>",
      "save the plan (atomically; never over the state, its journal or lock, the report store, config, campaign, recipients or suppression files); campaign apply FILE then submits exactly it",
    )
    .option("--detailed-exitcode", "exit 0 when there are no changes, 2 when there are, 1 on errors")
    .option(
      "--refresh",
      "first ask the platform for each task's status and record it (needs credentials; its report goes to stderr; a signal then ends it as refresh does, exit 130)",
    )
    .option("--allow-large", "report the blast-radius guards (guards.*) as warnings and record that in the plan")
    .addHelpText(
      "after",
      "\nSymbols: + create   - cancel   ~ update recall flow   ! cannot change (blocked)   ? outcome unknown   - orphaned   → rename\nGuards (config guards.*): number validity, calling hours in each callee's zone, suppression lists, size limits;\neach create shows its countries, a masked sample and, for a series, who is added or removed.\nWhen GITHUB_STEP_SUMMARY is set, the plan is appended there as markdown too (a warning when it cannot be).\n\nExample:\n  campaign plan --detailed-exitcode --format markdown\n  campaign plan --out plan.json\n",
    )
    .action(async (paths: string[], commandOptions: PlanCommandOptions) => {
      const { planCommand } = await import("./plan.js");
      await run((ctx, options) => planCommand(paths, commandOptions, options, ctx, { listen: listenForInterrupt }));
    });

  program
    .command("apply")
    .description("submit the campaigns the plan creates, each exactly once, recording every outcome in the state")
    .argument(
      "[planfile-or-paths...]",
      "a plan saved by campaign plan --out (applied without prompting), or campaign paths",
    )
    .option("--auto-approve", "do not ask for confirmation")
    .option("--parallelism <n>", "submissions in flight at once (default: api.parallelism, 4)")
    .option(
      "--allow-large",
      "go past the blast-radius guards (guards.*); a saved plan must have been made with --allow-large too",
    )
    .addHelpText(
      "after",
      "\nAsks for 'yes' on a terminal unless --auto-approve or a saved plan is given; never prompts without a terminal.\n" +
        "Right before the first request the guards run again: size limits, suppression lists (unchanged since the plan)\n" +
        "and calling hours in each callee's zone (an immediate send is checked against this moment).\n" +
        "Exit codes: 0 all submitted · 1 a rejection or error · 3 saved plan stale or already applied · 4 state locked · 5 an outcome is unknown\n" +
        "Ctrl-C / SIGTERM: nothing new starts, requests in flight are aborted and recorded (unknown), the lock is released;\n" +
        "            exit 5 when an outcome is unknown, else 130.\n",
    )
    .action(async (args: string[], commandOptions: ApplyCommandOptions) => {
      const { applyCommand } = await import("./apply.js");
      await run((ctx, options) => applyCommand(args, commandOptions, options, ctx, { listen: listenForInterrupt }));
    });

  const state = program
    .command("state")
    .description("inspect and repair the applied state; every change is recorded in its history");
  state
    .command("list")
    .description("campaigns in the state with status, task id and recipient count")
    .action(async () => {
      const { stateListCommand } = await import("./state.js");
      await run((ctx, options) => stateListCommand(options, ctx));
    });
  state
    .command("show")
    .description("one campaign's record and history")
    .argument("<name>", "taskName")
    .action(async (name: string) => {
      const { stateShowCommand } = await import("./state.js");
      await run((ctx, options) => stateShowCommand(name, options, ctx));
    });
  state
    .command("resolve")
    .description("record what happened to a campaign whose outcome is unknown, after checking the platform")
    .argument("<name>", "taskName")
    .option("--submitted", "the task exists on the platform")
    .option("--task-id <id>", "its task id, with --submitted")
    .option("--not-submitted", "the task does not exist; the next plan creates it again")
    .option("--check", "search the platform for it (in the window of the interrupted apply) and record what is found")
    .addHelpText("after", `\nWith --check: ${STOP_HELP}`)
    .action(async (name: string, resolveOptions: ResolveOptions) => {
      const { stateResolveCommand } = await import("./state.js");
      await run((ctx, options) =>
        stateResolveCommand(name, resolveOptions, options, ctx, { listen: listenForInterrupt }),
      );
    });
  state
    .command("forget")
    .description("remove a campaign from the state (cancels nothing on the platform)")
    .argument("<name>", "taskName")
    .action(async (name: string) => {
      const { stateForgetCommand } = await import("./state.js");
      await run((ctx, options) => stateForgetCommand(name, options, ctx));
    });
  state
    .command("migrate")
    .description("move the state between backends, keeping lineage, serial and history, under the locks of both")
    .requiredOption("--to <backend>", "postgres or file")
    .addHelpText(
      "after",
      "\nThe file side is state.path (or --state FILE); the Postgres side is CAMPAIGN_PG_URL (or state.url) and state.schema.\n" +
        "The target must hold no state; the source is left as it was. Then set state.backend in the config.\n\n" +
        "Example:\n  CAMPAIGN_PG_URL=postgres://campaigns@db.internal/campaigns campaign state migrate --to postgres\n",
    )
    .action(async (migrateOptions: { to: string }) => {
      const { stateMigrateCommand } = await import("./state.js");
      await run((ctx, options) => stateMigrateCommand(migrateOptions.to, options, ctx));
    });

  program
    .command("refresh")
    .description(
      "ask the platform for the status of every task in the state and record it; settles unknown outcomes where the platform gives proof",
    )
    .addHelpText("after", `\n${STOP_HELP}`)
    .action(async () => {
      const { refreshCommand } = await import("./refresh.js");
      await run((ctx, options) => refreshCommand(options, ctx, { listen: listenForInterrupt }));
    });

  program
    .command("doctor")
    .description(
      "read-only checks against the configured platform: credentials, connection, a signed query, clock, answer shape, appId, receiver, state backend",
    )
    .addHelpText(
      "after",
      "\nSends one signed task query over the last day; nothing is ever created, cancelled or changed.\n" +
        "One line per check: ✓ passed · ! warning · ✗ failed (with a fix) · - not checked. Exit 0 when none failed, 1 otherwise.\n" +
        "With --format json: one document (schemas/doctor.schema.json). The API secret is never printed.\n\n" +
        "Example:\n  LAAFFIC_API_KEY=… LAAFFIC_API_SECRET=… campaign doctor\n",
    )
    .action(async () => {
      const { doctorCommand } = await import("./doctor.js");
      await run((ctx, options) => doctorCommand(options, ctx));
    });

  program
    .command("force-unlock")
    .description("remove a stale state lock, given its id (printed by the command that found the state locked)")
    .argument("<lock-id>", "the lock's id")
    .addHelpText(
      "after",
      "\nA lock file that cannot be read is reported with an id unreadable-<12 hex>: pass that id to remove it.\n" +
        "With state.backend: postgres a dead holder's lock is already gone (it dies with its connection);\nthis ends the database session of a hung but connected holder, which then records and sends nothing more.\n",
    )
    .action(async (lockId: string) => {
      const { forceUnlockCommand } = await import("./state.js");
      await run((ctx, options) => forceUnlockCommand(lockId, options, ctx));
    });

  program
    .command("receive")
    .description("receive the platform's call status reports over HTTP and store them")
    .option("--port <n>", "port to listen on (default: receiver.port, 8766)")
    .option("--host <host>", "address to listen on (default: receiver.host, 127.0.0.1)")
    .option(
      "--store <path>",
      "SQLite report store (default: reports.path, .campaign/reports.db; reports.backend: postgres uses CAMPAIGN_PG_URL)",
    )
    .addHelpText(
      "after",
      "\nPushes go to POST /reports/<token>; the token comes from CAMPAIGN_RECEIVER_TOKEN or is generated and printed.\nAnswers 200 only once a batch is stored durably; GET /health for probes.\n",
    )
    .action(async (receiveOptions: ReceiveOptions) => {
      const { receiveCommand } = await import("./reports.js");
      await run((ctx, options) => receiveCommand(receiveOptions, options, ctx, { listen: listenForInterrupt }));
    });

  program
    .command("outcomes")
    .description("outcomes per campaign from the received status reports")
    .argument("[name]", "one campaign (taskName)")
    .option(
      "--store <path>",
      "SQLite report store (default: reports.path, .campaign/reports.db; reports.backend: postgres uses CAMPAIGN_PG_URL)",
    )
    .option(
      "--out <file>",
      "write the outcomes (in --format) to this file instead of stdout; never over the state, store, config or campaign files",
    )
    .addHelpText(
      "after",
      "\nThe store must exist: run campaign receive (or campaign reports import FILE) first.\nA report without taskId/sourceTaskId is given to the one applied campaign that declares its callee (read from the campaign files);\nwhat no single campaign declares is counted at the top. Figures: billed line time (chargedDuration), AI-agent billed time (aiAgentChargedDuration).\n\nExample:\n  campaign outcomes --format markdown --out outcomes.md\n",
    )
    .action(async (name: string | undefined, outcomesOptions: OutcomesOptions) => {
      const { outcomesCommand } = await import("./reports.js");
      await run((ctx, options) => outcomesCommand(name, outcomesOptions, options, ctx));
    });

  program
    .command("reports")
    .description("work with the report store")
    .command("import")
    .description("load saved status reports (a push body or NDJSON) into the store")
    .argument("<file>", "the file to import")
    .option(
      "--store <path>",
      "SQLite report store (default: reports.path, .campaign/reports.db; reports.backend: postgres uses CAMPAIGN_PG_URL)",
    )
    .action(async (file: string, importOptions: StoreOption) => {
      const { reportsImportCommand } = await import("./reports.js");
      await run((ctx, options) => reportsImportCommand(file, importOptions, options, ctx));
    });

  program
    .command("init")
    .description(
      "scaffold a campaigns repository: config, an example campaign, the schema for editors, .gitignore and a CI workflow",
    )
    .argument("[dir]", "where (default: the current directory)")
    .option("--force", "overwrite files that already exist")
    .action(async (dir: string | undefined, initOptions: { force?: boolean }) => {
      const { initCommand } = await import("./init.js");
      await run((ctx, options) => initCommand(dir, initOptions, options, ctx));
    });

  program
    .command("demo")
    .description(
      "the whole loop (validate, plan, apply, status reports, outcomes) on the built-in simulator: no credentials, no network",
    )
    .action(async () => {
      const { demoCommand } = await import("./demo.js");
      await run((ctx, options) => demoCommand(options, ctx, { listen: listenForInterrupt }));
    });

  program
    .command("simulator")
    .description(
      "run a local LAAFFIC platform (no account, no network): tasks, recall flows, simulated calls and status pushes",
    )
    .option("--port <n>", "port to listen on (0 = any free port)", "8765")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--speed <factor>", "simulated time runs this many times faster (60 = an hour per minute)", "1")
    .option("--seed <n>", "seed for simulated call outcomes", "1")
    .option("--push-url <url>", "push call status reports to this address")
    .option("--timezone <zone>", "the platform's time zone", "Asia/Shanghai")
    .option(
      "--report-shape <shape>",
      "what a status push holds: convenient (task ids, callStatus, epoch-ms times) or docs (only the documented fields: no task ids, times as yyyyMMddHHmmss)",
      "convenient",
    )
    .option(
      "--create-answer <form>",
      'how a create\'s success carries the task id: int (the id itself), jobId ({"jobId": id}) or null (no id)',
      "int",
    )
    .addHelpText(
      "after",
      "\nExample:\n  campaign simulator --port 8765 --speed 60 --push-url http://127.0.0.1:8766/reports/TOKEN\n",
    )
    .action(async (simulatorOptions: SimulatorCommandOptions) => {
      const { simulatorCommand } = await import("./simulator.js");
      await run((ctx, options) => simulatorCommand(simulatorOptions, options, ctx, { listen: listenForInterrupt }));
    });

  return program;
}

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

const STOP_HELP =
  "Ctrl-C / SIGTERM: queries in flight are aborted; what the platform answered before is recorded, nothing else;\n" +
  "  the lock is released; exit 130 (1 when a campaign failed).\n";

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
