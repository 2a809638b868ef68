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


def md(s): return ("markdown", s)
def code(s): return ("code", s)


notebook("01-quickstart", [
    md("""# Quickstart: bars → backtest → metrics → DataFrames → report

Runs the backtrader quickstart strategy (`sma-cross`) on the bundled daily index data,
looks at the numbers, turns the result into danfojs DataFrames and writes the HTML
tearsheet."""),
    code("""
import * as tslab from 'tslab';
import * as ls from 'lockstep';
const DATA = '../data/sample/2006-day-001.csv';
"""),
    md("## Load bars\nReaders stream validated columnar batches; here we just count them and look at the first bar."),
    code("""
const stream = await ls.openBars(DATA);
let bars = 0, first: number[] = [];
for await (const b of stream.batches) {
  if (bars === 0) first = [b.ts[0], b.open[0], b.high[0], b.low[0], b.close[0]];
  bars += b.length;
}
console.log(`${bars} bars; first ${ls.isoFromMicros(first[0]).slice(0, 10)} O=${first[1]} H=${first[2]} L=${first[3]} C=${first[4]}`);
"""),
    md("## Backtest\nDefaults are backtrader's default broker: cash 10,000, no commission, market orders at the next open."),
    code("""
const result = await ls.runBacktest({
  strategy: 'sma-cross', params: { period: 15 },
  data: [{ file: DATA, instrument: { symbol: 'IDX' } }],
});
console.log(`final value ${result.finalValue.toFixed(2)}, ${result.fills.length} fills, ${result.trades.length} closed trades`);
"""),
    md("## Metrics"),
    code("""
const m = result.metrics;
tslab.display.html(`<table>${Object.entries(m).map(([k, v]) => `<tr><td>${k}</td><td>${Number(v).toFixed(4)}</td></tr>`).join('')}</table>`);
"""),
    md("## DataFrames\nThe result as danfojs DataFrames (and Arrow tables with `equityTable` / `tradesTable`)."),
    code("""
const trades = await ls.tradesFrame(result);
tslab.display.html(ls.dataFrameHtml(trades, 5));
const equity = await ls.equityFrame(result);
console.log('mean per-bar return', equity['return'].mean().toExponential(3), '· best trade', trades['netPnl'].max());
"""),
    md("## Tearsheet\nSaving the run writes `result.json` plus Parquet series; the tearsheet is a self-contained HTML file."),
    code("""
const dir = await ls.writeRunResult(result, '../reports');
const html = await ls.writeTearsheet(dir);
console.log('report:', html);
"""),
])
