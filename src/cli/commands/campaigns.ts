import type { Command } from "commander";
import type { Interrupts } from "../../app/interrupts.js";
import type { PlanCommandOptions } from "../plan.js";
import type { ApplyCommandOptions } from "../apply.js";
import type { Run } from "./run.js";

/** The commands of validate, plan and apply. */
export function registerCampaignCommands(program: Command, run: Run, interrupts: Interrupts): void {
  program
    .command("validate")
    .description("load and validate campaign files; exit 0 when all are valid (warnings allowed), 1 otherwise")
    .argument("[paths...]", "campaign files or directories (default: campaignsDir from the config, else campaigns/)")
    .addHelpText(
      "after",
      "\nFiles and folders named _* are partials: bases read only where a campaign extends them (extends: _base.yaml).\nA campaign with forEach: rows.csv is a template, one campaign per row (${column} filled in).\n\nExample:\n  campaign validate campaigns/\n  campaign validate --format json campaigns/reminders.yaml\n",
    )
    .action(async (paths: string[]) => {
      const { validateCommand } = await import("../validate.js");
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
    .option(
      "--allow-large",
      "report the blast-radius and budget guards (guards.max*) as warnings and record that in the plan",
    )
    .addHelpText(
      "after",
      "\nSymbols: + create   - cancel   ~ update recall flow   ! cannot change (blocked)   ? outcome unknown   - orphaned   → rename\nGuards (config guards.*): number validity, calling hours in each callee's zone, suppression lists, size limits;\neach create shows its countries, a masked sample and, for a series, who is added or removed.\nWhen GITHUB_STEP_SUMMARY is set, the plan is appended there as markdown too (a warning when it cannot be).\n\nExample:\n  campaign plan --detailed-exitcode --format markdown\n  campaign plan --out plan.json\n",
    )
    .action(async (paths: string[], commandOptions: PlanCommandOptions) => {
      const { planCommand } = await import("../plan.js");
      await run((ctx, options) => planCommand(paths, commandOptions, options, ctx, interrupts));
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
      "go past the blast-radius and budget guards (guards.max*); a saved plan must have been made with --allow-large too",
    )
    .addHelpText(
      "after",
      "\nAsks for 'yes' on a terminal unless --auto-approve or a saved plan is given; never prompts without a terminal.\n" +
        "Right before the first request the guards run again where they can have changed: suppression lists (unchanged\n" +
        "since the plan) and calling hours in each callee's zone (immediate sends and recall-flow updates, at this moment);\n" +
        "for a saved plan, with the config read again, every guard (size limits too).\n" +
        "Exit codes: 0 all submitted · 1 a rejection or error · 3 saved plan stale or already applied · 4 state locked · 5 an outcome is unknown\n" +
        "Ctrl-C / SIGTERM: nothing new starts, requests in flight are aborted and recorded (unknown), the lock is released;\n" +
        "            exit 5 when an outcome is unknown, else 130.\n",
    )
    .action(async (args: string[], commandOptions: ApplyCommandOptions) => {
      const { applyCommand } = await import("../apply.js");
      await run((ctx, options) => applyCommand(args, commandOptions, options, ctx, interrupts));
    });
}
