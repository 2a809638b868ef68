import { CompactCurve, signedExposure, type CurveBlock } from './compact-curve.ts';
import type { Micros } from '../core/time.ts';
import { SPILL_ROWS, type ResultSink } from './result-sink.ts';
import type { CurveDerivation } from './curve-derivation.ts';

/** Columns of the equity curve: one point per distinct event timestamp. */
export interface EquityCurve {
  /** Timestamps (µs). */
  readonly ts: Float64Array;
  /** Cash + position value. */
  readonly equity: Float64Array;
  /** Free cash. */
  readonly cash: Float64Array;
  /** Gross exposure (|notional| of open positions). */
  readonly exposure: Float64Array;
}

const CHUNK = SPILL_ROWS;

/** Points growable columns start with, and the most they grow to in place (see CompactCurve). */
const GROW_FROM = CHUNK;
const GROW_TO = 1 << 24;

/** Four new columns of `n` points each. */
export function newEquityColumns(n: number): EquityCurve {
  return { ts: new Float64Array(n), equity: new Float64Array(n), cash: new Float64Array(n), exposure: new Float64Array(n) };
}

/** True when all four columns hold at least `n` points. */
function fits(c: EquityCurve, n: number): boolean {
  return c.ts.length >= n && c.equity.length >= n && c.cash.length >= n && c.exposure.length >= n;
}

/**
 * Columnar recorder: a new point per timestamp, later events at the same time overwrite.
 * Points go into columns the run allocates — preallocated when their number is known, else
 * growing in place — kept compactly (CompactCurve: one 8 MB column for a 1M-bar run of one
 * instrument), or into given columns (EquityColumnsPool) written per point; `curve()` returns views
 * of them. With a sink, and past what the columns may hold, points go into fixed 64k-point
 * chunks (one interleaved Float64Array each) instead: with a sink a full chunk goes to it (as
 * columns) and is reused, so memory stays one chunk; without one, `curve()` joins the chunks
 * into columns once, at the end.
 */
export class EquityRecorder {
  /**
   * @param expectedPoints when the number of points is known up front (in-memory replays,
   * optimizer trials), columns of that size are allocated once and `curve()` returns views
   * of them instead of copying; more points than expected fall back to chunks.
   * @param storage columns to record into instead of allocating (at least `expectedPoints`
   * long; see EquityColumnsPool): the curve is then views of them. Their pages are in memory
   * already (an earlier trial wrote them), so every column is written per point, not kept
   * compactly (which saves only new pages, and costs ~5 % of a trial's time here).
   * @param growTo the most points growable columns (unknown length, no sink) grow to in place
   */
  constructor(expectedPoints = 0, private readonly sink: ResultSink | null = null, storage: EquityCurve | null = null, growTo = GROW_TO) {
    if (sink !== null) return;
    if (expectedPoints > 0 && storage !== null && fits(storage, expectedPoints)) {
      this.given = storage;
      this.capacity = Math.min(storage.ts.length, storage.equity.length, storage.cash.length, storage.exposure.length);
    } else {
      this.compact = expectedPoints > 0 ? new CompactCurve(expectedPoints) : new CompactCurve(Math.min(GROW_FROM, growTo), growTo);
      this.capacity = this.compact.capacity;
    }
  }

  /** Columns the run allocated, kept compactly (null with given columns or a sink, and once moved to chunks). */
  private compact: CompactCurve | null = null;
  /** Columns given to record into (EquityColumnsPool), written per point. */
  private given: EquityCurve | null = null;
  /** Points the columns hold (compact or given; compact ones may grow). */
  private capacity = 0;
  private readonly chunks: Float64Array[] = [];
  /** Current chunk: [ts, equity, cash, exposure] × CHUNK. */
  private cur: Float64Array = new Float64Array(0);
  /** Index of the last point in `cur` (−1 before the first point of a chunk). */
  private k = -1;
  private n = 0;
  private lastTs = Number.NaN;
  private firstTs = Number.NaN;
  /** Points handed to the sink so far. */
  private spilledPoints = 0;

  /** Derives the points after the run instead of taking them per event (given columns only; see CurveDerivation). */
  private derivation: CurveDerivation | null = null;

  /** Derives this run's points with `d` (given columns, before the first point); false when it cannot. */
  derive(d: CurveDerivation): boolean {
    if (this.given === null || this.n > 0) return false;
    this.derivation = d;
    return true;
  }

