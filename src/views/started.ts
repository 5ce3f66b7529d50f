import type { ReceiverStarted, SimulatorStarted } from "../schema/generated/index.js";
import { jsonLineView, type OutputFormat } from "./format.js";

// The started-document of a server (receive, simulator) is one line, printed once it listens: a
// script reads it with a line reader while the server runs (jsonLineView, not the indented jsonView).

/** `campaign receive`, once it listens: where to push, the store, and how to stop it. */
export function renderReceiverStarted(started: ReceiverStarted, format: OutputFormat): string {
  if (format === "json") return jsonLineView(started);
  return [
    `Receiving status reports at POST ${started.reportUrl}\n`,
    started.tokenGenerated
      ? "  (a new token each start: set CAMPAIGN_RECEIVER_TOKEN to keep the address stable)\n"
      : "",
    `  store: ${started.store} · health: GET ${started.healthUrl} · stop with Ctrl-C\n`,
  ].join("");
}

/** `campaign simulator`, once it listens: its address, the demo account, and how to use it. */
export function renderSimulatorStarted(
  started: SimulatorStarted,
  format: OutputFormat,
  docsShapedPushes: boolean,
): string {
  if (format === "json") return jsonLineView(started);
  const { url, account, speed, timeZone, pushUrl } = started;
  const pushing = pushUrl
    ? `, pushing reports to ${pushUrl}${docsShapedPushes ? " in the docs' sparse shape" : ""}`
    : "";
  return [
    `LAAFFIC simulator listening on ${url}\n`,
    `  demo account: LAAFFIC_API_KEY=${account.apiKey} LAAFFIC_API_SECRET=${account.apiSecret}\n`,
    `  appIds: ${account.appIds.join(", ")}  agents: ${account.agentIds.join(", ")}\n`,
    `  use it: LAAFFIC_BASE_URL=${url}  (time ×${speed}, zone ${timeZone}${pushing})\n`,
    `  stats: GET ${started.statsUrl} · stop with Ctrl-C\n`,
  ].join("");
}
