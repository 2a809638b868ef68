#!/usr/bin/env python3
"""Writes the notebooks in this folder from the cell sources below (outputs empty).

Notebooks are generated so their committed form never carries stale outputs; CI
executes them into a temporary folder (scripts/run-notebooks.sh).
"""
import json, pathlib

HERE = pathlib.Path(__file__).parent


def notebook(name, cells):
    nb = {
        "cells": [
            {"cell_type": kind, "id": f"{name}-{i}", "metadata": {}, "source": src.strip("\n"),
             **({"execution_count": None, "outputs": []} if kind == "code" else {})}
            for i, (kind, src) in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"name": "typescript"},
        },
        "nbformat": 4, "nbformat_minor": 5,
    }
    (HERE / f"{name}.ipynb").write_text(json.dumps(nb, indent=1) + "\n")


# tslab rewrites top-level names of earlier cells, but not object shorthand: write
# `{ space: space }`, never `{ space }`, for names defined at a cell's top level.
def md(s): return ("markdown", s)
def code(s): return ("code", s)


notebook("01-quickstart", [
    md(r"""# Quickstart: bars → backtest → metrics → DataFrames → report

Runs the backtrader quickstart strategy (`sma-cross`) on the bundled daily index data,
looks at the numbers, turns the result into danfojs DataFrames and writes the HTML
tearsheet."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const DATA = '../data/sample/2006-day-001.csv';
"""),
    md(r"""## Load bars
Readers stream validated columnar batches; here we just count them and look at the first bar."""),
    code(r"""
const stream = await ls.openBars(DATA);
let bars = 0, first: number[] = [];
for await (const b of stream.batches) {
  if (bars === 0) first = [b.ts[0], b.open[0], b.high[0], b.low[0], b.close[0]];
  bars += b.length;
}
console.log(`${bars} bars; first ${ls.isoFromMicros(first[0]).slice(0, 10)} O=${first[1]} H=${first[2]} L=${first[3]} C=${first[4]}`);
"""),
    md(r"""## Backtest
Defaults are backtrader's default broker: cash 10,000, no commission, market orders at the next open."""),
    code(r"""
const result = await ls.runBacktest({
  strategy: 'sma-cross', params: { period: 15 },
  data: [{ file: DATA, instrument: { symbol: 'IDX' } }],
});
console.log(`final value ${result.finalValue.toFixed(2)}, ${result.fills.length} fills, ${result.trades.length} closed trades`);
"""),
    md(r"""## Metrics"""),
    code(r"""
tslab.display.html(ls.metricsHtml(result.metrics as unknown as Record<string, number>));
"""),
    md(r"""## DataFrames
The result as danfojs DataFrames (and Arrow tables with `equityTable` / `tradesTable`)."""),
    code(r"""
const trades = await ls.tradesFrame(result);
tslab.display.html(ls.dataFrameHtml(trades, 5));
const equity = await ls.equityFrame(result);
console.log('mean per-bar return', equity['return'].mean().toExponential(3), '· best trade', trades['netPnl'].max());
"""),
    md(r"""## Tearsheet
Saving the run writes `result.json` plus Parquet series; the tearsheet is a self-contained HTML file."""),
    code(r"""
// Where this notebook writes (reports/); the test run points it at a temporary folder.
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const dir = await ls.writeRunResult(result, `${WORK}/reports`);
const html = await ls.writeTearsheet(dir);
console.log('report:', html);
"""),
    md(r"""## Charts inline
The tearsheet's plotly figures, drawn in the notebook (plotly.js is inlined once per kernel session, no network)."""),
    code(r"""
const run = await ls.reportRunOf(await ls.readRun(dir));
for (const f of ls.tearsheetFigures(run).slice(0, 2)) tslab.display.html(ls.figureHtml(f));
"""),
])