  /** True while the points are counted per event and derived when read (see derive). */
  get deriving(): boolean {
    return this.derivation !== null;
  }

  /** A derived curve's point at `ts` (a new one per new time); returns its index. */
  countPoint(ts: Micros): number {
    if (ts !== this.lastTs) {
      if (this.n === this.capacity) throw new Error(`equity curve: more points than the ${this.capacity} bars given to derive it from`);
      if (this.n++ === 0) this.firstTs = ts;
      this.lastTs = ts;
    }
    return this.n - 1;
  }

  /** The state a derived curve's point `i` is valued from (see CurveDerivation.note). */
  noteState(i: number, cash: number, qty: number, mark: number): void {
    this.derivation!.note(i, cash, qty, mark);
  }

  /** Writes a derived curve's points into the given columns; the points after it are recorded. */
  private settle(): void {
    if (this.derivation === null) return;
    this.derivation.fill(this.given!, this.n, this.lastTs);
    this.derivation = null;
  }

  /** Number of points recorded. */
  get length(): number {
    return this.n;
  }

  /** Bytes of the columns and chunks held for the curve. */
  get bytes(): number {
    const g = this.given;
    const cols = g === null ? 0 : g.ts.byteLength + g.equity.byteLength + g.cash.byteLength + g.exposure.byteLength;
    return (this.compact?.bytes ?? 0) + cols + this.chunks.reduce((sum, c) => sum + c.byteLength, 0);
  }

  /** True once points went to the sink (the curve is then on disk, not here). */
  get spilled(): boolean {
    return this.spilledPoints > 0;
  }

  record(ts: Micros, equity: number, cash: number, exposure: number): void {
    const g = this.given;
    if (g !== null) return this.recordGiven(g, ts, equity, cash, exposure);
    const c = this.compact;
    if (c === null) return this.recordChunked(ts, equity, cash, exposure);
    const i = this.compactPoint(c, ts);
    if (i < 0) return this.overflow(ts, equity, cash, exposure);
    c.cash.set(i, cash);
    // One column of signed notionals while equity = cash + s and exposure = |s| (see CompactCurve).
    const s = c.equity === null ? signedExposure(equity, cash, exposure) : Number.NaN;
    if (s === s) {
      c.exposure[i] = s;
      return;
    }
    (c.equity ?? c.unsign(i))[i] = equity;
    c.exposure[i] = exposure;
  }

  /**
   * A point of one cash-settled instrument given as its cash and the position's signed notional
   * `s` (equity = cash + s, exposure = |s|), stored as it is kept compactly, without the equity
   * and exposure `record` would take and split into `s` again: the same values read back, bit for
   * bit. False, with nothing recorded, when the point is not of that form here — columns not kept
   * compactly (given, chunks, or equity already in a column of its own), no room left, `s` not a
   * number, or a flat position on a cash of −0 (its equity, −0, is not cash + 0) — and the caller
   * records it with `record`.
   */
  recordSigned(ts: Micros, cash: number, s: number): boolean {
    const c = this.compact;
    if (c === null || c.equity !== null || s !== s || (s === 0 && Object.is(cash, -0))) return false;
    const i = this.compactPoint(c, ts);
    if (i < 0) return false;
    c.cash.set(i, cash);
    c.exposure[i] = s;
    return true;
  }

  /** The index of the point at `ts` in compact columns (a new one per new time, its time kept); −1 when they are full and cannot grow. */
  private compactPoint(c: CompactCurve, ts: Micros): number {
    if (ts === this.lastTs) return this.n - 1;
    const i = this.n;
    if (i === this.capacity && !this.grow()) return -1;
    if (this.n++ === 0) this.firstTs = ts;
    this.lastTs = ts;
    c.times.add(i, ts);
    return i;
  }

  /** Given columns (EquityColumnsPool): every column written per point, the four columns read before the stores. */
  private recordGiven(g: EquityCurve, ts: Micros, equity: number, cash: number, exposure: number): void {
    const { ts: times, equity: equities, cash: cashes, exposure: exposures } = g;
    let i = this.n - 1;
    if (ts !== this.lastTs) {
      i = this.n;
      if (i === this.capacity) return this.overflow(ts, equity, cash, exposure);
      if (this.n++ === 0) this.firstTs = ts;
      this.lastTs = ts;
      times[i] = ts;
    }
    equities[i] = equity;
    cashes[i] = cash;
    exposures[i] = exposure;
  }

