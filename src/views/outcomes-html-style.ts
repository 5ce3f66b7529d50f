/** The HTML report's one stylesheet, inline: system fonts only, readable in print and in dark mode. */
export const OUTCOMES_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --card: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --bg: #0d1117; --card: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 24px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 32px 0 4px; font-size: 20px; overflow-wrap: anywhere; }
.meta, .facts { color: var(--muted); margin: 0 0 12px; }
.caveat { border-left: 4px solid #c62828; padding: 6px 12px; background: var(--card); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); gap: 16px; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; background: var(--card); }
figcaption { font-weight: 600; margin-bottom: 8px; overflow-wrap: anywhere; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg .label, svg .value, svg .tick { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg .tick { fill: var(--muted); font-size: 10px; }
svg .axis { stroke: var(--line); }
details { margin-top: 8px; }
summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; margin-top: 6px; font-size: 13px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; overflow-wrap: anywhere; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 16px; padding: 0; margin: 8px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border-radius: 2px; vertical-align: -1px; }
@media print { body { max-width: none; padding: 0; } details { display: block; } figure { break-inside: avoid; } }
`;