notebook("02-research-to-walkforward", [
    md(r"""# From an idea to a decision: optimization, walk-forward, overfitting checks

**Idea.** BTC trends on the minute scale: go long when a fast moving average of 1-minute
closes crosses above a slow one, leave when it crosses back (`ma-cross`). We test it on one
month of bundled BTC perpetual 1-minute bars (45k bars) with a 4 bp taker fee, search its
two parameters with a grid and with Bayesian optimization (Optuna TPE), check the chosen
parameters out of sample with a walk-forward analysis, and deflate the Sharpe ratio for the
number of trials we looked at before deciding."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const DATA = '../data/sample/btc-perp-1m.parquet';
const config = {
  strategy: 'ma-cross', cash: 100_000, commission: { type: 'rate' as const, rate: 0.0004 },
  data: [{ file: DATA, instrument: { symbol: 'BTC-PERP', lotSize: 0.001 } }],
};
const show = (html: string) => tslab.display.html(html);
"""),
    md(r"""## Baseline: the default parameters"""),
    code(r"""
const base = await ls.runBacktest({ ...config, params: { fast: 10, slow: 30, size: 1 } });
console.log(`fast 10 / slow 30: ${base.trades.length} trades, final value ${base.finalValue.toFixed(2)}`);
show(ls.metricsHtml(base.metrics as unknown as Record<string, number>));
"""),
    md(r"""## Grid search
Every (fast, slow) pair on a coarse grid, in worker threads over bars loaded once into shared memory. Progress prints every 10%."""),
    code(r"""
const space = {
  params: { fast: { type: 'int' as const, low: 5, high: 45, step: 5 }, slow: { type: 'int' as const, low: 20, high: 200, step: 20 } },
  constraints: [{ name: 'fast < slow', check: (p: Record<string, unknown>) => Number(p.fast) < Number(p.slow) }],
};
const grid = await ls.optimizeStrategy({ config: { ...config, params: { size: 1 } }, space: space, sampler: 'grid', objective: 'sharpe', onProgress: ls.progressLines('grid') });
const gridBest = grid.best!;
console.log(`best of ${grid.trials.length}: ${JSON.stringify(gridBest.params)} Sharpe ${gridBest.values[0].toFixed(2)}, PBO (CSCV) ${(grid.overfitting!.pbo * 100).toFixed(0)}%`);
const figs = ls.optimizationFigures({ title: 'grid', sampler: grid.sampler, objectives: grid.objectives, paramNames: ['fast', 'slow'], trials: grid.trials, bestNumber: gridBest.number, pbo: grid.overfitting?.pbo ?? null, seconds: grid.seconds });
for (const f of figs.slice(0, 2)) show(ls.figureHtml(f));
"""),
    md(r"""## Bayesian optimization (Optuna TPE)
The same space searched by TPE in a child Python process; 40 trials."""),
    code(r"""
const tpe = await ls.optimizeStrategy({ config: { ...config, params: { size: 1 } }, space: { params: { fast: { type: 'int' as const, low: 2, high: 50 }, slow: { type: 'int' as const, low: 10, high: 200 } }, constraints: space.constraints }, sampler: 'tpe', trials: 40, seed: 7, objective: 'sharpe', onProgress: ls.progressLines('tpe') });
console.log(`TPE best: ${JSON.stringify(tpe.best!.params)} Sharpe ${tpe.best!.values[0].toFixed(2)} (grid: ${gridBest.values[0].toFixed(2)})`);
show(ls.tableHtml(tpe.trials.filter((t) => t.state === 'complete').sort((a, b) => b.values[0] - a.values[0]).slice(0, 8).map((t) => ({ trial: t.number, ...t.params, sharpe: t.values[0], finalValue: t.finalValue }))));
"""),
    md(r"""## Walk-forward
Optimize on 7 days, trade the best parameters on the next 2 days, roll forward; the test windows chain into one out-of-sample equity curve."""),
    code(r"""
const wf = await ls.walkForwardStrategy({ config: { ...config, params: { size: 1 } }, space: space, sampler: 'grid', objective: 'sharpe', train: '7d', test: '2d', onProgress: ls.progressLines('walk-forward') });
const folds = wf.folds.map((f) => ls.reportFold(f, wf.ts, 'sharpe'));
for (const f of ls.walkForwardFigures({ folds: folds, stitched: wf.stitched, metricName: 'sharpe' })) show(ls.figureHtml(f));
console.log(`walk-forward efficiency ${wf.efficiency.toFixed(2)}; OOS return ${((wf.oosSummary?.totalReturn ?? NaN) * 100).toFixed(2)}%; PBO ${wf.overfitting ? (wf.overfitting.pbo * 100).toFixed(0) + '%' : 'n/a'}`);
"""),
    md(r"""## Deflated Sharpe ratio
We looked at every grid and TPE trial before picking the best, so its Sharpe ratio is the
maximum of many noisy estimates. The deflated Sharpe ratio (Bailey & López de Prado) is the
probability that the true Sharpe exceeds what the best of N trials would show by luck."""),
    code(r"""
const best = await ls.runBacktest({ ...config, params: { ...gridBest.params, size: 1 } });
const returns = ls.simpleReturns(best.equity.equity);
const perYear = 365 * 24 * 60; // 1-minute bars, trading around the clock
const sharpes = [...grid.trials, ...tpe.trials].filter((t) => t.state === 'complete').map((t) => t.values[0] / Math.sqrt(perYear));
const mean = sharpes.reduce((a, b) => a + b, 0) / sharpes.length;
const variance = sharpes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sharpes.length - 1);
const dsr = ls.deflatedSharpeRatio(returns, sharpes.length, variance);
const psr = ls.probabilisticSharpeRatio(returns);
console.log(`trials ${sharpes.length}; PSR ${psr.toFixed(3)}; expected max Sharpe by luck ${(ls.expectedMaxSharpe(sharpes.length, variance) * Math.sqrt(perYear)).toFixed(2)} (annualized); DSR ${dsr.toFixed(3)}`);
"""),
    md(r"""## Robustness: Monte Carlo and the returns' structure
How much of the result is the luck of the order of the trades, or of this particular
path? 1,000 seeded resamplings each: the trades in shuffled order (same final equity, other
drawdowns) and the 1-minute returns by moving-block bootstrap (blocks of an hour). Then the
returns themselves: Ljung–Box (is there autocorrelation left to exploit?) and the Hurst
exponent (0.5: no memory)."""),
    code(r"""
const mcTrades = ls.shuffleTrades(best.trades.map((t) => t.netPnl), best.initialCash, { runs: 1000, seed: 1 });
const mcReturns = ls.blockBootstrap(returns, best.initialCash, { runs: 1000, seed: 1, blockLength: 60 });
const row = (name: string, m: ls.MonteCarloSummary) => ({
  method: name, 'final equity p5': m.finalEquity.p5, 'final equity p50': m.finalEquity.p50, 'max drawdown p50': m.maxDrawdown.p50,
  'max drawdown p95': m.maxDrawdown.p95, 'P(ruin at 50%)': m.ruinProbability,
});
show(ls.tableHtml([row('trades shuffled', mcTrades), row('returns block-bootstrapped', mcReturns)]));
show(ls.figureHtml(ls.monteCarloFigure(mcReturns)));
const lb = ls.ljungBox(returns, 20);
console.log(`Ljung-Box(20) Q ${lb.statistic.toFixed(1)}, p ${lb.pValue.toExponential(2)}; Hurst exponent of the returns ${ls.hurstExponent(returns).toFixed(3)}`);
"""),
    md(r"""## Decision
Deploy only if the edge survives every check: out-of-sample return positive, deflated Sharpe ≥ 0.95, overfitting probability below 50%, and a bad-luck (95th percentile) Monte Carlo drawdown under 20%."""),
    code(r"""
const checks = {
  'out-of-sample return > 0': (wf.oosSummary?.totalReturn ?? -1) > 0,
  'deflated Sharpe ≥ 0.95': dsr >= 0.95,
  'PBO (walk-forward CSCV) < 50%': (wf.overfitting?.pbo ?? 1) < 0.5,
  'Monte Carlo max drawdown p95 < 20%': mcReturns.maxDrawdown.p95 < 0.2,
};
show(ls.tableHtml(Object.entries(checks).map(([check, pass]) => ({ check, result: pass ? 'pass' : 'FAIL' }))));
console.log(Object.values(checks).every(Boolean) ? 'DECISION: proceed to paper trading' : 'DECISION: reject — the edge does not survive the overfitting checks');
"""),
])


