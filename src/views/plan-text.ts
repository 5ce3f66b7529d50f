import { UNKNOWN_COUNTRY } from "../campaigns/audience.js";
import { renderDiagnostic, type DiagnosticStyle } from "./diagnostics.js";
import { epochMsToWallTime, isValidTimeZone } from "../campaigns/platform-time.js";
import { escapeControlChars } from "../privacy/index.js";
import { cancelAction, cancelSummary } from "../plan/index.js";
import type { CampaignPlan, FieldChange, PlanEntry, PlannedRounds, RecipientDiff } from "../schema/generated/index.js";
import { outsidePathsLine, planSummaryLine } from "./plan-summary.js";

export interface TextStyle extends DiagnosticStyle {
  green(text: string): string;
}

const SYMBOL: Record<PlanEntry["action"], string> = {
  create: "+",
  retry: "+",
  cancel: "-",
  "update-recall": "~",
  blocked: "!",
  unknown: "?",
  orphaned: "-",
  unchanged: " ",
  move: "→",
};

export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  if (value !== null && typeof value === "object")
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(", ")} }`;
  return String(value);
}

/** The plan for people, like `terraform plan`: legend, one block per change, findings, summary. */
export function renderPlanText(plan: CampaignPlan, style: TextStyle, options: { quiet?: boolean } = {}): string {
  const lines: string[] = [];
  const paint = (entry: PlanEntry, text: string) =>
    entry.action === "create" || entry.action === "retry"
      ? style.green(text)
      : entry.action === "orphaned" || entry.action === "update-recall" || entry.action === "move"
        ? style.yellow(text)
        : entry.action === "unchanged"
          ? text
          : style.red(text);
  const changed = plan.entries.filter((e) => e.action !== "unchanged");
  lines.push(
    plan.state.lineage
      ? `Campaign plan against state serial ${plan.state.serial} (lineage ${plan.state.lineage.slice(0, 8)}).`
      : "Campaign plan: no state yet — this is the first apply.",
  );
  if (changed.length > 0) {
    lines.push(
      "",
      "Symbols:  + create   - cancel   ~ update recall flow   ! cannot change (blocked)   ? outcome unknown   - orphaned   → rename",
      "",
    );
    for (const entry of changed) {
      // User text (names, file names, platform messages) is escaped before it is painted.
      const where = entry.file ? style.dim(`  (${escapeControlChars(entry.file)}:${entry.line})`) : "";
      const label =
        entry.action === "retry"
          ? " (retry)"
          : entry.action === "cancel"
            ? " (cancel)"
            : entry.action === "update-recall"
              ? " (update recall flow)"
              : entry.action === "orphaned"
                ? " (orphaned)"
                : "";
      const title = entry.action === "move" ? `${entry.from ?? "?"} is now ${entry.taskName}` : entry.taskName;
      lines.push(paint(entry, `  ${SYMBOL[entry.action]} ${escapeControlChars(title)}${label}`) + where);
      lines.push(...details(entry).map((l) => `      ${escapeControlChars(l)}`), "");
    }
  } else lines.push("", "No changes. The declared campaigns match the applied state.", "");
  const findings = options.quiet ? plan.findings.filter((f) => f.severity === "error") : plan.findings;
  if (findings.length > 0)
    lines.push(
      findings
        .map((d) => renderDiagnostic(d, style))
        .join("")
        .trimEnd(),
      "",
    );
  const outside = plan.outsidePaths ? outsidePathsLine(plan.outsidePaths) : undefined;
  if (outside) lines.push(escapeControlChars(outside));
  lines.push(style.bold(planSummaryLine(plan.summary)));
  return lines.join("\n") + "\n";
}

function details(entry: PlanEntry): string[] {
  const out: string[] = [];
  const previous = entry.previous;
  switch (entry.action) {
    case "retry":
      if (previous?.error) out.push(`last attempt ${previous.status}: ${previous.error}`);
      out.push(...toSend(entry));
      break;
    case "create":
      out.push(...toSend(entry));
      break;
    case "cancel": {
      const p = entry.platform;
      out.push(cancelSummary(entry));
      out.push(
        `task ${previous?.taskId ?? "?"}, ${entry.recipients} recipients; ${p ? `platform status ${p.status} at ${p.refreshedAt}${p.callNum ? `, ${p.callNum} of ${p.numCnt ?? entry.recipients} called` : ""}` : "platform status not refreshed (campaign plan --refresh)"}`,
      );
      out.push(cancelAction(entry));
      break;
    }
    case "update-recall":
      out.push(
        `task ${previous?.taskId ?? "?"}: its recall flow ${entry.recallKeyId ?? ""} is still pending and will be updated:`,
      );
      for (const c of entry.changes ?? []) out.push(changeLine(c, "(absent: the flow is cancelled)"));
      if (entry.rounds) out.push(`rounds as updated = ${roundsLine(entry.rounds)}`);
      break;
    case "move":
      out.push(
        `task ${previous?.taskId ?? "?"} keeps the name "${entry.platformTaskName ?? entry.from ?? "?"}" on the platform (a task cannot be renamed there)`,
      );
      out.push("apply moves the state entry to the new name; nothing is sent");
      break;
    case "blocked":
      if (entry.from) out.push(`renamed from ${entry.from} (renamedFrom)`);
      out.push(
        `submitted${previous?.taskId ? ` as task ${previous.taskId}` : ""}${previous?.submittedAt ? ` at ${previous.submittedAt}` : ""}${entry.platform ? ` (platform: ${entry.platform.status})` : ""}; changed since:`,
      );
      for (const c of entry.changes ?? []) out.push(changeLine(c, "(absent)"));
      break;
    case "unknown":
      out.push(
        `${previous?.status === "pending" ? "apply was interrupted" : "no answer"}${previous?.attemptStartedAt ? ` at ${previous.attemptStartedAt}` : ""}${previous?.error ? `: ${previous.error}` : ""}`,
      );
      out.push(
        `resolve: campaign refresh (or campaign state resolve ${entry.taskName} --check); by hand: campaign state resolve ${entry.taskName} --submitted [--task-id ID]  |  --not-submitted`,
      );
      break;
    case "orphaned":
      if (previous?.status === "cancelled")
        out.push(
          `task ${previous.taskId ?? "?"} was cancelled, but its recall flow may still ring; removing the file cancels nothing`,
        );
      else
        out.push(
          previous?.status === "submitted"
            ? `task ${previous.taskId ?? "?"} is still scheduled on the platform; removing the file cancels nothing`
            : `never created on the platform (${previous?.status ?? "?"})`,
        );
      break;
    case "unchanged":
      break;
  }
  return out;
}

/** The fields that will be sent, recipients summarised with masked numbers. */
function toSend(entry: PlanEntry): string[] {
  const fields = (entry.fields ?? {}) as Record<string, unknown>;
  const width = Math.max(10, ...Object.keys(fields).map((k) => k.length));
  const out = Object.entries(fields).map(([key, value]) => `${key.padEnd(width)} = ${formatValue(value)}`);
  const sample = entry.recipientSample ?? [];
  const texts = entry.textVariables?.length ? `; ${entry.textVariables.join(", ")} set` : "";
  const skipped = entry.suppressedSkipped
    ? `; ${entry.suppressedSkipped} suppressed number${entry.suppressedSkipped === 1 ? "" : "s"} left out`
    : "";
  out.push(
    `${"recipients".padEnd(width)} = ${entry.recipients} (${sample.join(", ")}${entry.recipients > sample.length ? ", …" : ""}${texts}${skipped})`,
  );
  if (entry.countries && Object.keys(entry.countries).length > 0)
    out.push(`${"countries".padEnd(width)} = ${countriesLine(entry.countries)}`);
  if (entry.rounds) out.push(`${"rounds".padEnd(width)} = ${roundsLine(entry.rounds)}`);
  if (entry.recipientDiff) out.push(`${"vs series".padEnd(width)} = ${recipientDiffLine(entry.recipientDiff)}`);
  return out;
}

const count = (n: number): string => n.toLocaleString("en-US");

/** `IN 1,204 · US 3`, most first. */
export function countriesLine(countries: Record<string, number>): string {
  return Object.entries(countries)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([country, n]) => `${country === UNKNOWN_COUNTRY ? "unknown" : country} ${count(n)}`)
    .join(" · ");
}

const ROUNDS_LISTED = 4;

/**
 * `1st 2036-04-01 10:00–10:40, recall 1 12:40–13:20 (Asia/Shanghai; 30 dials/min, assumed)`:
 * in the platform's zone, a date only where it changes, the first few rounds, then "+N more".
 */
export function roundsLine(rounds: PlannedRounds): string {
  let lastDate = "";
  // A plan file read back is shown as it stands, even where it names no zone or time we know.
  const known = isValidTimeZone(rounds.timeZone);
  const at = (iso: string, roundUp: boolean): string => {
    const ms = Date.parse(iso);
    if (!known || !Number.isFinite(ms)) return iso;
    const wall = epochMsToWallTime(roundUp ? Math.ceil(ms / 60_000) * 60_000 : ms, rounds.timeZone);
    const date = wall.slice(0, 10);
    const shown = date === lastDate ? wall.slice(11, 16) : wall.slice(0, 16);
    lastDate = date;
    return shown;
  };
  const listed = rounds.times
    .slice(0, ROUNDS_LISTED)
    .map((r, i) => `${i === 0 ? "1st" : `recall ${i}`} ${at(r.start, false)}–${at(r.end, true)}`);
  const more = rounds.times.length - listed.length;
  const last = rounds.times[rounds.times.length - 1];
  if (more > 0 && last) listed.push(`+${more} more, until ${at(last.end, true)}`);
  const pace = `${rounds.dialsPerMinute} dials/min${rounds.dialsPerMinuteAssumed ? ", assumed" : ""}`;
  return `${listed.join(", ")} (${rounds.timeZone}; ${pace})`;
}

/** Against the previous campaign of the series: who is new, who is no longer called. */
export function recipientDiffLine(diff: RecipientDiff): string {
  if (!diff.available)
    return `"${diff.against}" (previous of the series) is no longer declared: no recipient diff (the state keeps no numbers)`;
  const sample = (label: string, numbers: string[] | undefined, n: number) =>
    numbers && numbers.length > 0 ? `; ${label} ${numbers.join(", ")}${n > numbers.length ? ", …" : ""}` : "";
  return `"${diff.against}": +${count(diff.added ?? 0)} added, -${count(diff.removed ?? 0)} removed, ${count(diff.kept ?? 0)} kept${sample("added", diff.addedSample, diff.added ?? 0)}${sample("removed", diff.removedSample, diff.removed ?? 0)}`;
}

function changeLine(change: FieldChange, absentAfter: string): string {
  return `  ~ ${change.field}: ${"before" in change ? formatValue(change.before) : "(absent)"} → ${"after" in change ? formatValue(change.after) : absentAfter}`;
}
