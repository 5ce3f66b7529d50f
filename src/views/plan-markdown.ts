import type { CampaignPlan, PlanEntry } from "../schema/generated/index.js";
import { escapeControlChars } from "../privacy/index.js";
import { palette } from "./style.js";
import { cancelSummary } from "../plan/index.js";
import { outsidePathsLine, planSummaryLine } from "./plan-summary.js";
import { estimateBasisLine, estimateLine, estimatesZone, estimateTotalLine } from "./estimate.js";
import {
  countriesLine,
  entrySource,
  formatValue,
  numbersRewrittenLine,
  recipientDiffLine,
  renderPlanText,
  roundsLine,
  textVariablesLine,
} from "./plan-text.js";

const ICON: Record<PlanEntry["action"], string> = {
  create: "🟢 create",
  retry: "🟢 retry",
  cancel: "🛑 cancel",
  "update-recall": "🔁 update recall",
  blocked: "⛔ blocked",
  unknown: "❓ unknown",
  orphaned: "🟡 orphaned",
  unchanged: "unchanged",
  move: "➡️ rename",
};
const plain = palette(false);

const cell = (text: string): string => escapeControlChars(text.replace(/\n/g, " ")).replace(/\|/g, "\\|");

/** For a pull-request comment or $GITHUB_STEP_SUMMARY: the summary first, details folded. */
export function renderPlanMarkdown(plan: CampaignPlan): string {
  const s = plan.summary;
  const status = s.errors > 0 ? "❌" : s.hasChanges ? "📞" : "✅";
  const environment = plan.environment === undefined ? "" : `\`${plan.environment}\` — `;
  const out = [`### ${status} ${environment}${planSummaryLine(s)}`, ""];
  out.push(
    `${s.recipientsToSubmit} recipients in ${s.create + s.retry} campaigns would be submitted; ${s.errors} errors, ${s.warnings} warnings.`,
    "",
  );
  if (s.estimate) out.push(cell(estimateTotalLine(s.estimate, estimatesZone(plan.entries))), "");
  const outside = plan.outsidePaths ? outsidePathsLine(plan.outsidePaths) : undefined;
  if (outside) out.push(cell(outside), "");
  const changed = plan.entries.filter((e) => e.action !== "unchanged");
  if (changed.length > 0) {
    out.push("| | campaign | recipients | where | note |", "|---|---|---:|---|---|");
    for (const e of changed)
      out.push(
        `| ${ICON[e.action]} | \`${cell(e.taskName)}\` | ${e.recipients} | ${
          e.file
            ? entrySource(e)
                .map((w) => `\`${cell(w)}\``)
                .join(", ")
            : ""
        } | ${cell(note(e))} |`,
      );
    out.push("");
  }
  const errors = plan.findings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    out.push("**Errors**", "");
    for (const f of errors)
      out.push(
        `- \`${cell(f.file)}:${f.line}\` **${cell(f.code)}**: ${cell(f.message)}${f.hint ? ` — _${cell(f.hint)}_` : ""}`,
      );
    out.push("");
  }
  out.push(
    "<details><summary>Full plan</summary>",
    "",
    "```diff",
    renderPlanText(plan, plain).trimEnd(),
    "```",
    "",
    "</details>",
    "",
  );
  return out.join("\n");
}

function note(entry: PlanEntry): string {
  switch (entry.action) {
    case "cancel":
      return cancelSummary(entry);
    case "update-recall":
    case "blocked": {
      const rounds = entry.rounds ? `; rounds as updated ${roundsLine(entry.rounds)}` : "";
      const estimate = entry.estimate ? `; recall rounds ${estimateLine(entry.estimate)}` : "";
      return (
        (entry.from ? `renamed from ${entry.from}; ` : "") +
        (entry.changes ?? []).map((c) => `${c.field}: ${formatValue(c.before)} → ${formatValue(c.after)}`).join("; ") +
        rounds +
        estimate
      );
    }
    case "retry":
      return entry.previous?.error ? `last attempt: ${entry.previous.error}` : "";
    case "unknown":
      return "run `campaign refresh` (or `campaign state resolve NAME --check`) before resolving by hand";
    case "move":
      return `renamed from \`${entry.from ?? "?"}\`; task ${entry.previous?.taskId ?? "?"} keeps the name \`${entry.platformTaskName ?? entry.from ?? "?"}\` on the platform; nothing is sent`;
    case "orphaned":
      return entry.previous?.taskId ? `task ${entry.previous.taskId} still scheduled` : "never created";
    default: {
      const sendTime = (entry.fields as Record<string, unknown> | undefined)?.["sendTime"];
      const when = sendTime ? `sends at ${String(sendTime)}` : "calls on apply";
      const countries =
        entry.countries && Object.keys(entry.countries).length > 0 ? `; ${countriesLine(entry.countries)}` : "";
      const diff = entry.recipientDiff ? `; vs ${recipientDiffLine(entry.recipientDiff)}` : "";
      // Read from a file's own columns, or numbers rewritten: a reviewer sees what the file became.
      const columns = entry.recipientColumns && entry.textVariables?.length ? `; ${textVariablesLine(entry)} set` : "";
      const rewritten = entry.numbersRewritten ? `; ${numbersRewrittenLine(entry.numbersRewritten)}` : "";
      const rounds = entry.rounds ? `; rounds ${roundsLine(entry.rounds)}` : "";
      const estimate = entry.estimate ? `; ${estimateLine(entry.estimate)} (${estimateBasisLine(entry.estimate)})` : "";
      return `${when}${countries}${columns}${rewritten}${diff}${rounds}${estimate}`;
    }
  }
}
