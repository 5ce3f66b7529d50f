import { escapeControlChars, escapeControlCharsDeep } from "../privacy/index.js";
import type { StateListing, StateShowing } from "../app/state-read.js";
import type { StateView } from "../schema/generated/index.js";
import { jsonView } from "./format.js";

/** `campaign state list --format json` (schemas/state-view.schema.json). */
export function stateListJson({ state }: StateListing): string {
  const view: StateView = {
    formatVersion: 1,
    lineage: state.lineage,
    serial: state.serial,
    campaigns: state.campaigns,
  };
  return jsonView(view);
}

/** One row a campaign, by name. Names and texts from the state are user and platform text: escaped for the terminal. */
export function renderStateListText({ state, location }: StateListing): string {
  const rows = Object.entries(escapeControlCharsDeep(state.campaigns)).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(8, ...rows.map(([n]) => n.length));
  const lines = [
    `State ${escapeControlChars(location)}: serial ${state.serial}, lineage ${escapeControlChars(state.lineage)}`,
    "",
    `${"campaign".padEnd(width)}  ${"status".padEnd(13)}  ${"task id".padEnd(9)}  recipients  updated`,
  ];
  for (const [name, c] of rows)
    lines.push(
      `${name.padEnd(width)}  ${c.status.padEnd(13)}  ${String(c.taskId ?? "-").padEnd(9)}  ${String(c.recipients).padStart(10)}  ${c.updatedAt}`,
    );
  if (rows.length === 0) lines.push("(no campaigns)");
  return lines.join("\n") + "\n";
}

export function stateShowJson({ taskName, campaign, history }: StateShowing): string {
  return jsonView({ formatVersion: 1, taskName, ...campaign, history });
}

export function renderStateShowText({ taskName, campaign, history }: StateShowing): string {
  const lines = [
    escapeControlChars(taskName),
    ...Object.entries(campaign).map(
      ([k, v]) =>
        `  ${escapeControlChars(k).padEnd(16)} ${escapeControlChars(typeof v === "object" ? JSON.stringify(v) : String(v))}`,
    ),
    "",
    "  history:",
  ];
  for (const h of escapeControlCharsDeep(history))
    lines.push(
      `    serial ${h.serial}  ${h.at}  ${h.action}${h.detail ? `  ${h.detail}` : ""}${h.by ? `  by ${h.by}` : ""}`,
    );
  return lines.join("\n") + "\n";
}
