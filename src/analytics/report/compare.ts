import type { PlotlyScript } from './plotly-source.ts';
import { underwater } from '../underwater.ts';
import { decimateMinMax } from './decimate.ts';
import { baseLayout, type Figure } from './figure.ts';
import { formatMetric, METRIC_LABELS } from './format.ts';
import { esc, figureCard, htmlPage } from './html-page.ts';
import type { ReportRun } from './report-run.ts';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Side-by-side view of several runs: growth of 1, drawdowns and a metrics table. */
export function compareHtml(runs: readonly ReportRun[], plotly?: PlotlyScript): string {
  if (runs.length < 2) throw new RangeError('compare needs at least two runs');
  const label = (r: ReportRun, i: number) => `${i + 1}. ${r.title}`;
  const growth: Figure = {
    id: 'fig-compare-growth', title: 'Growth of 1',
    data: runs.map((r, i) => {
      const e0 = r.equity.equity[0];
      const d = decimateMinMax(Array.from(r.equity.ts, (t) => t / 1000), Array.from(r.equity.equity, (v) => v / e0));
      return { type: 'scatter', mode: 'lines', name: label(r, i), x: d.x, y: d.y, line: { color: PALETTE[i % PALETTE.length], width: 1.5 } };
    }),
    layout: baseLayout({ height: 400, xaxis: { type: 'date' } }),
  };
  const dd: Figure = {
    id: 'fig-compare-drawdown', title: 'Drawdown (%)',
    data: runs.map((r, i) => {
      const d = decimateMinMax(Array.from(r.equity.ts, (t) => t / 1000), Array.from(underwater(r.equity.equity), (v) => v * 100));
      return { type: 'scatter', mode: 'lines', name: label(r, i), x: d.x, y: d.y, line: { color: PALETTE[i % PALETTE.length], width: 1 } };
    }),
    layout: baseLayout({ xaxis: { type: 'date' } }),
  };
  const head = `<tr><th>metric</th>${runs.map((r, i) => `<th>${esc(label(r, i))}</th>`).join('')}</tr>`;
  const rows = METRIC_LABELS.map(([k, name]) => `<tr><td>${esc(name)}</td>${runs.map((r) => `<td>${esc(formatMetric(k, (r.summary as unknown as Record<string, number>)[k]))}</td>`).join('')}</tr>`);
  const body = `${figureCard(growth)}\n<div class="grid">${figureCard(dd)}</div>\n<div class="card"><h2>Metrics</h2><div class="scroll"><table class="metrics">${head}${rows.join('')}</table></div></div>`;
  return htmlPage(`Comparison of ${runs.length} runs`, runs.map((r, i) => `${label(r, i)} (${r.id})`).join(' · '), body, [growth, dd], plotly);
}
