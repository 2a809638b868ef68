import { esc, scriptJson } from './html-page.ts';
import { formatMetric, METRIC_LABELS } from './format.ts';
import { plotlySource } from './plotly-source.ts';

let libraryShown = false;
let counter = 0;

/**
 * A plotly figure as an HTML fragment for notebook output (tslab `display.html`). The
 * first fragment of a kernel session also carries plotly.js itself (inlined, no network),
 * the way plotly's offline notebook mode does; later ones reuse `window.Plotly`.
 */
export function figureHtml(fig: { data: readonly unknown[]; layout?: Record<string, unknown>; title?: string }, height = 360): string {
  const id = `lockstep-fig-${process.pid}-${++counter}`;
  const lib = libraryShown ? '' : `<script>${plotlySource()}</script>`;
  libraryShown = true;
  const layout = { height, ...(fig.title ? { title: { text: fig.title, font: { size: 14 } } } : {}), ...(fig.layout ?? {}) };
  return `${lib}<div id="${id}" class="lockstep-figure" style="min-height:${height}px"></div>`
    + `<script>(function(){var t=0;function draw(){if(!window.Plotly){if(t++<200)return setTimeout(draw,25);return;}`
    + `window.Plotly.newPlot(${JSON.stringify(id)},${scriptJson(fig.data)},${scriptJson(layout)},{responsive:true,displaylogo:false});}draw();})();</script>`;
}

/** Makes the next `figureHtml` inline plotly.js again (a new notebook page). */
export function resetFigureLibrary(): void {
  libraryShown = false;
}

/** Summary metrics as an HTML table with the report's labels and formats. */
export function metricsHtml(metrics: Readonly<Record<string, number>>): string {
  const known = new Map(METRIC_LABELS.map(([k, label]) => [k, label]));
  const rows = Object.entries(metrics).filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `<tr><td>${esc(known.get(k) ?? k)}</td><td style="text-align:right">${esc(formatMetric(k, v))}</td></tr>`);
  return `<table class="lockstep-metrics">${rows.join('')}</table>`;
}

/** Rows of plain objects as an HTML table (first `limit` rows; columns from the first row unless given). */
export function tableHtml(rows: readonly Record<string, unknown>[], columns?: readonly string[], limit = 50): string {
  const cols = columns ?? Object.keys(rows[0] ?? {});
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? ''));
  const head = `<tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr>`;
  const body = rows.slice(0, limit).map((r) => `<tr>${cols.map((c) => `<td>${esc(cell(r[c]))}</td>`).join('')}</tr>`).join('');
  const more = rows.length > limit ? `<p>${rows.length - limit} more rows</p>` : '';
  return `<table class="lockstep-table">${head}${body}</table>${more}`;
}