notebook("03-market-making", [
    md(r"""# Market making on L2 data: Avellaneda–Stoikov, parameters, queue models

We replay a synthetic L2 book with trades (Poisson order flow, cancellations, sweeps —
`lockstep data synth`), look at the Avellaneda–Stoikov quote math, backtest the
`avellaneda-stoikov` strategy with different risk aversions and both horizons, and compare
the two queue models of the simulated venue."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
// Where this notebook writes (data/, reports/); the test run points it at a temporary folder.
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const show = (html: string) => tslab.display.html(html);
const L2 = `${WORK}/data/synth/nb-l2`;
const written = await ls.writeSynthL2(L2, { events: 400_000, seed: 11 });
console.log(`${written.deltas.toLocaleString()} book deltas and ${written.trades.toLocaleString()} trades in ${L2}`);
"""),
    md(r"""## The quote math
Reservation price `r = s − q·γ·σ²·(T−t)` and spread `δ = γσ²(T−t) + (2/γ)·ln(1 + γ/κ)`.
With σ² = 0.025 price²/s (the synthetic market's), κ = 50 per price unit and 30 s to the
horizon, the quotes move against the inventory q (in lots) — more so for a larger γ."""),
    code(r"""
const s = 100, sigma2 = 0.025, kappa = 50, tau = 30;
const qs = Array.from({ length: 21 }, (_, i) => i - 10);
const traces: Record<string, unknown>[] = [];
for (const gamma of [0.05, 0.1, 0.5]) {
  const half = (gamma * sigma2 * tau + (2 / gamma) * Math.log(1 + gamma / kappa)) / 2;
  const r = qs.map((q) => s - q * gamma * sigma2 * tau);
  traces.push({ type: 'scatter', mode: 'lines', name: `bid γ=${gamma}`, x: qs, y: r.map((x) => x - half) });
  traces.push({ type: 'scatter', mode: 'lines', name: `ask γ=${gamma}`, x: qs, y: r.map((x) => x + half), line: { dash: 'dot' } });
}
show(ls.figureHtml({ title: 'Quotes vs inventory', data: traces, layout: { xaxis: { title: { text: 'inventory q (lots)' } }, yaxis: { title: { text: 'price' } } } }));
"""),
    md(r"""## Backtests: risk aversion and horizon
Probabilistic queue, 300 µs order latency each way, 1 bp maker rebate and 5 bp taker fee."""),
    code(r"""
const base = {
  strategy: 'avellaneda-stoikov', cash: 1_000_000, queue: 'probabilistic' as const,
  latency: { entryMicros: 300, responseMicros: 300 }, commission: { type: 'maker-taker' as const, maker: -0.0001, taker: 0.0005 },
  data: [{ file: L2, instrument: { symbol: 'SYN', lotSize: 0.001 } }],
};
const rows: Record<string, unknown>[] = [];
const runs: Record<string, ls.RunResult> = {};
for (const horizon of ['finite', 'infinite']) {
  for (const gamma of [0.05, 0.1, 0.5]) {
    const r = await ls.runBacktest({ ...base, params: { gamma: gamma, horizon: horizon, levels: 2, maxPosition: 1 } });
    runs[`${horizon} γ=${gamma}`] = r;
    const pos = r.fills.reduce((p, f) => p + (f.side === 'buy' ? f.qty : -f.qty), 0);
    rows.push({ horizon: horizon, gamma: gamma, orders: r.orders.length, fills: r.fills.length, pnl: r.finalValue - 1_000_000, fees: r.fills.reduce((a, f) => a + f.fee, 0), finalInventory: pos, maxDrawdown: r.metrics.maxDrawdown });
  }
}
show(ls.tableHtml(rows));
"""),
    md(r"""## Inventory over time
A larger γ skews the quotes harder against the position, so inventory mean-reverts faster."""),
    code(r"""
const inv = (r: ls.RunResult) => {
  let p = 0;
  const x: number[] = [], y: number[] = [];
  for (const f of r.fills) { p += f.side === 'buy' ? f.qty : -f.qty; x.push(f.ts / 1000); y.push(p); }
  return { x: x, y: y };
};
show(ls.figureHtml({ title: 'Inventory (finite horizon)', data: ['finite γ=0.05', 'finite γ=0.5'].map((k) => ({ type: 'scatter', mode: 'lines', line: { shape: 'hv' }, name: k, ...inv(runs[k]) })), layout: { xaxis: { type: 'date' } } }));
"""),
    md(r"""## Queue models
Risk-averse: a resting quote fills only when trades go through its price or the queue ahead
is consumed. Probabilistic (hftbacktest's power model): cancellations ahead of us also move
us forward with probability ahead³ / (ahead³ + behind³). How far fills, rebates and P&L move
between the two is the queue-model risk of a market-making backtest: check it before trusting
either number."""),
    code(r"""
const cmp: Record<string, unknown>[] = [];
for (const queue of ['risk-averse', 'probabilistic'] as const) {
  const r = await ls.runBacktest({ ...base, queue: queue, params: { gamma: 0.1, levels: 2 } });
  const volume = r.fills.reduce((a, f) => a + f.qty, 0);
  cmp.push({ queue: queue, fills: r.fills.length, volume: volume, rebates: -r.fills.reduce((a, f) => a + Math.min(0, f.fee), 0), pnl: r.finalValue - 1_000_000 });
}
show(ls.tableHtml(cmp));
"""),
])


