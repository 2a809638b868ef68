/**
 * The exact sum of a sliding window of doubles, kept as non-overlapping partials (Shewchuk's
 * expansion, the algorithm of Python's `math.fsum`): a value entering or leaving the window
 * is one exact update, whatever the window's length, and `value()` is the exact sum rounded
 * once to the nearest double (ties to even) — bit for bit `math.fsum(window)`. Non-finite
 * values are kept out of the partials and counted: while the window holds one, the sum is
 * the plain left-to-right sum of the window (±Infinity or NaN, as any summation gives).
 */
export class RollingFsum {
  private p: Float64Array<ArrayBuffer> = new Float64Array(48);
  private n = 0;
  private nonFinite = 0;

  /** Adds `x` exactly (a window's new value). */
  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite++;
      return;
    }
    this.grow(x);
  }

  /** Removes `x` exactly (a value leaving the window; it must have been added). */
  private remove(x: number): void {
    if (!Number.isFinite(x)) {
      this.nonFinite--;
      return;
    }
    this.grow(-x);
  }

  /**
   * Removes `out` and adds `x` (a window sliding by one). When the two are within a factor
   * of two of each other their difference is exact (Sterbenz's lemma), so one update does.
   */
  swap(out: number, x: number): void {
    if (0.5 * out <= x && x <= 2 * out && out < Infinity) this.grow(x - out); // both positive and finite
    else {
      this.remove(out);
      this.add(x);
    }
  }

  /** True while the window holds a non-finite value: `value()` is then not defined by the partials. */
  get hasNonFinite(): boolean {
    return this.nonFinite > 0;
  }

  /** The exact sum of the finite values added and not removed, correctly rounded. */
  value(): number {
    const p = this.p;
    let n = this.n;
    if (n === 0) return 0;
    let hi = p[--n];
    let lo = 0;
    while (n > 0) {
      const x = hi;
      const y = p[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo !== 0) break;
    }
    // Half-way cases: round half to even by looking at the next partial's sign (as fsum does).
    if (n > 0 && ((lo < 0 && p[n - 1] < 0) || (lo > 0 && p[n - 1] > 0))) {
      const y = lo * 2;
      const x = hi + y;
      if (y === x - hi) hi = x;
    }
    return hi;
  }

  private grow(x: number): void {
    const p = this.p;
    let i = 0;
    for (let j = 0; j < this.n; j++) {
      let y = p[j];
      if (Math.abs(x) < Math.abs(y)) {
        const t = x;
        x = y;
        y = t;
      }
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) p[i++] = lo;
      x = hi;
    }
    if (x !== 0) {
      if (i === p.length) this.p = growArray(p);
      this.p[i++] = x;
    }
    this.n = i;
  }
}

function growArray(p: Float64Array): Float64Array<ArrayBuffer> {
  const q = new Float64Array(p.length * 2);
  q.set(p);
  return q;
}
