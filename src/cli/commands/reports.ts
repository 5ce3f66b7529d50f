import type { Command } from "commander";
import type { Interrupts } from "../../app/interrupts.js";
import type { OutcomesOptions } from "../outcomes.js";
import type { ReceiveOptions, StoreOption } from "../reports.js";
import type { Run } from "./run.js";

const STORE_HELP =
  "SQLite report store (default: reports.path, .campaign/reports.db; reports.backend: postgres uses CAMPAIGN_PG_URL)";

/** The commands of status reports: receive, outcomes, reports import. */
export function registerReportCommands(program: Command, run: Run, interrupts: Interrupts): void {
  program
    .command("receive")
    .description("receive the platform's call status reports over HTTP and store them")
    .option("--port <n>", "port to listen on (default: receiver.port, 8766)")
    .option("--host <host>", "address to listen on (default: receiver.host, 127.0.0.1)")
    .option("--store <path>", STORE_HELP)
    .addHelpText(
      "after",
      "\nPushes go to POST /reports/<token>; the token comes from CAMPAIGN_RECEIVER_TOKEN or is generated and printed.\nAnswers 200 only once a batch is stored durably; GET /health for probes.\n",
    )
    .action(async (receiveOptions: ReceiveOptions) => {
      const { receiveCommand } = await import("../reports.js");
      await run((ctx, options) => receiveCommand(receiveOptions, options, ctx, interrupts));
    });

  program
    .command("outcomes")
    .description("outcomes per campaign, or per recipient, from the received status reports")
    .argument("[name]", "one campaign (taskName)")
    .option("--store <path>", STORE_HELP)
    .option(
      "--out <file>",
      "write the result (in --format) to this file instead of stdout; never over the state, store, config, campaign or suppression-list files",
    )
    .option(
      "--recipients",
      "one row per recipient NAME's files declare: masked number, text variables, attempts, latest outcome and intent, last call, billed time (--format text|csv|json|markdown)",
    )
    .option("--reveal", "with --recipients: show the full numbers (masked otherwise)")
    .option(
      "--unreached",
      "write the recipients of NAME no call reached (not called yet included) to --out as a recipients CSV with the source's own columns: the next campaign's recipientsFile",
    )
    .option(
      "--outcomes <list>",
      "with --unreached: only those whose latest call ended so: no-answer, busy, voicemail, failed, not-called (comma-separated)",
    )
    .option(
      "--before-finished",
      "with --unreached: write the file even though the last campaign refresh did not see the task and its recall flow end (it may name people still to be called; a warning says so)",
    )
    .option(
      "--opt-outs",
      "write the numbers with any report carrying one of reports.optOutIntents (and no suppression list holds yet) to --out, as a suppression list",
    )
    .addHelpText(
      "after",
      "\nThe store must exist: run campaign receive (or campaign reports import FILE) first.\nA report without taskId/sourceTaskId is given to the one applied campaign that declares its callee (read from the campaign files);\nwhat no single campaign declares is counted at the top. Figures: billed line time (chargedDuration), AI-agent billed time (aiAgentChargedDuration).\nRecipients are joined with the reports by the store's salted hash of each number: the store keeps no numbers. --unreached and --opt-outs\nwrite full numbers to their file (it is what they are for) and print counts only. --unreached waits for the campaign to end:\nrun campaign refresh first (it refuses while the task or its recall flow may still ring, and when the recipients changed since apply).\n\nExamples:\n  campaign outcomes --format markdown --out outcomes.md\n  campaign outcomes --format html --out report.html        one self-contained page with charts (no numbers)\n  campaign outcomes dues-north --recipients --format csv\n  campaign outcomes dues-north --unreached --outcomes no-answer,busy --out campaigns/dues-north-again.csv\n  campaign outcomes --opt-outs --out lists/opt-outs-2026-11.txt\n",
    )
    .action(async (name: string | undefined, outcomesOptions: OutcomesOptions) => {
      const { outcomesCommand } = await import("../outcomes.js");
      await run((ctx, options) => outcomesCommand(name, outcomesOptions, options, ctx));
    });

  program
    .command("reports")
    .description("work with the report store")
    .command("import")
    .description("load saved status reports (a push body or NDJSON) into the store")
    .argument("<file>", "the file to import")
    .option("--store <path>", STORE_HELP)
    .action(async (file: string, importOptions: StoreOption) => {
      const { reportsImportCommand } = await import("../reports.js");
      await run((ctx, options) => reportsImportCommand(file, importOptions, options, ctx));
    });
}
