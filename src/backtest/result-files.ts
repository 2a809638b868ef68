import { rmSync } from 'node:fs';
import type { Fill } from '../core/fill.ts';
import { join } from 'node:path';
import type { EquityBlock } from '../analytics/core-metrics.ts';
import { FastParquet } from '../data/parquet-fast.ts';
import { ParquetStreamWriter, type StreamSchema, type StreamValues } from '../data/parquet-stream.ts';
import type { EquityCurve } from '../engine/equity-recorder.ts';
import { SPILL_ROWS, type FillColumns, type OrderColumns, type ResultSink, type TradeColumns } from '../engine/result-sink.ts';
import type { RoundTrip } from '../engine/trade-log.ts';
import { FillsDigest } from './fills-digest.ts';

/** The Parquet series of a run folder and their columns. */
const SCHEMAS = {
  equity: { ts: 'timestamp', equity: 'double', cash: 'double', exposure: 'double' },
  fills: { seq: 'double', ts: 'timestamp', orderId: 'string', instrumentId: 'string', side: 'string', price: 'double', qty: 'double', fee: 'double', liquidity: 'string' },
  trades: {
    instrumentId: 'string', side: 'string', qty: 'double', entryTs: 'timestamp', exitTs: 'timestamp', entryPrice: 'double', exitPrice: 'double',
    pnl: 'double', fees: 'double', netPnl: 'double', returnPct: 'double', bars: 'double', entryTag: 'string', exitTag: 'string',
    mae: 'double', mfe: 'double',
  },
  orders: {
    id: 'string', instrumentId: 'string', side: 'string', type: 'string', tif: 'string', qty: 'double', price: 'double', stopPrice: 'double',
    status: 'string', filledQty: 'double', avgFillPrice: 'double', fees: 'double', createdTs: 'timestamp', updatedTs: 'timestamp', reason: 'string', tag: 'string',
  },
} as const satisfies Record<string, StreamSchema>;

type Series = keyof typeof SCHEMAS;

/** Rows of each series written. */
export type SeriesCounts = Record<'equityPoints' | 'fills' | 'orders' | 'trades', number>;

/** One number per record (a plain loop: Float64Array.from goes through the iterator protocol). */
function nums<T>(rows: readonly T[], get: (r: T) => number): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = get(rows[i]);
  return out;
}

/** Fills (objects) as columns, as a run's FillLog gives them: for a result saved from memory. */
export function fillsAsColumns(f: readonly Fill[]): FillColumns {
  return {
    n: f.length, seq: nums(f, (x) => x.seq), ts: nums(f, (x) => x.ts), orderId: f.map((x) => x.orderId), instrumentId: f.map((x) => x.instrumentId),
    side: f.map((x) => x.side), price: nums(f, (x) => x.price), qty: nums(f, (x) => x.qty), fee: nums(f, (x) => x.fee), liquidity: f.map((x) => x.liquidity),
  };
}

/** Round trips (objects) as columns, as a run's RoundTripLog gives them: for a result saved from memory. */
export function tradesAsColumns(t: readonly RoundTrip[]): TradeColumns {
  return {
    n: t.length, instrumentId: t.map((x) => x.instrumentId), side: t.map((x) => x.side), qty: nums(t, (x) => x.qty),
    entryTs: nums(t, (x) => x.entryTs), exitTs: nums(t, (x) => x.exitTs),
    entryPrice: nums(t, (x) => x.entryPrice), exitPrice: nums(t, (x) => x.exitPrice),
    pnl: nums(t, (x) => x.pnl), fees: nums(t, (x) => x.fees), netPnl: nums(t, (x) => x.netPnl),
    returnPct: nums(t, (x) => x.returnPct), bars: nums(t, (x) => x.bars), entryTag: t.map((x) => x.entryTag), exitTag: t.map((x) => x.exitTag),
    mae: nums(t, (x) => x.mae), mfe: nums(t, (x) => x.mfe),
  };
}

/** A record series handed over as columns. */
type RecordSeries = 'orders' | 'fills' | 'trades';
type RecordColumns = OrderColumns | FillColumns | TradeColumns;

/**
 * Entries [from, to) of each column of a series: from 0 the columns themselves (a row group
 * reads its first `rows` values), else views of the doubles and copies of the strings.
 */
