import { runDoctor, type StateProbe } from "../doctor/index.js";
import { ToolError } from "../errors/index.js";
import { probeTaskQuery } from "../laaffic/index.js";
import type { DoctorCheck, DoctorReport } from "../schema/generated/index.js";
import { lockPathFor, readLock } from "../state/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { palette } from "../views/style.js";
import { openWorkspace, withStateBackend, type Workspace } from "../app/workspace.js";

/** `campaign doctor`: read-only checks against the configured platform; exit 0 when none failed (warnings allowed), 1 otherwise. */
export async function doctorCommand(options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const workspace = await openWorkspace(options, context);
  const { settings } = workspace.config;
  const report = await runDoctor({
    env: context.env,
    settings,
    now: context.now,
    probe: (credentials, window) =>
      probeTaskQuery(
        {
          baseUrl: settings.api.baseUrl,
          pathPrefix: settings.api.pathPrefix,
          credentials,
          timeoutMs: settings.api.timeoutMs,
          now: context.now,
        },
        window,
      ),
    state: () => probeState(workspace),
  });
  context.terminal.out(
    options.format === "json"
      ? JSON.stringify(report, null, 2) + "\n"
      : render(report, options, context.terminal.color),
  );
  return report.ok ? ExitCode.ok : ExitCode.error;
}

async function probeState(workspace: Workspace): Promise<StateProbe> {
  let location = workspace.statePath;
  try {
    return await withStateBackend(workspace, async (backend) => {
      location = backend.location;
      const state = await backend.read();
      const lock =
        backend.kind === "file"
          ? {
              kind: "file" as const,
              found: await readLock(lockPathFor(workspace.absoluteStatePath), lockPathFor(workspace.statePath)),
            }
          : { kind: "postgres" as const };
      return { location, read: { ok: true, serial: state?.serial }, lock };
    });
  } catch (error) {
    if (error instanceof ToolError)
      return { location, read: { ok: false, problem: error.message, hint: error.hint ?? "see campaign state list" } };
    throw error;
  }
}

const SYMBOLS: Record<DoctorCheck["status"], string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" };

function render(report: DoctorReport, options: GlobalOptions, color: boolean): string {
  const paint = palette(color);
  const tone = { pass: paint.green, warn: paint.yellow, fail: paint.red, skip: paint.dim };
  const shown = options.quiet ? report.checks.filter((c) => c.status === "fail") : report.checks;
  const md = options.format === "markdown";
  const lines = shown.map((c) => {
    const line = `${tone[c.status](SYMBOLS[c.status])} ${md ? `**${c.id}**` : c.id.padEnd(14)} ${c.summary}`;
    return c.fix && c.status !== "pass" && c.status !== "skip" ? `${line}\n${md ? "  " : "    "}fix: ${c.fix}` : line;
  });
  const { passed, warnings, failed, skipped } = report.summary;
  const head = `${md ? "### " : ""}campaign doctor: read-only checks against ${report.platform} (nothing is created, cancelled or changed)`;
  const tail = `Doctor: ${passed} passed, ${warnings} warning${warnings === 1 ? "" : "s"}, ${failed} failed${skipped > 0 ? `, ${skipped} not checked` : ""}.`;
  return [head, "", ...lines.map((l) => (md ? `- ${l}` : l)), "", paint.bold(tail)].join("\n") + "\n";
}
