import type { DoctorCheck, DoctorReport } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";
import { palette } from "./style.js";

const SYMBOLS: Record<DoctorCheck["status"], string> = { pass: "✓", warn: "!", fail: "✗", skip: "-" };

/** `campaign doctor`: one line a check (its fix under a warning or failure), then the counts; --quiet keeps the failures. */
export function renderDoctor(
  report: DoctorReport,
  options: { format: OutputFormat; quiet: boolean; color: boolean },
): string {
  if (options.format === "json") return jsonView(report);
  const paint = palette(options.color);
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