notebook("04-ml-signal", [
    md(r"""# An ML signal: features → training → ONNX → backtest

One feature module (`BarFeatures`) computes the features for the dataset and, unchanged,
inside the `onnx-signal` strategy. We build a dataset from one month of BTC 1-minute
bars, train a logistic regression with purged, embargoed cross-validation in Debian's
Python, export it to ONNX, and backtest it on the week it never saw."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const show = (html: string) => tslab.display.html(html);
const BARS = '../data/sample/btc-perp-1m.parquet';
const SPLIT = '2022-01-24';
"""),
    md(r"""## Dataset
Features of every bar with a full window, label = forward 15-bar log return > 0; bars before the split only."""),
    code(r"""
// Where this notebook writes (data/, reports/); the test run points it at a temporary folder.
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const ds = await ls.buildBarDataset(await ls.openBars(BARS, { to: ls.parseDateTime(SPLIT) }), 15);
await (await import('node:fs/promises')).mkdir(`${WORK}/data/ml`, { recursive: true });
await ls.writeDataset(`${WORK}/data/ml/nb-train.parquet`, ds);
console.log(`${ds.rows} rows × ${ds.features.length} features, ${ds.meta.from} … ${ds.meta.to}`);
show(ls.tableHtml(Array.from({ length: 5 }, (_, i) => Object.fromEntries([['ts', ls.isoFromMicros(ds.ts[i])], ...ds.features.map((f, k) => [f, ds.columns[k][i]]), ['label', ds.label[i]]]))));
// Correlation of each feature with the forward return: a first look at what the model can use.
const corr = (a: Float64Array, b: Float64Array) => {
  const n = a.length; let ma = 0, mb = 0; for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; } ma /= n; mb /= n;
  let c = 0, va = 0, vb = 0; for (let i = 0; i < n; i++) { c += (a[i] - ma) * (b[i] - mb); va += (a[i] - ma) ** 2; vb += (b[i] - mb) ** 2; }
  return c / Math.sqrt(va * vb);
};
show(ls.figureHtml({ title: 'Correlation with the forward return', data: [{ type: 'bar', x: ds.features, y: ds.columns.map((c) => corr(c, ds.fwdRet)) }] }, 300));
"""),
    md(r"""## Training
`models/train_signal.py` (scikit-learn, python3-onnx): 5 purged folds with a 60-row embargo, then a fit on all rows and the ONNX export with its model card."""),
    code(r"""
const out = `${WORK}/reports/nb-models/btc-1m-nb`;
await (await import('node:fs/promises')).mkdir(`${WORK}/reports/nb-models`, { recursive: true });
const trained = await ls.trainModel({ dataset: `${WORK}/data/ml/nb-train.parquet`, out: out, script: '../models/train_signal.py' });
const card = JSON.parse((await import('node:fs')).readFileSync(out + '.json', 'utf8')) as ls.ModelCard;
show(ls.tableHtml(card.cv.scores));
console.log('mean CV', JSON.stringify(trained.cv));
"""),
    md(r"""## Inference
The ONNX file through onnxruntime-node, synchronously; it must give the probabilities scikit-learn gave at training time, and match the committed model."""),
    code(r"""
const model = ls.SignalModel.load(out + '.onnx', ls.BAR_FEATURES);
const committed = ls.SignalModel.load('../models/btc-1m-logreg.onnx', ls.BAR_FEATURES);
show(ls.tableHtml(card.check.inputs.map((x, i) => ({ row: i, sklearn: card.check.probability[i], onnx: model.predict(x), committed: committed.predict(x) }))));
const t0 = performance.now();
const batch = model.predictBatch(ds.columns.length ? Float64Array.from({ length: ds.rows * 9 }, (_, j) => ds.columns[j % 9][Math.floor(j / 9)]) : new Float64Array(), ds.rows);
console.log(`${ds.rows} predictions in ${(performance.now() - t0).toFixed(1)} ms; mean p = ${(batch.reduce((a, b) => a + b, 0) / ds.rows).toFixed(3)}`);
"""),
    md(r"""## Backtest in and out of sample
The `onnx-signal` strategy with the new model: long above p = 0.53, flat below 0.47, 4 bp fees."""),
    code(r"""
const run = (from?: string, to?: string) => ls.runBacktest({
  strategy: 'onnx-signal', params: { model: out + '.onnx', size: 0.2 }, cash: 100_000, commission: { type: 'rate' as const, rate: 0.0004 },
  ...(from ? { from: from } : {}), ...(to ? { to: to } : {}), data: [{ file: BARS, instrument: { symbol: 'BTC-PERP', lotSize: 0.001 } }],
});
const inSample = await run(undefined, SPLIT);
const outOfSample = await run(SPLIT);
show(ls.tableHtml([['in sample', inSample], ['out of sample', outOfSample]].map(([name, r]) => ({ window: name, trades: (r as ls.RunResult).trades.length, totalReturn: (r as ls.RunResult).metrics.totalReturn, sharpe: (r as ls.RunResult).metrics.sharpe, maxDrawdown: (r as ls.RunResult).metrics.maxDrawdown }))));
const eq = outOfSample.equity;
show(ls.figureHtml({ title: 'Out-of-sample equity', data: [{ type: 'scatter', mode: 'lines', x: Array.from(eq.ts, (t) => t / 1000), y: eq.equity }], layout: { xaxis: { type: 'date' } } }));
"""),
])


