import { monthlyReturns } from '../monthly-returns.ts';
import { simpleReturns } from '../simple-returns.ts';
import { baseLayout, type Figure } from './figure.ts';
import { histogram } from './histogram.ts';
import type { ReportRun } from './report-run.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Monthly returns heatmap (years × months, %). */
export function monthlyHeatmapFigure(run: ReportRun): Figure {
  const m = monthlyReturns(run.equity.ts, run.equity.equity);
  const z = m.values.map((row) => row.map((v) => (Number.isNaN(v) ? null : Math.round(v * 10000) / 100)));
  return {
    id: 'fig-monthly', title: 'Monthly returns (%)',
    data: [{
      type: 'heatmap', x: MONTHS, y: m.years.map(String), z, colorscale: [[0, '#c62828'], [0.5, '#ffffff'], [1, '#1a7f37']], zmid: 0,
      text: z.map((row) => row.map((v) => (v === null ? '' : v.toFixed(1)))), texttemplate: '%{text}', hoverongaps: false,
    }],
    layout: baseLayout({ height: Math.max(220, 60 + 28 * m.years.length), yaxis: { type: 'category', autorange: 'reversed' } }),
  };
}

/** Histogram of per-bar returns (%). */
export function returnDistributionFigure(run: ReportRun): Figure {
  // Binned here, not by plotly: a million raw returns would bloat the page.
  const h = histogram(Array.from(simpleReturns(run.equity.equity), (v) => v * 100).filter((v) => v !== 0), 80);
  return {
    id: 'fig-returns', title: 'Distribution of per-bar returns while invested (%)',
    data: [{ type: 'bar', x: h.centers, y: h.counts, width: h.width, marker: { color: '#1f77b4' }, name: 'returns' }],
    layout: baseLayout({ hovermode: 'closest', xaxis: { title: { text: 'return %' } }, yaxis: { title: { text: 'bars' } } }),
  };
}

/** Histogram of closed-trade net P&L. */
export function tradePnlFigure(run: ReportRun): Figure {
  const pnls: ArrayLike<number> = run.long ? run.long.tradeNetPnls : run.trades.map((t) => t.netPnl);
  const h = histogram(pnls, 50);
  return {
    id: 'fig-trade-pnl', title: `Trade P&L distribution (${pnls.length} trades)`,
    data: [{ type: 'bar', x: h.centers, y: h.counts, width: h.width, marker: { color: '#17becf' }, name: 'net P&L' }],
    layout: baseLayout({ hovermode: 'closest', xaxis: { title: { text: 'net P&L' } }, yaxis: { title: { text: 'trades' } } }),
  };
}

/** Each closed trade's maximum adverse against its maximum favorable excursion (% of entry), winners and losers apart. */
export function excursionFigure(run: ReportRun): Figure | null {
  const trades = run.trades.filter((t) => t.mae !== undefined && Number.isFinite(t.mae) && Number.isFinite(t.mfe));
  if (trades.length === 0) return null;
  const trace = (win: boolean) => {
    const ts = trades.filter((t) => (t.netPnl > 0) === win);
    return {
      type: 'scattergl', mode: 'markers', name: win ? 'winners' : 'losers', x: ts.map((t) => t.mae! * 100), y: ts.map((t) => t.mfe! * 100),
      text: ts.map((t) => `return ${(t.returnPct * 100).toFixed(2)}%`), marker: { color: win ? '#2ca02c' : '#d62728', size: 5, opacity: 0.6 },
    };
  };
  return {
    id: 'fig-excursions', title: `Trade excursions: MAE vs MFE (${trades.length}${run.long ? ` of ${run.long.trades}` : ''} trades)`,
    data: [trace(true), trace(false)],
    layout: baseLayout({ hovermode: 'closest', xaxis: { title: { text: 'max adverse excursion, % of entry' }, rangemode: 'tozero' }, yaxis: { title: { text: 'max favorable excursion, % of entry' }, rangemode: 'tozero' } }),
  };
}
