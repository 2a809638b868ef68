import { builtOnRead } from '../core/built-on-read.ts';
import { RunColumn, StepColumn } from './compact-columns.ts';
import type { Micros } from '../core/time.ts';
import { SPILL_ROWS, type ResultSink } from './result-sink.ts';

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

/** Resizable ArrayBuffers (ES2024, in Node 20; this project's lib is ES2023): only what is used here. */
interface Resizable { readonly resizable: boolean; resize(byteLength: number): void }
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer;

/** Points growable columns start with, and the most they grow to in place (see growableColumns). */
const GROW_FROM = CHUNK;
const GROW_TO = 1 << 24;

/**
 * Columns over resizable ArrayBuffers: address space for `growTo` points is reserved, memory is
 * committed as they grow (doubling in place, no copy) and the views track the length, so the
 * curve of a run of unknown length is views of them — no copy out of chunks at the end (a
 * copy into new memory: ~25 ms for 200k points here).
 */
function growableColumns(points: number, growTo: number): EquityCurve {
  const col = () => new Float64Array(new ResizableBuffer(8 * points, { maxByteLength: 8 * growTo }));
  return { ts: col(), equity: col(), cash: col(), exposure: col() };
}

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
 * Points go into columns — preallocated when their number is known, given (EquityColumnsPool),
 * or growing in place — and `curve()` returns views of them. In columns the run allocates,
 * times and cash are kept compactly (compact-columns.ts: times as runs of even spacing, cash as
 * the points where it changed — it changes only when something is paid) and written per point
 * when the curve's `ts` or `cash` is first read: a 1M-bar run touches 16 MB less (first-touched
 * memory costs ~3 ms per MB on this project's machines), and the metrics need only the span.
 * With a sink, and past what the columns may hold, points go into fixed 64k-point chunks (one interleaved Float64Array each)
 * instead: with a sink a full chunk goes to it (as columns) and is reused, so memory stays
 * one chunk; without one, `curve()` joins the chunks into columns once, at the end.
 */
export class EquityRecorder {
  /**
   * @param expectedPoints when the number of points is known up front (in-memory replays,
   * optimizer trials), columns of that size are allocated once and `curve()` returns views
   * of them instead of copying; more points than expected fall back to chunks.
   * @param storage columns to record into instead of allocating (at least `expectedPoints`
   * long; see EquityColumnsPool): the curve is then views of them. Their pages are in memory
   * already (an earlier trial wrote them), so times and cash are written per point, not kept
   * compactly (which saves only new pages, and costs ~5 % of a trial's time here).
   * @param growTo the most points growable columns (unknown length, no sink) grow to in place
   */
  constructor(expectedPoints = 0, private readonly sink: ResultSink | null = null, storage: EquityCurve | null = null, private readonly growTo = GROW_TO) {
    if (sink !== null) return;
    if (expectedPoints > 0) {
      const given = storage !== null && fits(storage, expectedPoints);
      this.cols = given ? storage : newEquityColumns(expectedPoints);
      this.compact = !given;
    } else {
      this.cols = growableColumns(Math.min(GROW_FROM, growTo), growTo);
      this.growable = true;
    }
    const c = this.cols;
    this.capacity = Math.min(c.ts.length, c.equity.length, c.cash.length, c.exposure.length);
  }

  private cols: EquityCurve | null = null;
  /** Points the columns hold (preallocated, given, or grown so far). */
  private capacity = 0;
  /** The columns are growableColumns (a run of unknown length). */
  private growable = false;
  private readonly chunks: Float64Array[] = [];
  /** Current chunk: [ts, equity, cash, exposure] × CHUNK. */
  private cur: Float64Array = new Float64Array(0);
  /** Index of the last point in `cur` (−1 before the first point of a chunk). */
  private k = -1;
  private n = 0;
  private lastTs = Number.NaN;
  private firstTs = Number.NaN;
  /** Columns the run allocated: times and cash are kept in these two, and their columns written when read (false for given columns). */
  private compact = true;
  private readonly tsRuns = new RunColumn();
  private readonly cashSteps = new StepColumn();
  /** Points handed to the sink so far. */
  private spilledPoints = 0;

  /** Number of points recorded. */
  get length(): number {
    return this.n;
  }

  /** True once points went to the sink (the curve is then on disk, not here). */
  get spilled(): boolean {
    return this.spilledPoints > 0;
  }

  record(ts: Micros, equity: number, cash: number, exposure: number): void {
    const c = this.cols;
    if (c !== null) {
      let i = this.n - 1;
      if (ts !== this.lastTs) {
        i = this.n;
        if (i === this.capacity && !this.grow()) {
          this.spill();
          this.record(ts, equity, cash, exposure);
          return;
        }
        if (this.n++ === 0) this.firstTs = ts;
        this.lastTs = ts;
        if (this.compact) this.tsRuns.add(i, ts);
        else c.ts[i] = ts;
      }
      c.equity[i] = equity;
      c.exposure[i] = exposure;
      if (this.compact) this.cashSteps.set(i, cash);
      else c.cash[i] = cash;
      return;
    }
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
    if (this.spilled) throw new Error(`the equity curve (${this.n} points) went to the result files as the run went; read it from there`);
    const n = this.n;
    const pre = this.cols;
    if (pre !== null && !this.compact) {
      return { ts: pre.ts.subarray(0, n), equity: pre.equity.subarray(0, n), cash: pre.cash.subarray(0, n), exposure: pre.exposure.subarray(0, n) };
    }
    if (pre !== null) {
      const curve = { equity: pre.equity.subarray(0, n), exposure: pre.exposure.subarray(0, n) };
      builtOnRead(curve, 'ts', () => this.tsRuns.writeInto(pre.ts, n));
      return builtOnRead(curve, 'cash', () => this.cashSteps.writeInto(pre.cash, n)) as EquityCurve;
    }
    const out = newEquityColumns(n);
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

  /** Doubles growable columns in place; false when they are not growable or at their limit. */
  private grow(): boolean {
    if (!this.growable || this.capacity >= this.growTo) return false;
    const c = this.cols!;
    const next = Math.min(2 * this.capacity, this.growTo);
    for (const b of [c.ts.buffer, c.equity.buffer, c.cash.buffer, c.exposure.buffer] as unknown as Resizable[]) b.resize(8 * next);
    this.capacity = next;
    return true;
  }

  /** Moves the columns into chunks (more points arrived than expected, or than growable columns hold). */
  private spill(): void {
    const c = this.cols!;
    const n = this.n;
    if (this.compact) {
      this.tsRuns.writeInto(c.ts, n);
      this.cashSteps.writeInto(c.cash, n);
    }
    this.tsRuns.clear();
    this.cashSteps.clear();
    this.cols = null;
    this.n = 0;
    this.k = -1;
    this.lastTs = Number.NaN;
    for (let i = 0; i < n; i++) this.record(c.ts[i], c.equity[i], c.cash[i], c.exposure[i]);
  }
}