notebook("05-go-live", [
    md(r"""# Going live: the same strategy in backtest, paper and live mode

A loopback exchange speaking Binance's spot API runs in this kernel on 127.0.0.1 with a
synthetic market. We backtest `grid-mm`, run it in paper mode against the loopback's live
book through ccxt, replay the recorded session for a parity report, and finally send real
orders to the loopback in live mode. One session config serves all three: its `mode` picks
the market (data files or the venue's streams) and where orders go; the strategy, params,
fees, risk limits, kill-switch policy and off-grid policy never change."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const show = (html: string) => tslab.display.html(html);
const params = { size: 0.01, maxPosition: 0.05, offset: 2, spacing: 3, requote: 3 };
"""),
    md(r"""## 1. Backtest on recorded-style data"""),
    code(r"""
// Where this notebook writes (data/, reports/); the test run points it at a temporary folder.
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const L2 = `${WORK}/data/synth/nb-live`;
await ls.writeSynthL2(L2, { events: 200_000, seed: 5 });
// One config for every mode: data for the backtest, venue for paper and live, the same risk limits everywhere.
const config: ls.SessionConfigInput = {
  strategy: 'grid-mm', params: params, cash: 100_000, queue: 'probabilistic', commission: { type: 'maker-taker', maker: 0, taker: 0.001 },
  risk: { maxPosition: 0.06, maxOrderQty: 0.05, priceBandBps: 200 }, onKill: 'flatten', offGrid: 'round',
  data: [{ file: L2, instrument: { symbol: 'BTCUSDT', lotSize: 0.001 } }],
};
const bt = await ls.runBacktest({ ...config, mode: 'backtest' });
console.log(`backtest: ${bt.orders.length} orders, ${bt.fills.length} fills, final value ${bt.finalValue.toFixed(2)}, refused ${bt.rejections.total}`);
"""),
    md(r"""## 1b. One order lifecycle in every mode
Every order a strategy sends goes through the same lifecycle — `submitted`, `accepted`, `triggered`, `pending-update` → `updated`, `pending-cancel` → `cancelled` (or `cancel-rejected` when a fill got there first), `partially-filled`, `filled`, `expired` — reported to `onOrder` in the same order in a backtest, on paper and live; only the timing differs. Here `trailing-breakout` (a bracket per breakout, the stop trailed with `replace`) runs on the same data with 300 µs of order latency each way; the table shows the lifecycle of its first bracket."""),
    code(r"""
const breakout = await ls.loadStrategy('trailing-breakout');
const lifecycle: Record<string, unknown>[] = [];
const traced = { ...breakout, create: (p: any) => ({ ...breakout.create(p), onOrder: (e: ls.OrderEvent) => {
  if (String(e.order.tag).startsWith('breakout') && lifecycle.length < 16) lifecycle.push({ time: ls.isoFromMicros(e.ts), order: e.order.tag, event: e.kind, status: e.status, stop: e.order.stopPrice, reason: e.reason ?? '' });
} }) };
const bo = await ls.runBacktest({ strategy: 'trailing-breakout', params: { lookback: 200, size: 0.01, stopTicks: 40, targetTicks: 120, trailTicks: 30 }, cash: 100_000, latency: { entryMicros: 300, responseMicros: 300 }, data: [{ file: L2, instrument: { symbol: 'BTCUSDT', lotSize: 0.001 } }] }, { strategy: traced });
console.log(`trailing-breakout: ${bo.orders.length} orders, ${bo.trades.length} round trips`);
show(ls.tableHtml(lifecycle));
"""),
    md(r"""## 2. A loopback exchange
API keys are checked (HMAC-SHA256 signatures) like Binance's; in real use keys come from the environment or a file outside the repository."""),
    code(r"""
const venue = await ls.startLoopbackVenue({ events: 300_000, seed: 5, keys: { 'demo-key': 'demo-secret' }, balances: { USDT: 100_000, BTC: 1 } });
console.log('loopback exchange at', venue.url);
"""),
    md(r"""## 3. Paper mode
Market data from the exchange's websocket streams through ccxt.pro; orders fill in the simulated venue against that live book. The session records market data, orders and fills."""),
    code(r"""
const venueOf = { exchange: 'binance', symbol: 'BTC/USDT', url: venue.url };
const paper = await ls.runLive({ ...config, mode: 'paper', venue: venueOf, session: { maxSeconds: 4, record: `${WORK}/reports/nb-paper` } });
console.log(`paper: ${paper.events} events, ${paper.orders.length} orders, ${paper.fills.length} fills, position ${paper.positions[0].qty}`);
show(ls.tableHtml([{ ...paper.live.tickToTrade }]));
const fills = paper.fills as ls.Fill[];
show(ls.figureHtml({ title: 'Paper fills', data: (['buy', 'sell'] as const).map((side) => ({ type: 'scatter', mode: 'markers', name: side, x: fills.filter((f) => f.side === side).map((f) => f.ts / 1000), y: fills.filter((f) => f.side === side).map((f) => f.price) })), layout: { xaxis: { type: 'date' } } }, 300));
"""),
    md(r"""## 4. Parity: replay the recording through the backtester"""),
    code(r"""
const parity = await ls.replaySession(paper.live.record!);
console.log(`orders: session ${parity.liveOrders}, replay ${parity.replayOrders}, identical decisions ${parity.matchedOrders}; differences ${parity.differences.length}, unexplained ${parity.unexplained}`);
"""),
    md(r"""## 5. Live mode
The same config with `mode: 'live'` sends real (loopback) orders: start-up reconciliation adopts balances and open orders, client order ids are unique per session, open orders are cancelled at the end. Credentials are passed in code here; the CLI reads them from the environment or a keys file and never prints or records them."""),
    code(r"""
const live = await ls.runLive({ ...config, mode: 'live', params: { ...params, offset: 20 }, venue: venueOf, session: { maxSeconds: 3, record: `${WORK}/reports/nb-live` } }, { credentials: { apiKey: 'demo-key', secret: 'demo-secret' } });
console.log(`live: ${live.orders.length} orders sent, ${live.fills.length} fills, still resting at the exchange: ${venue.exchange.clientOrderIds(true).length}, kill switch: ${live.killSwitch?.reason ?? 'not tripped'}`);
await venue.close();
"""),
])