  /** Chunks (a sink, or past what the columns hold): a new point per new time, into the current chunk. */
  private recordChunked(ts: Micros, equity: number, cash: number, exposure: number): void {
    this.joined = null;
    if (ts !== this.lastTs) {
      this.lastTs = ts;
      if (this.n++ === 0) this.firstTs = ts;
      if (++this.k === CHUNK && this.sink !== null) this.toSink(CHUNK);
      else if (this.k === CHUNK || this.chunks.length === 0) {
        this.cur = new Float64Array(4 * CHUNK);
        this.chunks.push(this.cur);
        this.k = 0;
      }
      this.cur[4 * this.k] = ts;
    }
    const j = 4 * this.k;
    this.cur[j + 1] = equity;
    this.cur[j + 2] = cash;
    this.cur[j + 3] = exposure;
  }

  /** Growable compact columns doubled in place; false when the columns are fixed or at their limit. */
  private grow(): boolean {
    const c = this.compact;
    if (c === null || !c.grow()) return false;
    this.capacity = c.capacity;
    return true;
  }

  /** Time of the first and the last point (NaN without points), read without writing the time column. */
  span(): { first: Micros; last: Micros } {
    if (this.n === 0) return { first: Number.NaN, last: Number.NaN };
    return { first: this.firstTs, last: this.lastTs };
  }

  /** Hands the points still held to the sink (the end of a run that spilled). */
  spillRest(): void {
    if (this.sink !== null && this.n > this.spilledPoints) this.toSink(this.k + 1);
  }

  /** The recorded columns (copies, or views when preallocated: record nothing after reading them). */
  curve(): EquityCurve {
    this.settle();
    if (this.spilled) throw new Error(`the equity curve (${this.n} points) went to the result files as the run went; read it from there`);
    const n = this.n;
    if (this.compact !== null) return this.compact.curve(n);
    const g = this.given;
    if (g !== null) return { ts: g.ts.subarray(0, n), equity: g.equity.subarray(0, n), cash: g.cash.subarray(0, n), exposure: g.exposure.subarray(0, n) };
    if (this.joined !== null) return this.joined;
    const out = (this.joined = newEquityColumns(n));
    const { ts, equity, cash, exposure } = out;
    for (let c = 0, i = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      const end = Math.min(n, i + CHUNK);
      for (let j = 0; i < end; i++, j += 4) {
        ts[i] = chunk[j];
        equity[i] = chunk[j + 1];
        cash[i] = chunk[j + 2];
        exposure[i] = chunk[j + 3];
      }
    }
    return out;
  }

  /** The first `count` points of the current chunk to the sink, as columns; the chunk is reused. */
  private toSink(count: number): void {
    if (this.chunks.length === 0) this.chunks.push((this.cur = new Float64Array(4 * CHUNK)));
    const cols = this.sinkColumns ??= newEquityColumns(CHUNK);
    const c = this.cur;
    for (let i = 0, j = 0; i < count; i++, j += 4) {
      cols.ts[i] = c[j];
      cols.equity[i] = c[j + 1];
      cols.cash[i] = c[j + 2];
      cols.exposure[i] = c[j + 3];
    }
    if (count > 0) this.sink!.equity(cols, count);
    this.spilledPoints += count;
    this.k = 0;
  }

  private sinkColumns: EquityCurve | null = null;
  /** The chunks joined into columns by `curve()` (once: the metrics' two passes and the result share them). */
  private joined: EquityCurve | null = null;

  /**
   * Equity and gross exposure of every point, a stretch at a time (each read before taking the
   * next), for the metrics: compact columns are not written out for them.
   */
  blocks(): Iterable<CurveBlock> {
    this.settle();
    if (this.compact !== null) return this.compact.blocks(this.n);
    const c = this.curve();
    return [{ equity: c.equity, exposure: c.exposure, n: this.n }];
  }

  /** More points than the columns hold: they move into chunks, then the point is recorded. */
  private overflow(ts: Micros, equity: number, cash: number, exposure: number): void {
    const c = this.curve();
    const n = this.n;
    this.compact = null;
    this.given = null;
    this.n = 0;
    this.k = -1;
    this.lastTs = Number.NaN;
    for (let i = 0; i < n; i++) this.record(c.ts[i], c.equity[i], c.cash[i], c.exposure[i]);
    this.record(ts, equity, cash, exposure);
  }
}
