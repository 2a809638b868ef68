import { isoFromMicros, MAX_TIME_MICROS } from '../core/time.ts';
import { BadRowHandler } from './bad-rows.ts';
import type { DeltaBatch, QuoteBatch, TickBatch, TradeBatch } from './tick-batch.ts';

/**
 * Validation of tick files read in order: the state carries across row groups and files,
 * so rows out of order at a file boundary are named like any other. Each kind is its own
 * stream in time order (trades and quotes files read one after another may overlap in
 * time). `handler` applies the bad-row policy (error, or skip and count).
 */
export interface TickValidation {
  readonly handler: BadRowHandler;
  /** File being read (for messages). */
  file: string;
  /** ts_local of each kind's last accepted row (0, the epoch, before its first). */
  readonly prevTs: Record<TickBatch['kind'], number>;
}

export function tickValidation(handler = new BadRowHandler('error')): TickValidation {
  return { handler, file: '', prevTs: { trades: 0, quotes: 0, deltas: 0 } };
}

type Problem = readonly [field: string, problem: string] | null;

const positive = (field: string, v: number): Problem => (v > 0 && v < Infinity ? null : [field, `${v} is not a positive finite number`]);
const nonNegative = (field: string, v: number): Problem => (v >= 0 && v < Infinity ? null : [field, `${v} is not a finite number ≥ 0`]);

function timeProblem(ts: number, tsLocal: number, prev: number): Problem {
  for (const [field, v] of [['ts_event', ts], ['ts_local', tsLocal]] as const) {
    if (!(v >= 0 && v <= MAX_TIME_MICROS)) {
      return [field, Number.isNaN(v) ? 'timestamp is missing' : `timestamp ${v} µs is outside 1970-01-01 … 2200-01-01 (Unix epoch times from 1970 on)`];
    }
  }
  if (tsLocal < prev) return ['ts_local', `timestamp ${isoFromMicros(tsLocal)} is earlier than the previous row's ${isoFromMicros(prev)} (rows must be in time order, across row groups and files)`];
  return null;
}

/** Code columns (aggressor, side, flags) hold this where the file's value was not a valid code; the value itself is in `raw`. */
export const BAD_CODE = { int8: -128, uint8: 255 } as const;

/** Converts a code column, marking values outside `valid` with `bad` and keeping the originals by row. */
export function toCodes<T extends Int8Array | Uint8Array>(out: T, src: Float64Array, valid: (x: number) => boolean, bad: number, raw: Map<number, number>): T {
  for (let i = 0; i < src.length; i++) {
    const x = src[i];
    if (valid(x)) out[i] = x;
    else {
      out[i] = bad;
      raw.set(i, x);
    }
  }
  return out;
}

function tradeProblem(b: TradeBatch, i: number, raw: ReadonlyMap<number, number>): Problem {
  const a = b.aggressor[i];
  return positive('price', b.price[i]) ?? positive('size', b.qty[i])
    ?? (a === 1 || a === -1 || a === 0 ? null : ['aggressor', `${raw.get(i) ?? a} is not 1 (buyer), -1 (seller) or 0 (unknown)`]);
}

function quoteProblem(b: QuoteBatch, i: number): Problem {
  return positive('bid_price', b.bidPrice[i]) ?? positive('ask_price', b.askPrice[i]) ?? nonNegative('bid_size', b.bidSize[i]) ?? nonNegative('ask_size', b.askSize[i]);
}

function deltaProblem(b: DeltaBatch, i: number, raw: ReadonlyMap<number, number>): Problem {
  const s = b.side[i];
  if (s !== 1 && s !== -1) return ['side', `${raw.get(i) ?? s} is not 1 (bid) or -1 (ask)`];
  return positive('price', b.price[i]) ?? nonNegative('size', b.qty[i])
    ?? (b.flags[i] <= 7 ? null : ['flags', `${raw.get(i) ?? b.flags[i]} is not a whole number 0–7 (snapshot 1 + clear 2 + last 4)`]);
}

/** Fast per-row tests (every comparison is false for NaN); the slow checks above name the problem. */
const fastOk = {
  trades: (b: TradeBatch, r: number): boolean => {
    const p = b.price[r];
    const q = b.qty[r];
    const a = b.aggressor[r];
    return p > 0 && p < Infinity && q > 0 && q < Infinity && (a === 1 || a === -1 || a === 0);
  },
  quotes: (b: QuoteBatch, r: number): boolean => {
    const bp = b.bidPrice[r];
    const ap = b.askPrice[r];
    return bp > 0 && bp < Infinity && ap > 0 && ap < Infinity && b.bidSize[r] >= 0 && b.bidSize[r] < Infinity && b.askSize[r] >= 0 && b.askSize[r] < Infinity;
  },
  deltas: (b: DeltaBatch, r: number): boolean => {
    const p = b.price[r];
    const q = b.qty[r];
    return (b.side[r] === 1 || b.side[r] === -1) && p > 0 && p < Infinity && q >= 0 && q < Infinity && b.flags[r] <= 7;
  },
};

function problemOf(tb: TickBatch, r: number, prev: number, raw: ReadonlyMap<number, number>): Problem {
  const b = tb.batch;
  const time = timeProblem(b.ts[r], b.tsLocal[r], prev);
  if (time) return time;
  if (tb.kind === 'trades') return tradeProblem(tb.batch, r, raw);
  if (tb.kind === 'quotes') return quoteProblem(tb.batch, r);
  return deltaProblem(tb.batch, r, raw);
}

/**
 * Checks every row of a batch (finite positive prices, finite sizes ≥ 0 — > 0 for trades —,
 * a known aggressor or side, times from 1970 to 2200 and in order); rows the policy skips
 * are compacted out. Mutates and returns `tb`. Row numbers count the file's rows from 1;
 * `raw` holds the file's values of code cells `toCodes` could not convert (by batch row).
 */
export function validateTicks(tb: TickBatch, v: TickValidation, raw: ReadonlyMap<number, number> = new Map()): TickBatch {
  const b = tb.batch;
  const ok = fastOk[tb.kind] as (b: unknown, r: number) => boolean;
  const { ts, tsLocal } = b;
  let cols: Array<Float64Array | Int8Array | Uint8Array> | null = null;
  let w = 0;
  let prev = v.prevTs[tb.kind];
  for (let r = 0; r < b.length; r++) {
    const t = tsLocal[r];
    const e = ts[r];
    if (t >= prev && t <= MAX_TIME_MICROS && e >= 0 && e <= MAX_TIME_MICROS && ok(b, r)) {
      prev = t;
      if (w !== r) for (const c of cols!) c[w] = c[r];
      w++;
      continue;
    }
    const problem = problemOf(tb, r, prev, raw) ?? ['row', 'invalid row'];
    v.handler.bad({ file: v.file, row: b.firstRow + r, field: problem[0] }, problem[1]);
    cols ??= columnsOf(tb); // only a skipped row makes later rows move
  }
  b.length = w;
  v.prevTs[tb.kind] = prev;
  return tb;
}

function columnsOf(tb: TickBatch): Array<Float64Array | Int8Array | Uint8Array> {
  const b = tb.batch;
  if (tb.kind === 'trades') return [b.ts, b.tsLocal, tb.batch.price, tb.batch.qty, tb.batch.aggressor];
  if (tb.kind === 'quotes') return [b.ts, b.tsLocal, tb.batch.bidPrice, tb.batch.bidSize, tb.batch.askPrice, tb.batch.askSize];
  return [b.ts, b.tsLocal, tb.batch.side, tb.batch.price, tb.batch.qty, tb.batch.flags];
}
