import { decimateMinMax } from './decimate.ts';
import { baseLayout, type Figure } from './figure.ts';
import { esc } from './html-page.ts';
import type { ReportRun } from './report-run.ts';

/** One strategy of a portfolio run, as the report shows it. */
export interface ReportSleeve {
  readonly name: string;
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  /** Instrument ids it traded. */
  readonly instruments: readonly string[];
  readonly weight: number;
  /** Capital at the start (weight × the run's cash). */
  readonly capital: number;
  /** Its book's equity at the end. */
  readonly finalValue: number;
  readonly fees: number;
  /** Net capital moved in by rebalancing (negative: out). */
  readonly netTransfers: number;
  readonly metrics: { readonly totalReturn: number; readonly cagr: number; readonly volatility: number; readonly sharpe: number; readonly maxDrawdown: number; readonly trades: number };
}

/** A portfolio run's sleeves: results, correlation of their returns and their curves on the account's times. */
export interface ReportPortfolio {
  readonly sleeves: readonly ReportSleeve[];
  /** Pearson correlation of the sleeves' per-bar returns (time-weighted), in sleeve order. */
  readonly correlation: readonly (readonly number[])[];
  /** Starting cash no sleeve was given. */
  readonly unallocated: number;
  readonly rebalance: string;
  readonly rebalances: readonly unknown[];
  /** The kill switch stopped the strategies: the sleeves' books end there (the account's goes on). */
  readonly endedAtKill: boolean;
  readonly series: { readonly ts: ArrayLike<number>; readonly equity: readonly ArrayLike<number>[] };
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—');
const num = (v: number, d = 2): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : '—');

/** Each sleeve's equity and the account's, on one chart. */
export function sleeveEquityFigure(run: ReportRun, p: ReportPortfolio): Figure {
  const x = Array.from(p.series.ts, (t) => t / 1000);
  const total = decimateMinMax(Array.from(run.equity.ts, (t) => t / 1000), run.equity.equity);
  return {
    id: 'fig-sleeves', title: 'Equity by strategy (sleeve) and for the account',
    data: [
      { type: 'scatter', mode: 'lines', name: 'account', x: total.x, y: total.y, line: { color: '#333', width: 1.5 } },
      ...p.sleeves.map((s, k) => {
        const d = decimateMinMax(x, p.series.equity[k]);
        return { type: 'scatter', mode: 'lines', name: s.name, x: d.x, y: d.y, line: { color: COLORS[k % COLORS.length], width: 1.2 } };
      }),
    ],
    layout: baseLayout({ height: 360, xaxis: { type: 'date' }, yaxis: { title: { text: 'equity' }, automargin: true } }),
  };
}

/** Composition over time: each sleeve's share of the account's equity (and the cash no sleeve was given), stacked to 100 %. */
export function compositionFigure(run: ReportRun, p: ReportPortfolio): Figure {
  const n = p.series.ts.length;
  const step = Math.max(1, Math.ceil(n / 2500));
  const idx = Array.from({ length: Math.ceil(n / step) }, (_, i) => Math.min(n - 1, i * step));
  const x = idx.map((i) => p.series.ts[i] / 1000);
  const account = idx.map((i) => run.equity.equity[i]);
  const share = (v: ArrayLike<number>) => idx.map((i, j) => (100 * v[i]) / account[j]);
  const rest = idx.map((i, j) => 100 - p.sleeves.reduce((a, _s, k) => a + (100 * p.series.equity[k][i]) / account[j], 0));
  return {
    id: 'fig-composition', title: 'Composition: share of the account by sleeve',
    data: [
      ...p.sleeves.map((s, k) => ({ type: 'scatter', mode: 'lines', stackgroup: 'one', name: s.name, x, y: share(p.series.equity[k]), line: { color: COLORS[k % COLORS.length], width: 0.5 } })),
      ...(p.unallocated > 0 ? [{ type: 'scatter', mode: 'lines', stackgroup: 'one', name: 'unallocated cash', x, y: rest, line: { color: '#c7c7c7', width: 0.5 } }] : []),
    ],
    layout: baseLayout({ xaxis: { type: 'date' }, yaxis: { title: { text: '% of equity' }, automargin: true } }),
  };
}

/** Correlation of the sleeves' per-bar returns as a heatmap with the values written in. */
export function correlationFigure(p: ReportPortfolio): Figure {
  const names = p.sleeves.map((s) => s.name);
  const z = p.correlation.map((row) => row.map((v) => (Number.isFinite(v) ? v : null)));
  return {
    id: 'fig-correlation', title: 'Correlation of sleeve returns',
    data: [{
      type: 'heatmap', x: names, y: names, z, zmin: -1, zmax: 1, colorscale: 'RdBu', reversescale: true,
      text: p.correlation.map((row) => row.map((v) => (Number.isFinite(v) ? v.toFixed(2) : '—'))), texttemplate: '%{text}', hoverinfo: 'z',
    }],
    layout: baseLayout({ height: 140 + 40 * names.length, yaxis: { autorange: 'reversed', automargin: true }, xaxis: { automargin: true } }),
  };
}

/** One row per sleeve: what it trades, its capital and its results. */
export function sleevesTable(p: ReportPortfolio): string {
  const rows = p.sleeves.map((s) => {
    const params = Object.entries(s.strategy.params).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
    return `<tr><td>${esc(s.name)}</td><td>${esc(s.strategy.name)} <span class="note">${esc(params)}</span></td><td>${esc(s.instruments.join(', '))}</td>`
      + `<td>${pct(s.weight)}</td><td>${num(s.capital)}</td><td>${num(s.finalValue)}</td><td${s.metrics.totalReturn < 0 ? ' class="neg"' : ''}>${pct(s.metrics.totalReturn)}</td>`
      + `<td>${pct(s.metrics.cagr)}</td><td>${num(s.metrics.sharpe)}</td><td class="neg">${Number.isFinite(s.metrics.maxDrawdown) ? `−${pct(s.metrics.maxDrawdown)}` : '—'}</td>`
      + `<td>${s.metrics.trades}</td><td>${num(s.fees)}</td>${p.rebalances.length > 0 ? `<td>${num(s.netTransfers)}</td>` : ''}</tr>`;
  });
  const notes = [
    p.unallocated > 0 ? `${num(p.unallocated)} of the starting cash was given to no sleeve.` : '',
    p.rebalance !== 'none' ? `Capital brought back to the weights ${p.rebalance} (${p.rebalances.length} times; cash moved between sleeves, nothing traded; sleeve returns are time-weighted).` : '',
    p.endedAtKill ? 'The kill switch stopped the strategies: the sleeves\' books end there, the account\'s goes on.' : '',
  ].filter((x) => x !== '');
  return `<table class="metrics"><thead><tr><th>sleeve</th><th>strategy</th><th>instruments</th><th>weight</th><th>capital</th><th>final</th><th>return</th><th>CAGR</th><th>Sharpe</th><th>max DD</th><th>trades</th><th>fees</th>${p.rebalances.length > 0 ? '<th>moved in</th>' : ''}</tr></thead>`
    + `<tbody>${rows.join('')}</tbody></table>${notes.map((t) => `<p class="note">${esc(t)}</p>`).join('')}`;
}
