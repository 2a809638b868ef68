import type { Micros } from '../core/time.ts';

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

const CHUNK = 65_536;

/**
 * Columnar recorder: a new point per timestamp, later events at the same time overwrite.
 * Points go into fixed 64k-point chunks (one interleaved Float64Array each), so growing
 * never copies; `curve()` joins the chunks into columns once, at the end of a run.
 */
export class EquityRecorder {
  private readonly chunks: Float64Array[] = [];
  /** Current chunk: [ts, equity, cash, exposure] × CHUNK. */
  private cur: Float64Array = new Float64Array(0);
  /** Index of the last point in `cur` (−1 before the first point of a chunk). */
  private k = -1;
  private n = 0;
  private lastTs = Number.NaN;

  /** Number of points recorded. */
  get length(): number {
    return this.n;
  }

  record(ts: Micros, equity: number, cash: number, exposure: number): void {
    if (ts !== this.lastTs) {
      this.lastTs = ts;
      this.n++;
      if (++this.k === CHUNK || this.chunks.length === 0) {
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

  /** The recorded columns (copies: later points do not change them). */
  curve(): EquityCurve {
    const n = this.n;
    const ts = new Float64Array(n);
    const equity = new Float64Array(n);
    const cash = new Float64Array(n);
    const exposure = new Float64Array(n);
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
    return { ts, equity, cash, exposure };
  }
}
