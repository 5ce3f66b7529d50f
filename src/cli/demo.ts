import { refuseDemoJson, withDemoWorld } from "../app/demo.js";
import type { Interrupts } from "../app/interrupts.js";
import { demoDelivered, demoIntro, demoNext, demoStep } from "../views/demo.js";
import { palette } from "../views/style.js";
import { applyCommand } from "./apply.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { planCommand } from "./plan.js";
import { outcomesCommand } from "./reports.js";
import { validateCommand } from "./validate.js";

/**
 * `campaign demo`: the loop a user runs for real — validate, plan, apply — against the built-in
 * simulator on a loopback port, in a temporary copy of the example campaigns. No credentials,
 * no network; nothing is left running or written outside the temporary directory.
 */
export async function demoCommand(
  options: GlobalOptions,
  context: CliContext,
  interrupts: Interrupts,
): Promise<ExitCode> {
  refuseDemoJson(options.format);
  const paint = palette(context.terminal.color);
  const say = (text: string) => context.terminal.out(text);
  const step = (title: string, command: string) => say(demoStep(title, command, paint));
  return withDemoWorld(context, async (world) => {
    // Each step is the command a user would run, in the demo's project with the simulator's account.
    const demo: CliContext = { ...context, cwd: world.dir, env: world.env };
    const text: GlobalOptions = {
      ...options,
      format: "text",
      config: undefined,
      environment: undefined,
      state: undefined,
    };
    say(demoIntro(world, paint));
    step("1. validate the campaign files", "campaign validate");
    if ((await validateCommand([], text, demo)) !== ExitCode.ok) return ExitCode.error;
    step("2. plan: what would be submitted (saved for review)", "campaign plan --out demo.plan.json");
    const planned = await planCommand([], { out: "demo.plan.json" }, text, demo, interrupts);
    if (planned !== ExitCode.ok) return planned;
    step("3. apply exactly the reviewed plan", "campaign apply demo.plan.json");
    const applied = await applyCommand(["demo.plan.json"], {}, text, demo, interrupts);
    step("4. plan again: nothing left to do", "campaign plan --detailed-exitcode");
    await planCommand([], { detailedExitcode: true }, { ...text, quiet: true }, demo, interrupts);
    step(
      "5. the calls happen; their status reports arrive",
      "campaign receive   (simulated time fast-forwarded past every sendTime)",
    );
    say(demoDelivered(await world.deliverReports()));
    step("6. outcomes per campaign", "campaign outcomes");
    await outcomesCommand(undefined, { store: world.storePath }, text, demo);
    say(demoNext(paint));
    return applied;
  });
}
