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

/** Growable columnar recorder; a new point per timestamp, later events at the same time overwrite. */
export class EquityRecorder {
  private ts: Float64Array = new Float64Array(1024);
  private eq: Float64Array = new Float64Array(1024);
  private cash: Float64Array = new Float64Array(1024);
  private exp: Float64Array = new Float64Array(1024);
  private n = 0;

  /** Number of points recorded. */
  get length(): number {
    return this.n;
  }

  record(ts: Micros, equity: number, cash: number, exposure: number): void {
    let i = this.n - 1;
    if (i < 0 || this.ts[i] !== ts) {
      i = this.n++;
      if (i === this.ts.length) this.grow();
      this.ts[i] = ts;
    }
    this.eq[i] = equity;
    this.cash[i] = cash;
    this.exp[i] = exposure;
  }

  /** Views of the recorded columns (valid until more points are recorded). */
  curve(): EquityCurve {
    return {
      ts: this.ts.subarray(0, this.n), equity: this.eq.subarray(0, this.n),
      cash: this.cash.subarray(0, this.n), exposure: this.exp.subarray(0, this.n),
    };
  }

  private grow(): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.eq = g(this.eq);
    this.cash = g(this.cash);
    this.exp = g(this.exp);
  }
}
