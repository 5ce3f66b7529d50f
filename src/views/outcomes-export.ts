import { escapeControlCharsDeep } from "../privacy/index.js";
import type { OptOutsExport, OutcomesWritten, UnreachedExport } from "../schema/generated/index.js";
import { jsonView, type OutputFormat } from "./format.js";
import { mdCell } from "./markdown-cell.js";

// What --unreached and --opt-outs print once their file is written: counts, never a number.

export function renderOutcomesExport(result: UnreachedExport | OptOutsExport, format: OutputFormat): string {
  if (format === "json") return jsonView(result);
  const lines = escapeControlCharsDeep(
    result.command === "outcomes --unreached" ? unreachedLines(result) : optOutLines(result),
  );
  return format === "markdown"
    ? lines.map((line, i) => (i === 0 ? `**${mdCell(line)}**` : `- ${mdCell(line)}`)).join("\n") + "\n"
    : lines.join("\n  ") + "\n";
}

/** `--json outcomes NAME --recipients --out FILE` on stdout: where the rows went, never the rows. */
export const recipientsWrittenJson = (file: string, format: string): string =>
  jsonView({
    formatVersion: 1,
    command: "outcomes --recipients",
    file,
    format: format as OutcomesWritten["format"],
  } satisfies OutcomesWritten);

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function counted(parts: readonly [number, string][]): string {
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${what} ${n}`);
  return said.length === 0 ? "none" : said.join(", ");
}

function unreachedLines(r: UnreachedExport): string[] {
  const { latest, leftOut } = r;
  return [
    `Wrote ${r.written} of ${plural(r.recipients, "recipient")} of ${r.taskName} that no call reached to ${r.file} (columns ${r.header.join(", ")}).`,
    `latest outcome: ${counted([
      [latest.noAnswer, "no answer"],
      [latest.busy, "busy"],
      [latest.voicemail, "voicemail"],
      [latest.failed, "failed"],
      [latest.notCalled, "not called yet"],
    ])}`,
    `left out: ${counted([
      [leftOut.notAsked, "not asked for (--outcomes)"],
      [leftOut.suppressed, "on a suppression list"],
      [leftOut.optedOut, "opted out"],
    ])}`,
  ];
}

function optOutLines(r: OptOutsExport): string[] {
  return [
    `Wrote ${plural(r.written, "opted-out number")} to ${r.file}${r.taskName === null ? "" : ` (campaign ${r.taskName})`}: add it to guards.suppressionLists.`,
    `${plural(r.optedOut, "callee")} in the report store ${r.optedOut === 1 ? "has" : "have"} opted out (any campaign); ${r.alreadySuppressed} already on a suppression list; ${r.taskName === null ? "" : `${r.otherCampaigns} declared only by other campaign files (not written); `}${r.undeclared} declared by no campaign file (number unknown)`,
  ];
}
