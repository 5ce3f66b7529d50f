import { refreshState } from "../apply/index.js";
import { ToolError } from "../errors/index.js";
import { ownEntry } from "../plan/index.js";
import { clientFromEnvironment } from "./client.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { openWorkspace, withStateBackend, type Workspace } from "./workspace.js";

/** Asks the platform about the campaigns in the state and records what it says, under the lock. */
export async function refreshWorkspace(workspace: Workspace, context: CliContext, command: string, write: (text: string) => void, names?: string[]): Promise<{ failures: string[] }> {
  return withStateBackend(workspace, async (backend) => {
    const lock = await backend.lock({ command, env: context.env, now: context.now() });
    try {
      const state = await backend.read();
      if (!state) {
        write("No state yet: nothing to refresh.\n");
        return { failures: [] };
      }
      for (const name of names ?? []) {
        const campaign = ownEntry(state.campaigns, name);
        if (!campaign) throw new ToolError("not-found", `"${name}" is not in the state ${backend.location}`, "campaign state list shows what is there");
        if (campaign.status !== "pending" && campaign.status !== "unknown") throw new ToolError("usage", `"${name}" is ${campaign.status}; --check looks for campaigns whose outcome is unknown`, "campaign refresh updates submitted campaigns");
      }
      const { settings } = workspace.config;
      const client = clientFromEnvironment(settings, context.env, context.now);
      try {
        const result = await refreshState(state, { client, timeZone: settings.api.timezone, now: context.now(), settleMs: settings.api.reconcileAfterSeconds * 1000 }, names);
        const writer = backend.writer(state, context.now);
        if (result.mutations.length > 0) await writer.commit((s) => result.mutations.flatMap((m) => m(s)));
        await writer.compact();
        write(result.lines.map((l) => `  ${l}\n`).join(""));
        for (const failure of result.failures) write(`  error refresh-failed: ${failure}\n`);
        write(`Refreshed ${result.lines.length} campaign${result.lines.length === 1 ? "" : "s"} from the platform; state serial ${writer.current().serial}.\n`);
        return { failures: result.failures };
      } finally {
        await client.close();
      }
    } finally {
      await lock.release();
    }
  });
}

/** `campaign refresh` */
export async function refreshCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const { failures } = await refreshWorkspace(workspace, context, "campaign refresh", context.terminal.out);
  return failures.length > 0 ? ExitCode.error : ExitCode.ok;
}

/** `campaign state resolve NAME --check` */
export async function resolveCheckCommand(name: string, options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const { failures } = await refreshWorkspace(workspace, context, `campaign state resolve ${name} --check`, context.terminal.out, [name]);
  return failures.length > 0 ? ExitCode.error : ExitCode.ok;
}
