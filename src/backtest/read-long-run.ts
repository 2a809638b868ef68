import { join } from 'node:path';
import type { CoreMetrics } from '../analytics/core-metrics.ts';
import { MAX_MARKERS } from '../analytics/report/price-figure.ts';
import { MAX_TRADE_ROWS } from '../analytics/report/tearsheet.ts';
import { CatalogSql } from '../data/catalog-sql.ts';
import { FastParquet } from '../data/parquet-fast.ts';
import { readRun, readRunSummary, savedRunHead, type SavedRun } from './read-run.ts';
import { LastPerInterval } from './last-per-interval.ts';
import { readEquityBlocks } from './result-files.ts';

/** Equity points a report reads whole; a longer run's report reads a resampled curve. */
export const REPORT_POINTS = 500_000;
/** Fills or round trips a report reads as records; past that, the first ones and the totals. */
export const REPORT_RECORDS = 200_000;

const MINUTE = 60e6;
/** Resampling intervals, finest first (µs). */
const INTERVALS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 240 * MINUTE, 1440 * MINUTE, 7 * 1440 * MINUTE];

/**
 * A saved run as a report reads it, in bounded memory whatever the run's length: runs up to
 * `maxPoints` equity points and `maxRecords` fills and round trips whole (readRun); others
 * with the first trades and fills, every trade's net P&L, the exact metrics of the whole curve
 * from result.json (`long`), and a curve longer than `maxPoints` resampled to the last point
 * of every interval (the finest of 1 min … 1 week that keeps it under half of `maxPoints`).
 */
export async function readRunForReport(dir: string, maxPoints = REPORT_POINTS, maxRecords = REPORT_RECORDS): Promise<SavedRun> {
  const summary = await readRunSummary(dir);
  const counts = (summary.counts ?? {}) as Partial<Record<'equityPoints' | 'fills' | 'trades', number>>;
  const points = counts.equityPoints ?? 0;
  if (points <= maxPoints && (counts.fills ?? 0) <= maxRecords && (counts.trades ?? 0) <= maxRecords) return readRun(dir);
  const eqFile = join(dir, 'equity.parquet');
  // Interval 0: the curve fits and is read whole (a tick run: few equity points, millions of fills).
  const interval = points <= maxPoints ? 0 : resampleInterval(spanOf(eqFile), maxPoints);
  const equity = lastPerInterval(eqFile, interval);
  const sql = await CatalogSql.open(join(dir, 'no-catalog'));
  try {
    const q = (file: string) => `read_parquet('${join(dir, file).replaceAll("'", "''")}')`;
    const names = (await sql.query(`SELECT * FROM ${q('trades.parquet')} LIMIT 0`)).names;
    const tagged = names.includes('exitTag'); // not in runs saved before tags were kept
    const excursions = names.includes('mae'); // …nor before excursions were
    const trades = await sql.rows(`SELECT side, qty, epoch_us(entryTs) AS entryTs, epoch_us(exitTs) AS exitTs, entryPrice, exitPrice, netPnl, returnPct, bars${tagged ? ', exitTag' : ''}${excursions ? ', mae, mfe' : ''}
      FROM ${q('trades.parquet')} LIMIT ${MAX_TRADE_ROWS}`);
    const pnl = (await sql.query(`SELECT netPnl FROM ${q('trades.parquet')}`)).columns[0];
    const fills = await sql.rows(`SELECT epoch_us(ts) AS ts, side, price, qty, fee FROM ${q('fills.parquet')} LIMIT ${MAX_MARKERS}`);
    const notional = await sql.rows(`SELECT coalesce(sum(abs(price * qty)), 0) AS n FROM ${q('fills.parquet')}`);
    return {
      ...savedRunHead(dir, summary), equity, trades: trades as unknown as SavedRun['trades'], fills: fills as unknown as SavedRun['fills'],
      long: {
        points, interval, trades: counts.trades ?? pnl.length, fills: counts.fills ?? 0, tradeNetPnls: Float64Array.from(pnl as number[]),
        tradedNotional: Number(notional[0].n), metrics: summary.metrics as CoreMetrics,
      },
    };
  } finally {
    sql.close();
  }
}

/** The finest of 1 min … 1 week that keeps a curve spanning `span` µs under half of `maxPoints`. */
function resampleInterval(span: number, maxPoints: number): number {
  return INTERVALS.find((iv) => span / iv <= maxPoints / 2) ?? Math.ceil(span / (maxPoints / 2));
}

/** Time from the first to the last equity point (first and last row groups only). */
function spanOf(file: string): number {
  const pq = FastParquet.openFile(file);
  if (pq === null) throw new Error(`${file} is not an equity file written by Lockstep`);
  try {
    const first = pq.readColumn(0, 'ts', true);
    const last = pq.readColumn(pq.rowGroups.length - 1, 'ts', true);
    return last[last.length - 1] - first[0];
  } finally {
    pq.close();
  }
}

/** The last point of every `interval` (with its own time; every point when 0), streamed row group by row group. */
function lastPerInterval(file: string, interval: number): SavedRun['equity'] {
  const last = new LastPerInterval(interval);
  const out = { equity: [] as number[], cash: [] as number[], exposure: [] as number[] };
  for (const b of readEquityBlocks(file)) {
    for (let i = 0; i < b.n; i++) {
      const j = last.slot(b.ts[i]);
      out.equity[j] = b.equity[i];
      out.cash[j] = b.cash[i];
      out.exposure[j] = b.grossExposure[i];
    }
  }
  return { ts: Float64Array.from(last.ts), equity: Float64Array.from(out.equity), cash: Float64Array.from(out.cash), exposure: Float64Array.from(out.exposure) };
}
