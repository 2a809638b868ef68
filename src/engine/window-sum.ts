import { RollingFsum } from './rolling-fsum.ts';

/**
 * The last `length` values of a series and their exact sum, correctly rounded (ties to even):
 * bit for bit `math.fsum(window)`, in O(1) per value.
 *
 * Fast path (split accumulators): every value x is cut at a fixed binary point into a high
 * part xh = (x + C) − C, a multiple of q = 2^(k−52) where C = 1.5·2^k, and the exact rest
 * xl = x − xh (|xl| ≤ q/2). With 2^k ≥ 2(length+1)·bound, where bound ≥ every |x|, the sum
 * of the high parts is a multiple of q below 2^53·q, and with every non-zero |x| ≥ floor
 * (= (length+1)·2^k·2^−53) the sum of the low parts is a multiple of the window's smallest
 * ulp below 2^53 times it: both running sums stay exact under adds and removals, and one
 * final addition rounds their exact total once, as fsum does. A value outside [floor, bound]
 * re-cuts the window (O(length), e.g. after prices rise fourfold); a window whose values
 * span more than the fast path covers, or that holds a non-finite value, is summed by
 * RollingFsum's partials from then on.
 */
export class WindowSum {
  private readonly window: Float64Array;
  private next = 0;
  private count = 0;
  private hiSum = 0;
  private loSum = 0;
  private cut = 0;
  private bound = -1;
  private floor = 0;
  private partials: RollingFsum | null = null;

  /** The window's length (a field with a value from the start: V8 then keeps it as a small integer, unchecked on every load). */
  readonly length: number = 0;

  constructor(length: number) {
    this.length = length;
    this.window = new Float64Array(length);
  }

  /** True once the window holds `length` values. */
  get full(): boolean {
    return this.count === this.length;
  }

  /** True while the split accumulators sum the window (false once it has fallen back to partials). */
  get usesSplit(): boolean {
    return this.partials === null;
  }

  /**
   * Appends `x`, dropping the oldest value once the window is full; returns `full` after it
   * (a caller that reads the sum next need not load the window's state again for it).
   */
  push(x: number): boolean {
    if (this.partials !== null || !this.fits(x)) return this.pushOffSplit(x);
    const w = this.window;
    const i = this.next;
    const c = this.cut;
    const xh = x + c - c;
    this.next = i + 1 === this.length ? 0 : i + 1;
    if (this.count === this.length) {
      // The value in and the one out in one step per sum, each difference exact: xh − oh of two
      // multiples of q below 2^k, and (x − xh) − (old − oh) of two multiples of the window's
      // smallest ulp at most q/2 each. Each running sum takes the same exact value as in two steps.
      // The slot is read and written before the sums' stores: V8 then checks the array once.
      const old = w[i];
      w[i] = x;
      const oh = old + c - c;
      this.hiSum += xh - oh;
      this.loSum += (x - xh) - (old - oh);
      return true;
    }
    w[i] = x;
    this.hiSum += xh;
    this.loSum += x - xh;
    return ++this.count === this.length;
  }

  /** `push` off the split path: on partials, or of a value the cut does not cover (the window is cut again). */
  private pushOffSplit(x: number): boolean {
    const w = this.window;
    const i = this.next;
    const old = w[i];
    const evicting = this.count === this.length;
    w[i] = x;
    this.next = i + 1 === this.length ? 0 : i + 1;
    if (!evicting) this.count++;
    const p = this.partials;
    if (p === null) this.recut();
    else if (evicting) p.swap(old, x);
    else p.add(x);
    return this.count === this.length;
  }

  /** Replaces the newest value with `x` (a bar's update in place); pushes when the window is empty. */
  replaceLast(x: number): void {
    if (this.count === 0) {
      this.push(x);
      return;
    }
    const last = this.next === 0 ? this.length - 1 : this.next - 1;
    const old = this.window[last];
    this.window[last] = x;
    if (this.partials !== null) return this.partials.swap(old, x);
    if (!this.fits(x)) return this.recut();
    const c = this.cut;
    const xh = x + c - c;
    const oh = old + c - c;
    this.hiSum += xh - oh; // the same exact one-step differences as push's
    this.loSum += (x - xh) - (old - oh);
  }

  /** The exact sum of the window rounded once; while it holds a non-finite value, the plain sum oldest first. */
  value(): number {
    const p = this.partials;
    if (p === null) return this.hiSum + this.loSum;
    return p.hasNonFinite ? this.plainSum() : p.value();
  }

  private fits(x: number): boolean {
    const a = Math.abs(x);
    return a <= this.bound && (a >= this.floor || a === 0); // false for NaN
  }

  /** Chooses the cut for the window's values and sums them again; partials when no cut covers them. */
  private recut(): void {
    let max = 0;
    let min = Infinity;
    let finite = true;
    for (let k = 0; k < this.count; k++) {
      const a = Math.abs(this.window[k]);
      if (!(a < Infinity)) finite = false;
      else if (a > 0) {
        if (a > max) max = a;
        if (a < min) min = a;
      }
    }
    const bound = max === 0 ? 1 : 4 * 2 ** Math.ceil(Math.log2(max)); // room to rise fourfold
    const m = this.length + 1;
    const top = 2 ** Math.ceil(Math.log2(2 * m * bound)); // 2^k
    const floor = m * top * 2 ** -53;
    if (!finite || min < floor || !(top < 2 ** 1000)) return this.fallBack();
    this.cut = 1.5 * top;
    this.bound = bound;
    this.floor = floor;
    this.hiSum = 0;
    this.loSum = 0;
    const c = this.cut;
    for (let j = 0; j < this.count; j++) {
      const x = this.window[j];
      const xh = x + c - c;
      this.hiSum += xh;
      this.loSum += x - xh;
    }
  }

  private fallBack(): void {
    const p = new RollingFsum();
    for (let j = 0; j < this.count; j++) p.add(this.window[j]);
    this.partials = p;
  }

  /** The window summed oldest first. */
  private plainSum(): number {
    const n = this.count;
    const start = n === this.length ? this.next : 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += this.window[(start + k) % this.length];
    return s;
  }
}
