// Inline SVG charts for the HTML report: no script, no external resource. Every chart is an image
// with a text alternative (aria-label, <title>, <desc> naming every value); the page adds a table.

/** Text in HTML and SVG, element content and quoted attributes alike. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Segment {
  name: string;
  value: number;
  color: string;
}

export interface Chart {
  /** A unique id (made by the page, never from user text). */
  id: string;
  title: string;
  /** Every value in words: what a screen reader says instead of the picture. */
  desc: string;
}

const WIDTH = 640;
const LABEL = 180;
const ROW = 26;
const BAR = 18;

function frame(chart: Chart, height: number, body: string): string {
  return `<svg class="chart" role="img" aria-label="${esc(chart.title)}" aria-describedby="${chart.id}-desc" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}"><title>${esc(chart.title)}</title><desc id="${chart.id}-desc">${esc(chart.desc)}</desc>${body}</svg>`;
}

const fmt = (n: number): string => String(Math.round(n * 100) / 100);

/** One row per label, its segments stacked left to right, scaled to the largest row (or to `scale`). */
export function stackedBars(chart: Chart, rows: readonly { label: string; segments: readonly Segment[] }[]): string {
  const max = largest(rows);
  const span = WIDTH - LABEL - 60;
  const body = rows
    .map((row, i) => {
      const y = i * ROW + 4;
      let x = LABEL;
      const rects = row.segments
        .filter((s) => s.value > 0)
        .map((s) => {
          const w = (s.value / max) * span;
          const rect = `<rect x="${fmt(x)}" y="${y}" width="${fmt(Math.max(w, 1))}" height="${BAR}" fill="${s.color}"><title>${esc(`${row.label}: ${s.name} ${s.value}`)}</title></rect>`;
          x += w;
          return rect;
        })
        .join("");
      const total = row.segments.reduce((n, s) => n + s.value, 0);
      return `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end" class="label">${esc(truncate(row.label))}</text>${rects}<text x="${fmt(x + 6)}" y="${y + 13}" class="value">${total}</text>`;
    })
    .join("");
  return frame(chart, Math.max(rows.length, 1) * ROW + 8, body);
}

/** Vertical columns over a sequence (rounds, hours), each column's segments stacked bottom up. */
export function columns(chart: Chart, items: readonly { label: string; segments: readonly Segment[] }[]): string {
  const height = 200;
  const base = height - 28;
  const max = largest(items);
  const step = (WIDTH - 40) / Math.max(items.length, 1);
  const width = Math.max(2, Math.min(48, step * 0.8));
  // A label every so many columns: a dozen characters each, never overlapping.
  const everyNth = Math.ceil(items.length / 7);
  const body = items
    .map((item, i) => {
      const x = 30 + i * step + (step - width) / 2;
      let y = base;
      const rects = item.segments
        .filter((s) => s.value > 0)
        .map((s) => {
          const h = (s.value / max) * (base - 12);
          y -= h;
          return `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(width)}" height="${fmt(Math.max(h, 1))}" fill="${s.color}"><title>${esc(`${item.label}: ${s.name} ${s.value}`)}</title></rect>`;
        })
        .join("");
      const label =
        i % everyNth === 0
          ? `<text x="${fmt(x + width / 2)}" y="${height - 10}" text-anchor="middle" class="tick">${esc(item.label)}</text>`
          : "";
      return rects + label;
    })
    .join("");
  const axis = `<line x1="28" y1="${base}" x2="${WIDTH - 8}" y2="${base}" class="axis"/><text x="26" y="16" text-anchor="end" class="tick">${max}</text>`;
  return frame(chart, height, axis + body);
}

/** The largest row total, at least 1 (folded: a report may have thousands of campaigns). */
const largest = (rows: readonly { segments: readonly Segment[] }[]): number =>
  rows.reduce(
    (max, row) =>
      Math.max(
        max,
        row.segments.reduce((n, s) => n + s.value, 0),
      ),
    1,
  );

const truncate = (label: string): string => (label.length > 26 ? `${label.slice(0, 25)}…` : label);
