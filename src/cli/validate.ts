import {
  createNumberClassifier,
  discoverCampaignFiles,
  loadCampaigns,
  noCampaigns,
  summaryLine,
  validationReport,
} from "../campaigns/index.js";
import { hasErrors } from "../diagnostics/index.js";
import { renderDiagnostic } from "../views/index.js";
import { loadConfig } from "../config/index.js";
import type { ValidationReport } from "../schema/generated/index.js";
import type { CliContext, GlobalOptions } from "./context.js";
import { ExitCode } from "./exit-codes.js";
import { palette } from "../views/style.js";
import { campaignDefaults, campaignFileReader } from "../app/workspace.js";

/**
 * `campaign validate [paths…]`: exit 0 when every campaign is valid (warnings allowed), else 1.
 * No campaigns at all is a warning naming where it looked, not an error: a repository whose
 * campaigns have all run and been removed is valid, and plan agrees ("no changes").
 */
export async function validateCommand(paths: string[], options: GlobalOptions, context: CliContext): Promise<ExitCode> {
  const config = await loadConfig({ cwd: context.cwd, configFile: options.config, env: context.env });
  const searched = paths.length > 0 ? paths : [config.settings.campaignsDir];
  const files = hasErrors(config.diagnostics) ? [] : await discoverCampaignFiles(searched, context.cwd);
  const loaded = await loadCampaigns({
    files,
    reader: campaignFileReader({ config }, context),
    now: context.now(),
    timeZone: config.settings.api.timezone,
    defaults: campaignDefaults(config),
    numbers: { classify: createNumberClassifier(), invalid: config.settings.guards.invalidNumbers ?? "error" },
  });
  const nothing =
    !hasErrors(config.diagnostics) && !hasErrors(loaded.diagnostics) && loaded.campaigns.length === 0
      ? noCampaigns(searched, files.length)
      : [];
  const report = validationReport(loaded.campaigns, [...config.diagnostics, ...loaded.diagnostics, ...nothing]);
  context.terminal.out(render(report, options, context.terminal.color));
  return report.valid ? ExitCode.ok : ExitCode.error;
}

function render(report: ValidationReport, options: GlobalOptions, color: boolean): string {
  if (options.format === "json") return JSON.stringify(report, null, 2) + "\n";
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === "error") : report.diagnostics;
  if (options.format === "markdown") {
    const rows = shown.map(
      (d) =>
        `| ${d.severity} | \`${d.file}:${d.line}:${d.column}\` | \`${d.code}\` | ${escapeCell(d.message)}${d.hint ? `<br>hint: ${escapeCell(d.hint)}` : ""} |`,
    );
    const table = rows.length > 0 ? `\n| | where | code | problem |\n|---|---|---|---|\n${rows.join("\n")}\n` : "";
    return `### Campaign validation: ${report.valid ? "✅" : "❌"} ${summaryLine(report)}\n${table}`;
  }
  const paint = palette(color);
  const lines = shown.map((d) => renderDiagnostic(d, paint)).join("");
  const summary = report.valid ? paint.green(summaryLine(report)) : paint.red(summaryLine(report));
  return `${lines}${lines ? "\n" : ""}${summary}\n`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
