import { escapeControlChars } from "../privacy/index.js";
import type {
  CostEstimate,
  CostEstimateTotal,
  EstimateAgainstActual,
  EstimateInput,
} from "../schema/generated/index.js";
import { wallMinute } from "./wall-time.js";

/** `est. 1.20 USD (worst 3.00) · 7 attempts (worst 12), 6 billed min (worst 36) · last call by 2036-04-01 15:10 Asia/Kolkata (worst 16:40)` */
export function estimateLine(estimate: CostEstimate): string {
  const cost =
    estimate.cost.expected === null || estimate.cost.worst === null
      ? `est. cost unknown (${unknownWhy(estimate)})`
      : `est. ${money(estimate.cost.expected)} ${estimate.currency} (worst ${money(estimate.cost.worst)})`;
  const attempts = `${amount(estimate.attempts.expected)} attempts (worst ${amount(estimate.attempts.worst)})`;
  const minutes = `${amount(estimate.billedMinutes.expected)} billed min (worst ${amount(estimate.billedMinutes.worst)})`;
  const expected = wallTime(estimate.lastCallBy.expected, estimate.timeZone);
  const worst = wallTime(estimate.lastCallBy.worst, estimate.timeZone);
  const latest = worst.slice(0, 10) === expected.slice(0, 10) ? worst.slice(11) : worst;
  return escapeControlChars(
    `${cost} · ${attempts}, ${minutes} · last call by ${expected} ${estimate.timeZone} (worst ${latest})`,
  );
}

/** `connect rate 0.5 assumed, recall share 0.5 assumed, avg call 60 s assumed, billed per 60 s assumed; IN 0.05/min config` */
export function estimateBasisLine(estimate: CostEstimate): string {
  const { basis } = estimate;
  const figure = (label: string, i: EstimateInput, unit = ""): string[] =>
    i.value === null ? [] : [`${label} ${amount(i.value)}${unit} ${i.source}`];
  const figures = [
    ...figure("connect rate", basis.connectRate),
    ...figure("recall share", basis.recallFraction),
    ...figure("avg call", basis.averageCallSeconds, " s"),
    ...figure("billed per", basis.billingIncrement, " s"),
  ];
  const prices = basis.prices.map((p) =>
    p.perMinute === null ? `${p.country} no price` : `${p.country} ${p.perMinute}/min ${p.source}`,
  );
  const history = basis.historyCalls !== undefined ? ` (history: ${amount(basis.historyCalls)} reports)` : "";
  return escapeControlChars(`${figures.join(", ")}${prices.length > 0 ? `; ${prices.join(", ")}` : ""}${history}`);
}

/** `Estimated: 12.40 USD (worst 30.00) for 3 campaigns; last call by 2036-04-02 10:00 Asia/Kolkata.` */
export function estimateTotalLine(total: CostEstimateTotal, timeZone = "UTC"): string {
  const cost =
    total.expected === null || total.worst === null
      ? "cost unknown"
      : `${money(total.expected)} ${total.currency} (worst ${money(total.worst)})`;
  const last = total.lastCallBy ? `; last call by ${wallTime(total.lastCallBy, timeZone)} ${timeZone}` : "";
  return escapeControlChars(
    `Estimated: ${cost} for ${total.campaigns} campaign${total.campaigns === 1 ? "" : "s"}${last}.`,
  );
}

function unknownWhy(estimate: CostEstimate): string {
  if (estimate.currency === null) return "no pricing";
  return estimate.unpriced.length > 0 ? `no price for ${estimate.unpriced.join(", ")}` : "no price";
}

const money = (n: number): string => n.toFixed(2);
const moneyOrUnknown = (n: number | null): string => (n === null ? "unknown" : money(n));
// One formatter for all: toLocaleString with options builds a new one each call.
const AMOUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const amount = (n: number): string => AMOUNT.format(n);

const wallTime = (iso: string, zone: string): string => wallMinute(iso, zone, true) ?? iso;

/** The zone a plan's estimates share (their callees'), else UTC: the zone of its closing estimate line. */
export function estimatesZone(entries: readonly { estimate?: CostEstimate }[]): string {
  const zones = new Set(entries.flatMap((e) => (e.estimate ? [e.estimate.timeZone] : [])));
  return zones.size === 1 ? [...zones][0]! : "UTC";
}

/** `estimated 1.20 USD (worst 3.00) · actual so far 0.95 USD (0.79× the estimate)`: campaign outcomes against the reviewed estimate. */
export function estimateAgainstActual(e: EstimateAgainstActual): string {
  const currency = e.currency ?? "";
  const actual =
    e.actual === null
      ? "actual cost not comparable (the reports are billed in another currency)"
      : `actual so far ${money(e.actual)} ${currency}${e.ratio !== null ? ` (${e.ratio.toFixed(2)}× the estimate)` : ""}`;
  return `estimated ${moneyOrUnknown(e.expected)} ${currency} (worst ${moneyOrUnknown(e.worst)}) · ${actual}`.replace(
    / +/g,
    " ",
  );
}
