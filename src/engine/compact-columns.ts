import { doubles } from '../core/array-edit.ts';

/**
 * Columns of a curve kept compactly while it is recorded and written out per point only when
 * read (see EquityRecorder): memory a process touches for the first time costs ~3 ms per MB on
 * this project's machines, and most runs' metrics never read these columns. Both give back
 * exactly the values recorded, bit for bit. The last change or run is also held in fields, so
 * a point that changes nothing costs one comparison.
 */

/** Change points per block: 4,096 doubles (32 KB), well below V8's large-object size (128 KB). */
const BLOCK_BITS = 12;
const BLOCK = 1 << BLOCK_BITS;
/** Runs shorter than this are written by a loop, longer ones by `fill`. */
const LOOP_RUN = 64;

/**
 * A column that changes rarely (cash: only when something is paid), kept as the points where it
 * changed, in blocks of 4,096 changes: a plain array grown past 16k entries is reallocated as a
 * new large object in memory the process never touched, plus a copy (a 1M-bar ma-cross run's
 * cash changes at each of its 38.6k fills).
 */
export class StepColumn {
  private readonly atBlocks: Float64Array[] = [];
  private readonly valueBlocks: Float64Array[] = [];
  /** Changes held. */
  private n = 0;
  /** The last change: its point (−1 before the first) and value. */
  private lastAt = -1;
  private last = Number.NaN;

  /** Point `i` (≥ the last point set) has value `v`; setting the last point again overwrites it. */
  set(i: number, v: number): void {
    if (v === this.last && (v !== 0 || Object.is(v, this.last)) && this.lastAt >= 0) return;
    this.changed(i, v);
  }

  private changed(i: number, v: number): void {
    let k = this.n - 1;
    if (this.lastAt !== i) {
      k = this.n++;
      if (k >>> BLOCK_BITS === this.atBlocks.length) {
        this.atBlocks.push(new Float64Array(BLOCK));
        this.valueBlocks.push(new Float64Array(BLOCK));
      }
      this.atBlocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] = i;
      this.lastAt = i;
    }
    this.valueBlocks[k >>> BLOCK_BITS][k & (BLOCK - 1)] = v;
    this.last = v;
  }

  /** Writes points [0, n) into `out`; returns the view of them. */
  writeInto(out: Float64Array, n: number): Float64Array {
    this.writeRange(out, 0, n);
    return out.subarray(0, n);
  }

  /**
   * Writes points [from, to) into `out` from index 0 (every point up to `to` was set), each
   * plus `plus[point]` when given (the cash plus a signed notional: one pass, not a fill and
   * then an addition). Short runs are written in a loop: a `fill` per change is a builtin call
   * (~50 ns), and an order-heavy curve changes every few points.
   */
  writeRange(out: Float64Array, from: number, to: number, plus: Float64Array | null = null): void {
    let k = this.changeAt(from);
    for (let p = from; p < to; k++) {
      const end = k + 1 < this.n ? Math.min(this.atOf(k + 1), to) : to;
      const v = this.valueBlocks[k >>> BLOCK_BITS][k & (BLOCK - 1)];
      if (plus !== null) for (let i = p; i < end; i++) out[i - from] = v + plus[i];
      else if (end - p < LOOP_RUN) for (let i = p; i < end; i++) out[i - from] = v;
      else out.fill(v, p - from, end - from);
      p = end;
    }
  }

  /** The point of change `k`. */
  private atOf(k: number): number {
    return this.atBlocks[k >>> BLOCK_BITS][k & (BLOCK - 1)];
  }

  /** Index of the last change at or before point `i` (0 when none is: the first point is always a change). */
  private changeAt(i: number): number {
    let lo = 0, hi = this.n - 1, k = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.atOf(mid) <= i) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return k;
  }
}

/**
 * A column of evenly spaced values (the timestamps of regular bars), kept as runs: a run from
 * point `at` holds `from + (i − at) × step`. A value joins the last run only when that formula
 * gives it exactly, so irregular values (gaps, odd spacing) start runs of their own.
 */
export class RunColumn {
  private readonly at: number[] = [];
  // Doubles from the start: timestamps and NaN steps would change a `[]`'s kind in every run.
  private readonly from: number[] = doubles();
  /** NaN while a run has one point. */
  private readonly step: number[] = doubles();
  /** The last run's start, first value and step (NaN before the first). */
  private runAt = 0;
  private runFrom = Number.NaN;
  private runStep = Number.NaN;

  /** Appends point `i` (the next point) with value `v`. */
  add(i: number, v: number): void {
    if (this.runFrom + (i - this.runAt) * this.runStep === v) return;
    this.newStep(i, v);
  }

  private newStep(i: number, v: number): void {
    const k = this.at.length - 1;
    if (k >= 0 && i - this.runAt === 1 && Number.isNaN(this.runStep) && this.runFrom + (v - this.runFrom) === v) {
      this.step[k] = this.runStep = v - this.runFrom;
      return;
    }
    this.at.push(i);
    this.from.push(v);
    this.step.push(Number.NaN);
    this.runAt = i;
    this.runFrom = v;
    this.runStep = Number.NaN;
  }

  /** Writes points [0, n) into `out`; returns the view of them. */
  writeInto(out: Float64Array, n: number): Float64Array {
    const at = this.at;
    for (let k = 0; k < at.length; k++) {
      const start = at[k], from = this.from[k], step = this.step[k];
      const end = k + 1 < at.length ? at[k + 1] : n;
      out[start] = from;
      for (let i = start + 1; i < end; i++) out[i] = from + (i - start) * step;
    }
    return out.subarray(0, n);
  }
}
