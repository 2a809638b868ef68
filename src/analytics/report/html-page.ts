import type { Figure } from './figure.ts';
import { plotlySource, type PlotlyScript } from './plotly-source.ts';

/** HTML-escapes text. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON that is safe inside a <script> element (NaN/±Infinity become null, typed arrays plain arrays). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))
    .replace(/</g, '\\u003c');
}

const CSS = `
body{font-family:system-ui,sans-serif;margin:0;padding:0 24px 40px;color:#222;background:#fafafa}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:16px;margin:24px 0 8px}
.sub{color:#666;margin-bottom:16px}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
.card{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:8px 12px}
.card.notice{border-color:#d9822b;background:#fff8f0;margin-bottom:12px}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{padding:3px 8px;text-align:right;border-bottom:1px solid #eee}
th:first-child,td:first-child{text-align:left}tr:hover td{background:#f3f7ff}
.metrics td:first-child{color:#555}.pos{color:#1a7f37}.neg{color:#c62828}.note{color:#777;font-size:12px}
.scroll{max-height:420px;overflow:auto}`;

/**
 * A page that opens offline: plotly.js inlined, or loaded from a file beside it (`plotly`:
 * one copy per reports folder keeps each report small), the figures as JSON, and a script
 * that renders them and then sets `data-rendered` on <body> to the number of figures drawn
 * (the browser tests wait for it). Without plotly (the shared file missing: a report moved
 * on its own) the page says so at the top instead of failing silently.
 */
export function htmlPage(title: string, subtitle: string, bodyHtml: string, figures: readonly Figure[], plotly: PlotlyScript = { inline: true }): string {
  const divs = new Set(figures.map((f) => f.id));
  if (divs.size !== figures.length) throw new Error('figure ids must be unique');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>${CSS}</style>
${'src' in plotly ? `<script src="${esc(plotly.src)}"></script>` : `<script>${plotlySource()}</script>`}
</head><body>
<h1>${esc(title)}</h1><div class="sub">${esc(subtitle)}</div>
${bodyHtml}
<script type="application/json" id="lockstep-figures">${scriptJson(figures.map((f) => ({ id: f.id, data: f.data, layout: f.layout })))}</script>
<script>
(function () {
  var figs = JSON.parse(document.getElementById('lockstep-figures').textContent);
  if (typeof Plotly === 'undefined') {
    var p = document.createElement('p');
    p.className = 'notice';
    p.textContent = 'The charts need plotly.js from ${'src' in plotly ? esc(plotly.src).replace(/'/g, '') : ''} (the reports folder), which this page cannot find: keep the report in its folder, or write a standalone one with lockstep report RUN_DIR --inline.';
    document.body.insertBefore(p, document.body.firstChild);
    document.body.setAttribute('data-render-error', 'plotly.js not found');
    return;
  }
  var config = { responsive: true, displaylogo: false };
  Promise.all(figs.map(function (f) { return Plotly.newPlot(f.id, f.data, f.layout, config); }))
    .then(function () { document.body.setAttribute('data-rendered', String(figs.length)); })
    .catch(function (e) { document.body.setAttribute('data-render-error', String(e)); console.error(e); });
})();
</script>
</body></html>
`;
}

/** A card holding one figure's div. */
export function figureCard(f: Figure): string {
  return `<div class="card"><h2>${esc(f.title)}</h2><div id="${esc(f.id)}" class="plot"></div></div>`;
}

/** A card of notices (what a run's numbers do not say by themselves); empty without any. */
export function noticesCard(title: string, notices: readonly string[] | undefined): string {
  if (notices === undefined || notices.length === 0) return '';
  return `<div class="card notice"><h2>${esc(title)}</h2><ul>${notices.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>\n`;
}
