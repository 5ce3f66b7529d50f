import type { Command } from "commander";
import type { Interrupts } from "../../app/interrupts.js";
import type { OutcomesOptions, ReceiveOptions, StoreOption } from "../reports.js";
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
    .description("outcomes per campaign from the received status reports")
    .argument("[name]", "one campaign (taskName)")
    .option("--store <path>", STORE_HELP)
    .option(
      "--out <file>",
      "write the outcomes (in --format) to this file instead of stdout; never over the state, store, config or campaign files",
    )
    .addHelpText(
      "after",
      "\nThe store must exist: run campaign receive (or campaign reports import FILE) first.\nA report without taskId/sourceTaskId is given to the one applied campaign that declares its callee (read from the campaign files);\nwhat no single campaign declares is counted at the top. Figures: billed line time (chargedDuration), AI-agent billed time (aiAgentChargedDuration).\n\nExample:\n  campaign outcomes --format markdown --out outcomes.md\n",
    )
    .action(async (name: string | undefined, outcomesOptions: OutcomesOptions) => {
      const { outcomesCommand } = await import("../reports.js");
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
