import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { asFileError, makeDir, removeStaleTemps, tempSuffix } from '../core/files.ts';
import { join } from 'node:path';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import type { RunResult } from './run-result.ts';

/** JSON with NaN/±Infinity written as null (JSON has no such numbers). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), indent);
}

/** The JSON summary: everything except the long series, which go to Parquet. */
export function resultSummary(r: RunResult): Record<string, unknown> {
  const { equity, orders, fills, trades, ...rest } = r;
  return {
    ...rest,
    counts: { equityPoints: equity.ts.length, orders: orders.length, fills: fills.length, trades: trades.length },
    series: { equity: 'equity.parquet', orders: 'orders.parquet', fills: 'fills.parquet', trades: 'trades.parquet' },
  };
}

/**
 * Writes `result.json` and the Parquet series into `<reportsDir>/<id>/`. Files go to a
 * temporary sibling folder that is renamed into place last, so a crash never leaves a
 * folder that looks like a complete result.
 */
export async function writeRunResult(r: RunResult, reportsDir: string): Promise<string> {
  const final = join(reportsDir, r.id);
  const tmp = `${final}${tempSuffix()}`;
  await makeDir(reportsDir);
  removeStaleTemps(reportsDir); // left by runs that crashed or were killed mid-write
  try {
    await mkdir(tmp);
    await writeRunFiles(r, tmp);
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw asFileError(e, final, 'write the run result to');
  }
  return final;
}

/** The files of a run result, into `tmp`. */
async function writeRunFiles(r: RunResult, tmp: string): Promise<void> {
  const e = r.equity;
  await writeParquetFile(join(tmp, 'equity.parquet'), {
    ts: microsColumn(e.ts), equity: e.equity, cash: e.cash, exposure: e.exposure,
  });
  await writeParquetFile(join(tmp, 'fills.parquet'), {
    seq: Float64Array.from(r.fills, (f) => f.seq), ts: microsColumn(r.fills.map((f) => f.ts)),
    orderId: r.fills.map((f) => f.orderId), instrumentId: r.fills.map((f) => f.instrumentId),
    side: r.fills.map((f) => f.side), price: Float64Array.from(r.fills, (f) => f.price),
    qty: Float64Array.from(r.fills, (f) => f.qty), fee: Float64Array.from(r.fills, (f) => f.fee),
    liquidity: r.fills.map((f) => f.liquidity),
  });
  await writeParquetFile(join(tmp, 'trades.parquet'), {
    instrumentId: r.trades.map((t) => t.instrumentId), side: r.trades.map((t) => t.side),
    qty: Float64Array.from(r.trades, (t) => t.qty), entryTs: microsColumn(r.trades.map((t) => t.entryTs)),
    exitTs: microsColumn(r.trades.map((t) => t.exitTs)), entryPrice: Float64Array.from(r.trades, (t) => t.entryPrice),
    exitPrice: Float64Array.from(r.trades, (t) => t.exitPrice), pnl: Float64Array.from(r.trades, (t) => t.pnl),
    fees: Float64Array.from(r.trades, (t) => t.fees), netPnl: Float64Array.from(r.trades, (t) => t.netPnl),
    returnPct: Float64Array.from(r.trades, (t) => t.returnPct), bars: Float64Array.from(r.trades, (t) => t.bars),
  });
  await writeParquetFile(join(tmp, 'orders.parquet'), {
    id: r.orders.map((o) => o.id), instrumentId: r.orders.map((o) => o.instrumentId), side: r.orders.map((o) => o.side),
    type: r.orders.map((o) => o.type), tif: r.orders.map((o) => o.tif), qty: Float64Array.from(r.orders, (o) => o.qty),
    price: Float64Array.from(r.orders, (o) => o.price), stopPrice: Float64Array.from(r.orders, (o) => o.stopPrice),
    status: r.orders.map((o) => o.status), filledQty: Float64Array.from(r.orders, (o) => o.filledQty),
    avgFillPrice: Float64Array.from(r.orders, (o) => o.avgFillPrice), fees: Float64Array.from(r.orders, (o) => o.fees),
    createdTs: microsColumn(r.orders.map((o) => o.createdTs)), updatedTs: microsColumn(r.orders.map((o) => o.updatedTs)),
    reason: r.orders.map((o) => o.reason ?? ''),
  });
  // Strategy and engine log lines, one JSON object per line (time in µs).
  await writeFile(join(tmp, 'logs.jsonl'), r.logs.map((x) => JSON.stringify(x)).join('\n') + (r.logs.length > 0 ? '\n' : ''));
  // result.json last: its presence inside the folder marks the result complete.
  await writeFile(join(tmp, 'result.json'), toJson(resultSummary(r), 2));
}