function sliceColumns(c: RecordColumns, series: RecordSeries, from: number, to: number): Record<string, StreamValues> {
  const out: Record<string, StreamValues> = {};
  for (const name of Object.keys(SCHEMAS[series])) {
    const col = (c as unknown as Record<string, Float64Array | string[]>)[name];
    out[name] = from === 0 ? col : col instanceof Float64Array ? col.subarray(from, to) : col.slice(from, to);
  }
  return out;
}

/**
 * A run's series as Parquet files in a folder (equity.parquet, fills.parquet,
 * orders.parquet, trades.parquet), written block by block in row groups of at most
 * SPILL_ROWS: the engine's sink while a long run goes, and how a run held in memory is
 * saved. Keeps what the run's summary needs of what went by — the fills digest and the
 * round trips' net P&L. `close()` finishes every file (empty ones included); `abort()`
 * removes them.
 */
export class ResultFiles implements ResultSink {
  private readonly writers = new Map<Series, ParquetStreamWriter>();
  private readonly digest = new FillsDigest();
  /** Net P&L of every round trip written, in order. */
  readonly tradeNetPnls: number[] = [];
  readonly counts: SeriesCounts = { equityPoints: 0, fills: 0, orders: 0, trades: 0 };
  /** First and last equity time written (NaN before any). */
  firstTs = Number.NaN;
  lastTs = Number.NaN;

  constructor(readonly dir: string) {}

  equity(c: EquityCurve, n: number): void {
    if (n === 0) return;
    if (this.counts.equityPoints === 0) this.firstTs = c.ts[0];
    this.lastTs = c.ts[n - 1];
    for (let at = 0; at < n; at += SPILL_ROWS) {
      const to = Math.min(n, at + SPILL_ROWS);
      this.write('equity', { ts: c.ts.subarray(at, to), equity: c.equity.subarray(at, to), cash: c.cash.subarray(at, to), exposure: c.exposure.subarray(at, to) }, to - at);
    }
    this.counts.equityPoints += n;
  }

  fills(fills: FillColumns): void {
    this.columnBlocks('fills', fills);
    this.digest.addColumns(fills);
    this.counts.fills += fills.n;
  }

  orders(orders: OrderColumns): void {
    this.columnBlocks('orders', orders);
    this.counts.orders += orders.n;
  }

  trades(trades: TradeColumns): void {
    this.columnBlocks('trades', trades);
    for (let k = 0; k < trades.n; k++) this.tradeNetPnls.push(trades.netPnl[k]);
    this.counts.trades += trades.n;
  }

  /** SHA-256 of every fill written (see fillsDigest); call once, after the last fills. */
  fillsDigest(): string {
    return this.digest.digest();
  }

  /** Path of a series' file. */
  file(series: Series): string {
    return join(this.dir, `${series}.parquet`);
  }

  /** Writes every file's footer (series that got no rows become empty files). */
  close(): void {
    for (const s of Object.keys(SCHEMAS) as Series[]) this.writer(s).close();
  }

  /** Closes and deletes the files (a run that failed). */
  abort(): void {
    for (const [s, w] of this.writers) {
      w.abort();
      rmSync(this.file(s), { force: true });
    }
  }

  /** Columns given whole, as row groups of at most SPILL_ROWS. */
  private columnBlocks(series: RecordSeries, c: RecordColumns): void {
    for (let at = 0; at < c.n; at += SPILL_ROWS) {
      const to = Math.min(c.n, at + SPILL_ROWS);
      this.write(series, sliceColumns(c, series, at, to), to - at);
    }
  }

  private write(series: Series, cols: Record<string, StreamValues>, n: number): void {
    this.writer(series).writeRowGroup(cols, n);
  }

  private writer(series: Series): ParquetStreamWriter {
    let w = this.writers.get(series);
    if (w === undefined) this.writers.set(series, (w = new ParquetStreamWriter(this.file(series), SCHEMAS[series])));
    return w;
  }
}

/** A saved equity curve, row group by row group (memory: one row group). */
export function* readEquityBlocks(file: string): Generator<EquityBlock & { ts: Float64Array; cash: Float64Array }> {
  const pq = FastParquet.openFile(file);
  if (pq === null) throw new Error(`${file} is not an equity file written by Lockstep`);
  try {
    for (let g = 0; g < pq.rowGroups.length; g++) {
      const ts = pq.readColumn(g, 'ts', true);
      const n = pq.rowGroups[g].numRows;
      const col = (name: string) => pq.readColumn(g, name, false);
      yield { ts, firstTs: ts[0], lastTs: ts[n - 1], equity: col('equity'), cash: col('cash'), grossExposure: col('exposure'), n };
    }
  } finally {
    pq.close();
  }
}
