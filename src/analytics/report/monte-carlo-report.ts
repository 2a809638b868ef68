import type { MonteCarloSummary, Quantiles } from '../monte-carlo.ts';
import { baseLayout, type Figure } from './figure.ts';
import { esc } from './html-page.ts';
import type { ReportRun } from './report-run.ts';

/** The block bootstrap's fan: equity percentiles across paths, step by step. */
export function monteCarloFigure(mc: MonteCarloSummary): Figure {
  const f = mc.fan;
  const band = (lo: number[], hi: number[], name: string, color: string) => [
    { type: 'scatter', mode: 'lines', x: f.step, y: lo, line: { width: 0 }, showlegend: false, hoverinfo: 'skip' },
    { type: 'scatter', mode: 'lines', x: f.step, y: hi, fill: 'tonexty', fillcolor: color, line: { width: 0 }, name },
  ];
  return {
    id: 'fig-monte-carlo', title: `Monte Carlo: ${mc.runs.toLocaleString('en-US')} ${mc.method === 'block-bootstrap' ? `block-bootstrap paths (blocks of ${mc.blockLength} bars)` : 'trade orders'}, seed ${mc.seed}`,
    data: [
      ...band(f.p5, f.p95, '5–95%', 'rgba(31,119,180,0.15)'), ...band(f.p25, f.p75, '25–75%', 'rgba(31,119,180,0.3)'),
      { type: 'scatter', mode: 'lines', x: f.step, y: f.p50, name: 'median', line: { color: '#1f77b4', width: 1.5 } },
    ],
    layout: baseLayout({ xaxis: { title: { text: mc.method === 'block-bootstrap' ? 'bar' : 'trade' } }, yaxis: { title: { text: 'equity' }, automargin: true } }),
  };
}

const money = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function rows(label: string, q: Quantiles, fmt: (v: number) => string): string {
  return `<tr><td>${esc(label)}</td>${(['p5', 'p25', 'p50', 'p75', 'p95'] as const).map((k) => `<td>${fmt(q[k])}</td>`).join('')}</tr>`;
}

/** Quantiles of final equity, max drawdown and longest drawdown, and the ruin share, per method. */
export function monteCarloTable(run: ReportRun): string {
  const mc = run.monteCarlo;
  if (!mc) return '';
  const part = (name: string, s: MonteCarloSummary | undefined, unit: string) => (s ? `<tr><th colspan="6">${esc(name)} — ${s.runs.toLocaleString('en-US')} paths, seed ${s.seed}; `
    + `ruin (equity ≤ ${money(s.ruinLevel)}) on ${pct(s.ruinProbability)} of them</th></tr>`
    + rows('final equity', s.finalEquity, money) + rows('max drawdown', s.maxDrawdown, pct) + rows(`longest drawdown (${unit})`, s.longestDrawdown, (v) => v.toFixed(0)) : '');
  const note = mc.returns && mc.returns.interval > 0 ? '<p class="note">The bootstrap resamples the returns of the resampled curve (a long run).</p>' : '';
  return '<table class="metrics"><thead><tr><th></th><th>5%</th><th>25%</th><th>median</th><th>75%</th><th>95%</th></tr></thead><tbody>'
    + part('Trade order shuffled', mc.trades, 'trades') + part('Returns block-bootstrapped', mc.returns, 'bars') + `</tbody></table>${note}`;
}
