import { periodsPerYear } from '../periods-per-year.ts';
import { rollingSharpeVolatility } from '../rolling.ts';
import { simpleReturns } from '../simple-returns.ts';
import { underwater } from '../underwater.ts';
import { decimateMinMax } from './decimate.ts';
import { baseLayout, type Figure } from './figure.ts';
import type { ReportRun } from './report-run.ts';

const ms = (t: number): number => t / 1000;

/** Equity curve (with the benchmark bought and held, when there is one); the drawdown has its own panel (underwaterFigure). */
export function equityFigure(run: ReportRun): Figure {
  const x = Array.from(run.equity.ts, ms);
  const eq = decimateMinMax(x, run.equity.equity);
  const bench = run.benchmark ? decimateMinMax(x, run.benchmark.value) : null;
  return {
    id: 'fig-equity', title: run.benchmark ? `Equity, with ${run.benchmark.name} bought and held` : 'Equity',
    data: [
      { type: 'scatter', mode: 'lines', name: 'equity', x: eq.x, y: eq.y, line: { color: '#1f77b4', width: 1.5 } },
      ...(bench ? [{ type: 'scatter', mode: 'lines', name: `${run.benchmark!.name} (buy & hold)`, x: bench.x, y: bench.y, line: { color: '#7f7f7f', width: 1, dash: 'dot' } }] : []),
    ],
    layout: baseLayout({ height: 380, xaxis: { type: 'date' }, yaxis: { title: { text: 'equity' }, automargin: true } }),
  };
}

/** Underwater chart: percent below the running peak. */
export function underwaterFigure(run: ReportRun): Figure {
  const x = Array.from(run.equity.ts, ms);
  const dd = decimateMinMax(x, Array.from(underwater(run.equity.equity), (v) => v * 100));
  return {
    id: 'fig-underwater', title: 'Underwater (drawdown from peak)',
    data: [{ type: 'scatter', mode: 'lines', name: 'underwater %', x: dd.x, y: dd.y, fill: 'tozeroy', line: { color: '#d62728', width: 1 } }],
    layout: baseLayout({ xaxis: { type: 'date' }, yaxis: { title: { text: '%' }, automargin: true } }),
  };
}

/** Gross exposure as a share of equity. */
export function exposureFigure(run: ReportRun): Figure {
  const x = Array.from(run.equity.ts, ms);
  const share = Array.from(run.equity.exposure, (g, i) => (run.equity.equity[i] > 0 ? (100 * g) / run.equity.equity[i] : 0));
  const d = decimateMinMax(x, share);
  return {
    id: 'fig-exposure', title: 'Gross exposure (% of equity)',
    data: [{ type: 'scatter', mode: 'lines', name: 'exposure %', x: d.x, y: d.y, line: { color: '#9467bd', width: 1 }, fill: 'tozeroy' }],
    layout: baseLayout({ xaxis: { type: 'date' }, yaxis: { title: { text: '%' }, automargin: true } }),
  };
}

/** Rolling annualized Sharpe ratio and volatility over about a quarter of bars (≥ 20). */
export function rollingFigure(run: ReportRun): Figure {
  const r = simpleReturns(run.equity.equity);
  const ppy = run.summary.periodsPerYear > 0 ? run.summary.periodsPerYear : periodsPerYear(run.equity.ts);
  const window = Math.max(20, Math.min(Math.round(ppy / 4), Math.floor(r.length / 4)));
  const roll = rollingSharpeVolatility(r, window, ppy > 0 ? ppy : 252);
  const x = Array.from(run.equity.ts, ms).slice(1);
  const keep = (y: Float64Array) => {
    const xs: number[] = [];
    const ys: number[] = [];
    y.forEach((v, i) => { if (!Number.isNaN(v)) { xs.push(x[i]); ys.push(v); } });
    return decimateMinMax(xs, ys);
  };
  const s = keep(roll.sharpe);
  const v = keep(roll.volatility.map((a) => a * 100));
  return {
    id: 'fig-rolling', title: `Rolling Sharpe and volatility (${window} bars)`,
    data: [
      { type: 'scatter', mode: 'lines', name: 'Sharpe', x: s.x, y: s.y, line: { color: '#2ca02c', width: 1 } },
      { type: 'scatter', mode: 'lines', name: 'volatility %', x: v.x, y: v.y, yaxis: 'y2', line: { color: '#ff7f0e', width: 1 } },
    ],
    layout: baseLayout({
      xaxis: { type: 'date' }, yaxis: { title: { text: 'Sharpe' } },
      yaxis2: { title: { text: 'volatility %' }, overlaying: 'y', side: 'right', showgrid: false },
    }),
  };
}
