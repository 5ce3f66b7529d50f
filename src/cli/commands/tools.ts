import type { Command } from "commander";
import type { Interrupts } from "../../app/interrupts.js";
import type { SimulatorCommandOptions } from "../simulator.js";
import type { Run } from "./run.js";

/** The commands of doctor, init, demo and the simulator. */
export function registerToolCommands(program: Command, run: Run, interrupts: Interrupts): void {
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
      const { doctorCommand } = await import("../doctor.js");
      await run((ctx, options) => doctorCommand(options, ctx));
    });

  program
    .command("init")
    .description(
      "scaffold a campaigns repository: config (staging and production), an example campaign and staging's own tester campaign, the schema for editors, .gitignore and a CI workflow",
    )
    .argument("[dir]", "where (default: the current directory)")
    .option("--force", "overwrite files that already exist")
    .action(async (dir: string | undefined, initOptions: { force?: boolean }) => {
      const { initCommand } = await import("../init.js");
      await run((ctx, options) => initCommand(dir, initOptions, options, ctx));
    });

  program
    .command("demo")
    .description(
      "the whole loop (validate, plan, apply, status reports, outcomes) on the built-in simulator: no credentials, no network",
    )
    .action(async () => {
      const { demoCommand } = await import("../demo.js");
      await run((ctx, options) => demoCommand(options, ctx, interrupts));
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
      const { simulatorCommand } = await import("../simulator.js");
      await run((ctx, options) => simulatorCommand(simulatorOptions, options, ctx, interrupts));
    });
}
