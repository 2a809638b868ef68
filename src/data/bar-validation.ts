import { isoFromMicros, MAX_TIME_MICROS } from '../core/time.ts';
import { rowOf, type BarBatch } from './bar-batch.ts';
import type { BadRowHandler } from './bad-rows.ts';

/** Running state of validation across the batches of one file. */
export interface BarValidationState {
  /** File name for messages. */
  readonly file: string;
  /** Timestamp of the last accepted row (−Infinity before the first). */
  prevTs: number;
}

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

function problemOf(b: BarBatch, i: number, prevTs: number): [string, string] | null {
  const ts = b.ts[i];
  if (Number.isNaN(ts)) return ['timestamp', 'timestamp could not be parsed'];
  if (!(ts >= 0 && ts <= MAX_TIME_MICROS)) return ['timestamp', `timestamp ${ts} µs is outside 1970-01-01 … 2200-01-01 (Unix epoch times from 1970 on)`];
  for (const f of PRICE_FIELDS) {
    const v = b[f][i];
    if (Number.isNaN(v)) return [f, 'value is not a number'];
    if (!(v > 0) || !Number.isFinite(v)) return [f, `price ${v} is not a positive finite number`];
  }
  const vol = b.volume[i];
  if (Number.isNaN(vol)) return ['volume', 'value is not a number'];
  if (vol < 0 || !Number.isFinite(vol)) return ['volume', `volume ${vol} is negative or infinite`];
  if (b.high[i] < b.low[i]) return ['high', `high ${b.high[i]} is below low ${b.low[i]}`];
  for (const f of ['open', 'close'] as const) {
    const v = b[f][i];
    if (v < b.low[i] || v > b.high[i]) return [f, `${f} ${v} is outside the bar's range low ${b.low[i]} … high ${b.high[i]}`];
  }
  if (ts === prevTs) return ['timestamp', `duplicate timestamp ${isoFromMicros(ts)}`];
  if (ts < prevTs) return ['timestamp', `timestamp ${isoFromMicros(ts)} is earlier than the previous row's ${isoFromMicros(prevTs)} (rows must be in time order)`];
  return null;
}

/**
 * Checks every row (parseable, positive prices, low ≤ open, close ≤ high, non-negative
 * volume, times from 1970 to 2200 and strictly increasing) and compacts out rows the policy skips. Mutates and returns `b`.
 */
export function validateBars(b: BarBatch, state: BarValidationState, handler: BadRowHandler): BarBatch {
  let w = 0;
  let prev = state.prevTs;
  const n = b.length;
  const { ts, open, high, low, close, volume } = b;
  let rows = b.row;
  for (let r = 0; r < n; r++) {
    const t = ts[r];
    const o = open[r];
    const h = high[r];
    const l = low[r];
    const c = close[r];
    const v = volume[r];
    // Fast path: every comparison is false for NaN, so one test covers the common case.
    const ok = t > prev && t >= 0 && t <= MAX_TIME_MICROS && o > 0 && h < Infinity && l > 0 && c > 0
      && o >= l && o <= h && c >= l && c <= h && v >= 0 && v < Infinity;
    if (ok) {
      prev = t;
      if (w !== r) {
        ts[w] = t; open[w] = o; high[w] = h; low[w] = l; close[w] = c; volume[w] = v; rows![w] = rowOf(b, r);
      }
      w++;
      continue;
    }
    // First bad row: materialize row numbers so skipped rows keep later rows' numbers right.
    if (rows === null) {
      rows = new Float64Array(n);
      for (let k = 0; k < n; k++) rows[k] = rowOf(b, k);
      b.row = rows;
    }
    const problem = problemOf(b, r, prev);
    // The fast test and problemOf agree: a row failing one has a problem in the other.
    handler.bad({ file: state.file, row: rowOf(b, r), field: problem?.[0] ?? 'row' }, problem?.[1] ?? 'invalid row');
  }
  b.length = w;
  state.prevTs = prev;
  return b;
}
