import type { Command } from "commander";
import type { Interrupts } from "../../app/interrupts.js";
import type { ResolveOptions } from "../state.js";
import { STOP_HELP } from "../../views/help.js";
import type { Run } from "./run.js";

/** The commands of the state: list, show, resolve, forget, migrate; refresh; force-unlock. */
export function registerStateCommands(program: Command, run: Run, interrupts: Interrupts): void {
  const state = program
    .command("state")
    .description("inspect and repair the applied state; every change is recorded in its history");
  state
    .command("list")
    .description("campaigns in the state with status, task id and recipient count")
    .action(async () => {
      const { stateListCommand } = await import("../state.js");
      await run((ctx, options) => stateListCommand(options, ctx));
    });
  state
    .command("show")
    .description("one campaign's record and history")
    .argument("<name>", "taskName")
    .action(async (name: string) => {
      const { stateShowCommand } = await import("../state.js");
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
      const { stateResolveCommand } = await import("../state.js");
      await run((ctx, options) => stateResolveCommand(name, resolveOptions, options, ctx, interrupts));
    });
  state
    .command("forget")
    .description("remove a campaign from the state (cancels nothing on the platform)")
    .argument("<name>", "taskName")
    .action(async (name: string) => {
      const { stateForgetCommand } = await import("../state.js");
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
      const { stateMigrateCommand } = await import("../state.js");
      await run((ctx, options) => stateMigrateCommand(migrateOptions.to, options, ctx));
    });

  program
    .command("refresh")
    .description(
      "ask the platform for the status of every task in the state and record it; settles unknown outcomes where the platform gives proof",
    )
    .addHelpText("after", `\n${STOP_HELP}`)
    .action(async () => {
      const { refreshCommand } = await import("../refresh.js");
      await run((ctx, options) => refreshCommand(options, ctx, interrupts));
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
      const { forceUnlockCommand } = await import("../state.js");
      await run((ctx, options) => forceUnlockCommand(lockId, options, ctx));
    });
}
