import type { PlotlyScript } from './plotly-source.ts';
import { decimateMinMax } from './decimate.ts';
import { baseLayout, type Figure } from './figure.ts';
import { formatMetric, formatTime } from './format.ts';
import { esc, figureCard, htmlPage, noticesCard } from './html-page.ts';

/** One fold as the walk-forward report shows it. */
export interface ReportFold {
  readonly index: number;
  readonly trainStart: number;
  readonly trainEnd: number;
  readonly testStart: number;
  readonly testEnd: number;
  readonly params: Readonly<Record<string, number | string | boolean>> | null;
  /** In-sample and out-of-sample values of the first objective's metric (Sharpe shown when the objective is not a core metric). */
  readonly isMetric: number;
  readonly oosMetric: number;
  readonly isReturn: number;
  readonly oosReturn: number;
}

export interface WalkForwardReportData {
  readonly title: string;
  readonly metricName: string;
  readonly folds: readonly ReportFold[];
  readonly stitched: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number> };
  readonly efficiency: number;
  readonly pbo: number | null;
  readonly stability: Readonly<Record<string, { mean: number; std: number; cv: number }>>;
  readonly oosSharpe: number;
  readonly oosReturn: number;
  readonly seconds: number;
  /** What the numbers do not say by themselves (failed trials, folds with nothing chosen), shown first. */
  readonly notices?: readonly string[];
}

/** The report's figures: IS vs OOS metric per fold, and the stitched OOS equity. */
export function walkForwardFigures(d: Pick<WalkForwardReportData, 'folds' | 'stitched' | 'metricName'>): [Figure, Figure] {
  const labels = d.folds.map((f) => `fold ${f.index + 1}`);
  const bars: Figure = {
    id: 'fig-folds', title: `In-sample vs out-of-sample ${d.metricName} per fold`,
    data: [
      { type: 'bar', name: 'in sample', x: labels, y: d.folds.map((f) => f.isMetric), marker: { color: '#1f77b4' } },
      { type: 'bar', name: 'out of sample', x: labels, y: d.folds.map((f) => f.oosMetric), marker: { color: '#ff7f0e' } },
    ],
    layout: baseLayout({ barmode: 'group', hovermode: 'closest' }),
  };
  const eq = decimateMinMax(Array.from(d.stitched.ts, (t) => t / 1000), d.stitched.equity);
  const shapes = d.folds.map((f, i) => ({
    type: 'rect', xref: 'x', yref: 'paper', x0: f.testStart / 1000, x1: f.testEnd / 1000, y0: 0, y1: 1,
    fillcolor: i % 2 === 0 ? 'rgba(31,119,180,0.06)' : 'rgba(255,127,14,0.06)', line: { width: 0 },
  }));
  const equity: Figure = {
    id: 'fig-stitched', title: 'Stitched out-of-sample equity (shaded: test windows)',
    data: [{ type: 'scatter', mode: 'lines', name: 'OOS equity', x: eq.x, y: eq.y, line: { color: '#2ca02c', width: 1.5 } }],
    layout: baseLayout({ xaxis: { type: 'date' }, shapes }),
  };
  return [bars, equity];
}

/** Self-contained HTML report of a walk-forward analysis. */
export function walkForwardHtml(d: WalkForwardReportData, plotly?: PlotlyScript): string {
  const [bars, equity] = walkForwardFigures(d);
  const paramNames = [...new Set(d.folds.flatMap((f) => Object.keys(f.params ?? {})))];
  const head = `<tr><th>fold</th><th>train</th><th>test</th>${paramNames.map((k) => `<th>${esc(k)}</th>`).join('')}<th>IS ${esc(d.metricName)}</th><th>OOS ${esc(d.metricName)}</th><th>IS return</th><th>OOS return</th></tr>`;
  const rows = d.folds.map((f) => `<tr><td>${f.index + 1}</td><td>${esc(formatTime(f.trainStart))} → ${esc(formatTime(f.trainEnd))}</td>`
    + `<td>${esc(formatTime(f.testStart))} → ${esc(formatTime(f.testEnd))}</td>${paramNames.map((k) => `<td>${esc(String(f.params?.[k] ?? '—'))}</td>`).join('')}`
    + `<td>${esc(formatMetric(d.metricName, f.isMetric))}</td><td>${esc(formatMetric(d.metricName, f.oosMetric))}</td>`
    + `<td>${esc(formatMetric('totalReturn', f.isReturn))}</td><td>${esc(formatMetric('totalReturn', f.oosReturn))}</td></tr>`);
  const stab = Object.entries(d.stability).map(([k, s]) => `${k}: mean ${s.mean.toFixed(2)}, std ${s.std.toFixed(2)}, cv ${Number.isFinite(s.cv) ? s.cv.toFixed(2) : '—'}`).join(' · ');
  const summary = `<div class="card"><h2>Summary</h2><table class="metrics">
<tr><td>Walk-forward efficiency (OOS CAGR / mean IS CAGR)</td><td>${Number.isFinite(d.efficiency) ? d.efficiency.toFixed(3) : '—'}</td></tr>
<tr><td>Out-of-sample total return</td><td>${esc(formatMetric('totalReturn', d.oosReturn))}</td></tr>
<tr><td>Out-of-sample Sharpe</td><td>${esc(formatMetric('sharpe', d.oosSharpe))}</td></tr>
<tr><td>Probability of backtest overfitting (CSCV)</td><td>${d.pbo === null ? '—' : `${(d.pbo * 100).toFixed(1)}%`}</td></tr>
<tr><td>Parameter stability</td><td>${esc(stab || '—')}</td></tr></table></div>`;
  const body = `${noticesCard('Walk-forward notices', d.notices)}<div class="grid">${summary}${figureCard(bars)}</div>${figureCard(equity)}<div class="card"><h2>Folds</h2><div class="scroll"><table>${head}${rows.join('')}</table></div></div>`;
  return htmlPage(d.title, `${d.folds.length} folds · ${d.seconds.toFixed(1)} s`, body, [bars, equity], plotly);
}
