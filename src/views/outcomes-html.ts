import { escapeControlCharsDeep } from "../privacy/index.js";
import { OUTCOME_CLASSES, type OutcomeClass } from "../reports/record.js";
import type { CampaignDetails, DetailedOutcomes, HourCalls } from "../reports/outcome-details.js";
import type { CampaignOutcome } from "../schema/generated/index.js";
import { estimateAgainstActual } from "./estimate.js";
import { caveats, OUTCOME_LABELS } from "./outcomes.js";
import { OUTCOMES_CSS } from "./outcomes-html-style.js";
import { columns, esc, stackedBars, type Chart, type Segment } from "./svg.js";

const COLORS: Record<OutcomeClass, string> = {
  connected: "#2e7d32",
  noAnswer: "#f9a825",
  busy: "#ef6c00",
  voicemail: "#6a1b9a",
  failed: "#c62828",
};
const INTENT_COLOR = "#1565c0";
const OTHER_COLOR = "#90a4ae";

/**
 * `campaign outcomes --format html`: one self-contained page (no script, no external style, font
 * or image; a Content-Security-Policy that allows none), every text escaped, numbers never shown.
 */
export function renderOutcomesHtml(page: DetailedOutcomes): string {
  const report = escapeControlCharsDeep(page.report);
  const notes = caveats(report).map((line) => `<p class="caveat">${esc(line)}</p>`);
  const sections = report.campaigns.map((o, i) =>
    campaignSection(o, page.details.get(page.report.campaigns[i]!.taskName), i),
  );
  const stray = report.unmatched
    .filter((u) => u.reason === "task-not-in-state")
    .map((u) => `<li>task ${u.taskId ?? "?"}: ${u.calls} calls (the task is not in the state)</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Campaign outcomes</title>
<style>${OUTCOMES_CSS}</style>
</head>
<body>
<header><h1>Campaign outcomes</h1><p class="meta">${esc(`Generated ${when(page.generatedAt)} by laaffic-campaign from the received status reports. Phone numbers are never shown here.`)}</p></header>
<main>
${notes.join("\n")}
${report.campaigns.length === 0 ? '<p class="empty">No outcomes yet: no submitted campaigns or no reports received.</p>' : overview(report.campaigns)}
${sections.join("\n")}
${stray.length > 0 ? `<section aria-labelledby="stray"><h2 id="stray">Reports of tasks not in the state</h2><ul>${stray.join("")}</ul></section>` : ""}
</main>
</body>
</html>
`;
}

const percent = (part: number, whole: number): string => (whole === 0 ? "0%" : `${Math.round((part / whole) * 100)}%`);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const minutes = (s: number): string => `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
const when = (iso: string): string => `${iso.slice(0, 16).replace("T", " ")} UTC`;

const outcomeSegments = (o: CampaignOutcome): Segment[] =>
  OUTCOME_CLASSES.map((cls) => ({ name: OUTCOME_LABELS[cls], value: o.outcomes[cls], color: COLORS[cls] }));

const inWords = (segments: readonly Segment[], whole: number): string =>
  segments.map((s) => `${s.name} ${s.value} (${percent(s.value, whole)})`).join(", ");

function overview(campaigns: readonly CampaignOutcome[]): string {
  const chart: Chart = {
    id: "overview-chart",
    title: "Call outcomes by campaign",
    desc: campaigns.map((o) => `${o.taskName}: ${o.calls} calls; ${inWords(outcomeSegments(o), o.calls)}`).join(". "),
  };
  const rows = campaigns.map((o) => [
    o.taskName,
    String(o.taskId ?? ""),
    String(o.recipients),
    String(o.calls),
    ...OUTCOME_CLASSES.map((cls) => String(o.outcomes[cls])),
    percent(o.outcomes.connected, o.calls),
    String(o.recallRounds),
  ]);
  return `<section aria-labelledby="overview"><h2 id="overview">Overview</h2>
${figure(
  chart,
  stackedBars(
    chart,
    campaigns.map((o) => ({ label: o.taskName, segments: outcomeSegments(o) })),
  ),
  [
    "campaign",
    "task",
    "recipients",
    "calls",
    ...OUTCOME_CLASSES.map((c) => OUTCOME_LABELS[c]),
    "connect rate",
    "recall rounds",
  ],
  rows,
  true,
)}
${legend(OUTCOME_LEGEND)}</section>`;
}

function campaignSection(o: CampaignOutcome, details: CampaignDetails | undefined, index: number): string {
  const id = `c${index + 1}`;
  const facts = [
    `task ${o.taskId ?? "?"}`,
    plural(o.recipients, "recipient"),
    `${plural(o.calls, "call")} placed${o.recallRounds > 0 ? ` (${plural(o.recallRounds, "recall round")})` : ""}`,
    `connect rate ${percent(o.outcomes.connected, o.calls)}`,
    `billed line time ${minutes(o.billedLineSeconds)}`,
    `AI-agent billed time ${minutes(o.aiAgentBilledSeconds)}`,
    `cost ${o.cost.toFixed(4)} + AI ${o.aiAgentFee.toFixed(4)}${o.currency ? ` ${o.currency}` : ""}`,
    ...(o.estimate ? [estimateAgainstActual(o.estimate)] : []),
    `last report ${o.lastReportAt === null ? "none" : when(o.lastReportAt)}`,
  ];
  const body =
    o.calls === 0
      ? '<p class="empty">No calls reported yet.</p>'
      : `<div class="grid">${[outcomesFigure(o, id), intentsFigure(o, id), roundsFigure(details, id), timelineFigure(details, id)].join("\n")}</div>`;
  return `<section class="campaign" aria-labelledby="${id}"><h2 id="${id}">${esc(o.taskName)}</h2>
<p class="facts">${facts.map(esc).join(" · ")}</p>
${body}</section>`;
}

function outcomesFigure(o: CampaignOutcome, id: string): string {
  const segments = outcomeSegments(o);
  const chart = {
    id: `${id}-outcomes`,
    title: `Outcomes of ${o.taskName}`,
    desc: `${o.calls} calls: ${inWords(segments, o.calls)}`,
  };
  const bars = segments.map((s) => ({ label: s.name, segments: [s] }));
  const rows = segments.map((s) => [s.name, String(s.value), percent(s.value, o.calls)]);
  return figure(chart, stackedBars(chart, bars), ["outcome", "calls", "share"], rows);
}

function intentsFigure(o: CampaignOutcome, id: string): string {
  const intents = Object.entries(o.intents)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 12);
  const chart = {
    id: `${id}-intents`,
    title: `Intents of ${o.taskName}`,
    desc: intents.length === 0 ? "No intents reported." : intents.map(([code, n]) => `${code} ${n}`).join(", "),
  };
  if (intents.length === 0) return emptyFigure(chart);
  const bars = intents.map(([code, n]) => ({
    label: code,
    segments: [{ name: "calls", value: n, color: INTENT_COLOR }],
  }));
  return figure(
    chart,
    stackedBars(chart, bars),
    ["intent", "calls"],
    intents.map(([code, n]) => [code, String(n)]),
  );
}

function roundsFigure(details: CampaignDetails | undefined, id: string): string {
  const rounds = details?.rounds ?? [];
  const label = (round: number | null) =>
    round === null ? "recall (round not said)" : round === 0 ? "first round" : `recall ${round}`;
  const chart = {
    id: `${id}-rounds`,
    title: "Calls per round",
    desc:
      rounds.map((r) => `${label(r.round)}: ${r.calls} calls, ${r.connected} connected`).join("; ") ||
      "No rounds reported.",
  };
  if (rounds.length === 0) return emptyFigure(chart);
  const items = rounds.map((r) => ({ label: label(r.round), segments: connectedSplit(r) }));
  const rows = rounds.map((r) => [label(r.round), String(r.calls), String(r.connected), percent(r.connected, r.calls)]);
  return figure(
    chart,
    columns(chart, items) + legend(SPLIT_LEGEND),
    ["round", "calls", "connected", "connect rate"],
    rows,
  );
}

function timelineFigure(details: CampaignDetails | undefined, id: string): string {
  const buckets = bucketed(details?.timeline ?? []);
  const chart = {
    id: `${id}-timeline`,
    title: `Calls over time (per ${buckets.size}, UTC)`,
    desc:
      buckets.items.map((b) => `${b.label}: ${b.calls} calls, ${b.connected} connected`).join("; ") ||
      "No call times reported.",
  };
  if (buckets.items.length === 0) return emptyFigure(chart);
  const items = buckets.items.map((b) => ({ label: b.label, segments: connectedSplit(b) }));
  const rows = buckets.items.map((b) => [b.label, String(b.calls), String(b.connected)]);
  return figure(chart, columns(chart, items) + legend(SPLIT_LEGEND), [buckets.size, "calls", "connected"], rows);
}

const connectedSplit = (c: { calls: number; connected: number }): Segment[] => [
  { name: "connected", value: c.connected, color: COLORS.connected },
  { name: "not connected", value: c.calls - c.connected, color: OTHER_COLOR },
];

const HOUR = 3_600_000;
const SIZES = [
  { ms: HOUR, name: "hour" },
  { ms: 3 * HOUR, name: "3 hours" },
  { ms: 6 * HOUR, name: "6 hours" },
  { ms: 24 * HOUR, name: "day" },
  { ms: 7 * 24 * HOUR, name: "week" },
];
const MAX_COLUMNS = 72;

/** Hours folded into the smallest bucket that keeps the chart within MAX_COLUMNS columns (empty ones included). */
function bucketed(hours: readonly HourCalls[]): {
  size: string;
  items: { label: string; calls: number; connected: number }[];
} {
  if (hours.length === 0) return { size: "hour", items: [] };
  const first = hours[0]!.hour;
  const span = hours[hours.length - 1]!.hour - first;
  const size = SIZES.find((s) => span / s.ms < MAX_COLUMNS) ?? SIZES[SIZES.length - 1]!;
  const start = Math.floor(first / size.ms) * size.ms;
  const count = Math.min(Math.floor(span / size.ms) + 1, 10 * MAX_COLUMNS);
  const items = Array.from({ length: count }, (_, i) => ({
    label: bucketLabel(start + i * size.ms, size.ms),
    calls: 0,
    connected: 0,
  }));
  for (const h of hours) {
    const item = items[Math.min(Math.floor((h.hour - start) / size.ms), count - 1)]!;
    item.calls += h.calls;
    item.connected += h.connected;
  }
  return { size: size.name, items };
}

const bucketLabel = (ms: number, size: number): string => {
  const iso = new Date(ms).toISOString();
  return size >= 24 * HOUR ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
};

function figure(
  chart: Chart,
  svg: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  open = false,
): string {
  const table = `<table><caption>${esc(chart.title)}</caption><thead><tr>${header.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${esc(cell)}</th>` : `<td>${esc(cell)}</td>`)).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
  return `<figure id="${chart.id}"><figcaption>${esc(chart.title)}</figcaption>${svg}<details${open ? " open" : ""}><summary>Data table</summary>${table}</details></figure>`;
}

const emptyFigure = (chart: Chart): string =>
  `<figure id="${chart.id}"><figcaption>${esc(chart.title)}</figcaption><p class="empty">${esc(chart.desc)}</p></figure>`;

const legend = (entries: readonly { name: string; color: string }[]): string =>
  `<ul class="legend" aria-label="Colours">${entries.map((e) => `<li><span class="swatch" style="background:${e.color}"></span>${esc(e.name)}</li>`).join("")}</ul>`;

const OUTCOME_LEGEND = OUTCOME_CLASSES.map((cls) => ({ name: OUTCOME_LABELS[cls], color: COLORS[cls] }));
const SPLIT_LEGEND = connectedSplit({ calls: 0, connected: 0 });
