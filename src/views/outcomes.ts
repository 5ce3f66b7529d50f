import type { CampaignOutcome, OutcomesReport } from "../schema/generated/index.js";
import { escapeControlCharsDeep } from "../privacy/index.js";
import { OUTCOME_CLASSES, type OutcomeClass } from "../reports/record.js";
import { estimateAgainstActual } from "./estimate.js";
import { jsonView, type OutputFormat } from "./format.js";
import { mdCell } from "./markdown-cell.js";

/** `campaign outcomes` in the format asked for. */
export function renderOutcomes(report: OutcomesReport, format: OutputFormat): string {
  switch (format) {
    case "json":
      return jsonView(report);
    case "markdown":
      return renderOutcomesMarkdown(report);
    case "text":
      return renderOutcomesText(report);
  }
}

export const OUTCOME_LABELS: Record<OutcomeClass, string> = {
  connected: "connected",
  noAnswer: "no answer",
  busy: "busy",
  voicemail: "voicemail",
  failed: "failed",
};

const BAR_WIDTH = 20;
const percent = (part: number, whole: number): string => (whole === 0 ? "0%" : `${Math.round((part / whole) * 100)}%`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const minutes = (seconds: number): string => `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;

function topIntents(o: CampaignOutcome, n = 5): string {
  const entries = Object.entries(o.intents)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
  return entries.length === 0 ? "none" : entries.map(([code, count]) => `${code} ×${count}`).join(", ");
}

/** What could not be attributed or read, in plain words: it leads the output, before any figure. */
export function caveats(report: OutcomesReport): string[] {
  const lines: string[] = [];
  const noTaskId = report.unmatched.filter((u) => u.reason === "no-task-id").reduce((n, u) => n + u.calls, 0);
  if (noTaskId > 0)
    lines.push(
      noTaskId === 1
        ? "1 report carries no task id and matches no single campaign"
        : `${noTaskId} reports carry no task id and match no single campaign`,
    );
  if (report.unreadableTimes > 0)
    lines.push(`${report.unreadableTimes} report ${report.unreadableTimes === 1 ? "time" : "times"} could not be read`);
  return lines;
}

/** A table for people, with a small bar per outcome class. */
export function renderOutcomesText(raw: OutcomesReport): string {
  const report = escapeControlCharsDeep(raw);
  if (report.campaigns.length === 0 && report.unmatched.length === 0 && report.unreadableTimes === 0)
    return "No outcomes yet: no submitted campaigns or no reports received.\n";
  const lines: string[] = caveats(report);
  if (lines.length > 0) lines.push("");
  for (const o of report.campaigns) {
    lines.push(
      `${o.taskName}  task ${o.taskId ?? "?"} · ${plural(o.recipients, "recipient")} · ${plural(o.calls, "call")} placed${o.recallRounds > 0 ? ` (${plural(o.recallRounds, "recall round")})` : ""} · connect rate ${percent(o.outcomes.connected, o.calls)}`,
    );
    for (const cls of OUTCOME_CLASSES) {
      const n = o.outcomes[cls];
      const filled = o.calls === 0 ? 0 : Math.round((n / o.calls) * BAR_WIDTH);
      lines.push(
        `  ${OUTCOME_LABELS[cls].padEnd(10)} ${"█".repeat(filled)}${"·".repeat(BAR_WIDTH - filled)} ${String(n).padStart(6)}  ${percent(n, o.calls).padStart(4)}`,
      );
    }
    lines.push(`  intents    ${topIntents(o)}`);
    lines.push(
      `  billed line time ${minutes(o.billedLineSeconds)} · AI-agent billed time ${minutes(o.aiAgentBilledSeconds)} · cost ${o.cost.toFixed(4)} + AI ${o.aiAgentFee.toFixed(4)} ${o.currency ?? ""}`.trimEnd(),
    );
    if (o.estimate) lines.push(`  ${estimateAgainstActual(o.estimate)}`);
    lines.push(`  last report ${o.lastReportAt ?? "—"}`, "");
  }
  for (const u of report.unmatched)
    if (u.reason === "task-not-in-state")
      lines.push(`(reports for task ${u.taskId ?? "?"} that is not in the state: ${u.calls} calls)`);
  return lines.join("\n").trimEnd() + "\n";
}

/** For PR comments and job summaries; GitHub draws the mermaid pie as a picture. */
export function renderOutcomesMarkdown(raw: OutcomesReport): string {
  const report = escapeControlCharsDeep(raw);
  const out = [
    "### Campaign outcomes",
    "",
    ...caveats(report).map((line) => `> **${mdCell(line)}**`),
    ...(caveats(report).length > 0 ? [""] : []),
  ];
  out.push(
    "| campaign | task | recipients | calls | connected | no answer | busy | voicemail | failed | connect rate | recall rounds | billed line time | AI-agent billed time | top intents |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const o of report.campaigns) {
    out.push(
      `| ${mdCell(o.taskName)} | ${o.taskId ?? ""} | ${o.recipients} | ${o.calls} | ${o.outcomes.connected} | ${o.outcomes.noAnswer} | ${o.outcomes.busy} | ${o.outcomes.voicemail} | ${o.outcomes.failed} | ${percent(o.outcomes.connected, o.calls)} | ${o.recallRounds} | ${minutes(o.billedLineSeconds)} | ${minutes(o.aiAgentBilledSeconds)} | ${mdCell(topIntents(o, 3))} |`,
    );
  }
  const estimated = report.campaigns.filter((o) => o.estimate);
  if (estimated.length > 0)
    out.push(
      "",
      "| campaign | estimate against actual cost |",
      "|---|---|",
      ...estimated.map((o) => `| ${mdCell(o.taskName)} | ${mdCell(estimateAgainstActual(o.estimate!))} |`),
    );
  const total = Object.fromEntries(
    OUTCOME_CLASSES.map((cls) => [cls, report.campaigns.reduce((n, o) => n + o.outcomes[cls], 0)]),
  );
  if (Object.values(total).some((n) => n > 0)) {
    out.push(
      "",
      "```mermaid",
      "pie showData title Call outcomes",
      ...OUTCOME_CLASSES.filter((cls) => total[cls]! > 0).map((cls) => `    "${OUTCOME_LABELS[cls]}" : ${total[cls]}`),
      "```",
    );
  }
  return out.join("\n") + "\n";
}