notebook("06-data-catalog", [
    md(r"""# Data: download from an exchange, ask the catalog in SQL

A loopback exchange in this kernel serves recorded history (one month of BTC perpetual
1-minute bars and a minute of Binance trades and quotes) over Binance's REST history
endpoints. We download bars, funding and trades through ccxt into the catalog — the same
call `lockstep data download` makes — then ask the catalog questions in SQL with DuckDB,
embedded: which days of BTC-PERPETUAL data we have and with what gaps, and the mean spread by
hour. Answers come back as row objects, Apache Arrow tables or danfojs DataFrames."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const show = (html: string) => tslab.display.html(html);
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const SHARED = '../../shared/data/crypto';
const CATALOG = `${WORK}/data/nb-catalog`;
"""),
    md(r"""## 1. A venue with recorded history, and a download
The loopback drops 3½ hours of bars on 6 January 2022 (an outage): the download records that window as the venue's gap instead of filling it."""),
    code(r"""
const full = await ls.loadHistoryArchive({ bars: `${SHARED}/btc-perp-20211231-20220201_1m.csv`, trades: `${SHARED}/binance-btcusdt-trades.parquet` });
const outage = [Date.parse('2022-01-06T10:00:00Z'), Date.parse('2022-01-06T13:30:00Z')];
const bars = full.bars.filter((c) => c.t < outage[0] || c.t >= outage[1]);
const venue = await ls.startLoopbackVenue({ events: 1000, history: { ...full, bars: bars, mark: bars } });
const ex = await ls.connectHistoryExchange('binance', { url: venue.url });
const catalog = new ls.Catalog(CATALOG);
for (const [kind, from, to] of [['bars-1m', '2022-01-03', '2022-01-10'], ['funding', '2022-01-03', '2022-01-10'], ['trades', '2021-01-08', '2021-01-09']] as const) {
  const r = await ls.downloadHistory(ex, { catalog: catalog, venue: 'binance', symbol: 'BTC-PERPETUAL', market: 'BTC/USDT:USDT', kind: kind, from: Date.parse(from), to: Date.parse(to) });
  console.log(`${kind}: ${r.rows} rows, ${r.gaps.length} gap(s) the venue reported`);
}
await venue.close();
"""),
    md(r"""## 2. Which days of BTC-PERPETUAL data do I have, with what gaps?"""),
    code(r"""
const sql = await ls.CatalogSql.open(CATALOG);
const days = await sql.rows(`
  SELECT date, count(*) AS bars, min(make_timestamp(timestamp)) AS first, max(make_timestamp(timestamp)) AS last
  FROM bars WHERE symbol = 'BTC-PERPETUAL' GROUP BY date ORDER BY date`);
show(ls.tableHtml(days.map((d) => ({ ...d, first: (d.first as Date).toISOString(), last: (d.last as Date).toISOString() }))));
const gaps = await sql.rows(`
  SELECT make_timestamp(timestamp + 60000000) AS gap_from, make_timestamp(nxt) AS gap_to, (nxt - timestamp) / 60000000 - 1 AS missing_bars
  FROM (SELECT timestamp, lead(timestamp) OVER (ORDER BY timestamp) AS nxt FROM bars WHERE symbol = 'BTC-PERPETUAL')
  WHERE nxt - timestamp > 60000000`);
console.log(gaps.map((g) => `gap ${(g.gap_from as Date).toISOString()} … ${(g.gap_to as Date).toISOString()}: ${g.missing_bars} bars`).join('\n'));
console.log('recorded by the download as the venue\'s:', JSON.stringify(await sql.rows('SELECT kind, make_timestamp(gap_from) AS from_, make_timestamp(gap_to) AS to_ FROM gaps')));
sql.close();
"""),
    md(r"""## 3. Mean spread by hour
The Binance quote sample is imported next to the download; the answer is an Apache Arrow table, then a danfojs DataFrame."""),
    code(r"""
await catalog.write('binance', 'BTCUSDT', [await ls.readBinanceParquet(`${SHARED}/binance-btcusdt-quotes.parquet`)]);
const bySql = await catalog.sqlTable(`
  SELECT hour(make_timestamp(ts_local)) AS hour, avg(ask_price - bid_price) AS mean_spread, count(*) AS quotes
  FROM quotes GROUP BY 1 ORDER BY 1`);
console.log(bySql.toArray().map((r) => JSON.stringify(r.toJSON())).join('\n'));
const frame = await ls.rowsFrame(await catalog.sql('SELECT date, count(*) AS funding_events, avg(rate) AS mean_rate FROM funding GROUP BY date ORDER BY date'));
show(ls.dataFrameHtml(frame));
"""),
    md(r"""## 4. Is the catalog sound?
`verify` checks every stream against its own files: sidecars, order within and across parts, duplicates, gaps not recorded as the venue's, holes between downloaded windows, uncommitted parts."""),
    code(r"""
const v = await ls.verifyCatalog(CATALOG);
for (const s of v.streams) console.log(`${s.stream}: ${s.rows} rows, ${s.missingBars} missing bars, ${s.recordedGaps} recorded gap(s)`);
console.log(v.findings.length === 0 ? 'no findings' : v.findings.map((f) => `${f.level}: ${f.stream}: ${f.message}`).join('\n'));
"""),
])


notebook("07-portfolio", [
    md(r"""# Two strategies, one account: a portfolio backtest

A trend follower sized by volatility on ORCL and an RSI mean-reversion on NVDA, each
researched alone, now share one brokerage account. `portfolio.sleeves` gives each strategy
its instruments and a share of the cash (its *sleeve*); each sees only its own orders,
positions and capital, while the account's one order flow, risk checks and cash apply to
both. We check that the portfolio is exactly the two single runs added up when they do
not compete for cash, see what changes when they do, and look at the sleeves side by side."""),
    code(r"""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const SHARED = '../../shared/data/backtrader';
const feeds = [
  { file: `${SHARED}/orcl-1995-2014.txt`, instrument: { symbol: 'ORCL' } },
  { file: `${SHARED}/nvda-1999-2014.txt`, instrument: { symbol: 'NVDA' } },
];
// maxLeverage 0.9: the trend sleeve keeps a tenth of its capital in cash, so an opening gap does not make it short of cash.
const trend = { name: 'orcl-trend', strategy: 'vol-target-trend', params: { period: 50, targetVol: 0.15, maxLeverage: 0.9 }, instruments: ['ORCL'], weight: 0.5 };
const swing = { name: 'nvda-swing', strategy: 'rsi-reversion', params: { size: 2000 }, instruments: ['NVDA'], weight: 0.5 };
const from = '2000-01-03';
const show = (html: string) => tslab.display.html(html);
"""),
    md(r"""## The sum of its parts
With 100,000 each the strategies never need the other's cash, so the portfolio must be
the two single runs added up — same fills, and an account equal to the sum at every bar."""),
    code(r"""
const [pf, alone1, alone2] = await Promise.all([
  ls.runBacktest({ cash: 200_000, from: from, data: feeds, portfolio: { sleeves: [trend, swing] } }),
  ls.runBacktest({ cash: 100_000, from: from, strategy: trend.strategy, params: trend.params, data: [feeds[0]] }),
  ls.runBacktest({ cash: 100_000, from: from, strategy: swing.strategy, params: swing.params, data: [feeds[1]] }),
]);
const at = (r: ls.RunResult, t: number) => { let v = r.initialCash; for (let i = 0; i < r.equity.ts.length && r.equity.ts[i] <= t; i++) v = r.equity.equity[i]; return v; };
let worst = 0;
pf.equity.ts.forEach((t, i) => { worst = Math.max(worst, Math.abs(pf.equity.equity[i] - at(alone1, t) - at(alone2, t))); });
console.log(`fills: portfolio ${pf.fills.length}, alone ${alone1.fills.length} + ${alone2.fills.length}; refused: ${pf.rejections.total} in the portfolio, ${alone1.rejections.total} + ${alone2.rejections.total} alone`);
console.log(`final value ${pf.finalValue.toFixed(2)} = ${alone1.finalValue.toFixed(2)} + ${alone2.finalValue.toFixed(2)}; largest gap over ${pf.equity.ts.length} bars: ${worst.toExponential(1)}`);
show(ls.tableHtml(pf.portfolio!.sleeves.map((s) => ({ sleeve: s.name, strategy: s.strategy.name, capital: s.capital, final: s.finalValue, return: s.metrics.totalReturn, sharpe: s.metrics.sharpe, maxDrawdown: s.metrics.maxDrawdown, trades: s.metrics.trades }))));
"""),
    md(r"""## When the cash binds
Give the same two strategies a smaller account, and the swing sleeve a fixed 5,000 shares:
5,000 NVDA shares cost more than the swing sleeve's 40,000 at times. In one account it
uses whatever cash is idle — the trend sleeve's included — and the trend sleeve then finds
the cash gone when it wants to enter: crowding out, which neither run alone shows."""),
    code(r"""
const big = { ...swing, params: { size: 5000 } };
const [tight, trendAlone, swingAlone] = await Promise.all([
  ls.runBacktest({ cash: 80_000, from: from, data: feeds, portfolio: { sleeves: [trend, big] } }),
  ls.runBacktest({ cash: 40_000, from: from, strategy: trend.strategy, params: trend.params, data: [feeds[0]] }),
  ls.runBacktest({ cash: 40_000, from: from, strategy: big.strategy, params: big.params, data: [feeds[1]] }),
]);
const refused = (r: ls.RunResult, id: string) => r.orders.filter((o) => o.instrumentId === id && o.reason === 'insufficient-cash').length;
const filledBuys = (r: ls.RunResult, id: string) => r.fills.filter((f) => f.instrumentId === id && f.side === 'buy').length;
show(ls.tableHtml([
  { sleeve: 'orcl-trend', entriesShared: filledBuys(tight, 'ORCL.SIM'), entriesAlone: filledBuys(trendAlone, 'ORCL.SIM'), refusedShared: refused(tight, 'ORCL.SIM'), refusedAlone: refused(trendAlone, 'ORCL.SIM') },
  { sleeve: 'nvda-swing', entriesShared: filledBuys(tight, 'NVDA.SIM'), entriesAlone: filledBuys(swingAlone, 'NVDA.SIM'), refusedShared: refused(tight, 'NVDA.SIM'), refusedAlone: refused(swingAlone, 'NVDA.SIM') },
]));
console.log(`final value: shared ${tight.finalValue.toFixed(0)}, the two alone ${(trendAlone.finalValue + swingAlone.finalValue).toFixed(0)}`);
"""),
    md(r"""## Rebalancing the sleeves, a third strategy, and the tearsheet
A third sleeve holds YHOO at 95 % of its capital (`target-weights`, rebalanced monthly);
10 % of the cash stays unallocated. Every quarter the sleeves' capital is brought back to
their weights — cash moves between the sleeves' books, nothing is traded, and each sleeve's
returns are time-weighted so the moves do not count as performance."""),
    code(r"""
const three = await ls.runBacktest({
  cash: 300_000, from: from, data: [...feeds, { file: `${SHARED}/yhoo-1996-2014.txt`, instrument: { symbol: 'YHOO' } }],
  portfolio: { rebalance: 'quarterly', sleeves: [
    { ...trend, weight: 0.3 }, { ...swing, weight: 0.3 },
    { name: 'yhoo-hold', strategy: 'target-weights', params: { weights: { YHOO: 0.95 } }, instruments: ['YHOO'], weight: 0.3 },
  ] },
});
const p3 = three.portfolio!;
console.log(`${p3.rebalances.length} quarterly capital moves; unallocated ${p3.unallocated.toFixed(0)}`);
show(ls.tableHtml(p3.sleeves.map((s) => ({ sleeve: s.name, capital: s.capital, final: s.finalValue, movedIn: s.netTransfers, twr: s.metrics.totalReturn, sharpe: s.metrics.sharpe }))));
show(ls.tableHtml(p3.correlation.map((row, i) => ({ sleeve: p3.sleeves[i].name, ...Object.fromEntries(row.map((v, j) => [p3.sleeves[j].name, v])) }))));
const WORK = process.env.LOCKSTEP_NB_WORK ?? '..';
const dir = await ls.writeRunResult(three, `${WORK}/reports`);
console.log('report:', await ls.writeTearsheet(dir));
const run = await ls.reportRunOf(await ls.readRun(dir));
for (const f of ls.tearsheetFigures(run).filter((f) => ['fig-sleeves', 'fig-composition', 'fig-correlation'].includes(f.id))) show(ls.figureHtml(f));
"""),
    md(r"""## What to look at
- **Sum check first**: a portfolio whose non-interacting version is not the sum of its
  parts has a wiring problem, not a diversification benefit.
- **Correlation of sleeve returns** near zero is what makes the combination's drawdown
  smaller than its parts'; compare the account's max drawdown with each sleeve's.
- **Cash binding** changes results: a fixed-size strategy in a shared account trades more
  often than alone. Size sleeves off `ctx.portfolio.equity()` (their own capital —
  `fixedFractionQty`, `volatilityTargetQty`) so each stays within its allocation."""),
    code(r"""
const dd = (r: ls.RunResult) => (r.metrics.maxDrawdown * 100).toFixed(1);
console.log(`max drawdown: account ${dd(three)}%, sleeves ${p3.sleeves.map((s) => `${s.name} ${(s.metrics.maxDrawdown * 100).toFixed(1)}%`).join(', ')}`);
"""),
])
