import { SMA as BaseSMA } from 'trading-signals';
import { recordValue, sameValue, tapeFor, type Tape } from './indicator-memo.ts';
import { WindowSum } from './window-sum.ts';

/**
 * Simple moving average with trading-signals' SMA interface (add, replace, getResult,
 * isStable, …), computed in O(1) per value: the window's exact sum (WindowSum) rounded
 * once, divided by the length — `math.fsum(window) / n`, backtrader's SMA bit for bit, and
 * within a few ulps of trading-signals' left-to-right average (which costs one addition per
 * window value per bar). Exact sums make ties exact: two averages of equal windows are equal.
 * Inside an optimizer memo scope (indicator-memo.ts) repeated configurations replay a
 * recording of the same values.
 */
export class SMA extends BaseSMA {
  // Plain fields (not #private): this is the per-bar path of every optimizer trial.
  private _tape: Tape | null;
  private _i = 0;
  private _live: boolean;
  private readonly _sum: WindowSum;
  /** The latest average (NaN until the window is full): a double field, so an update stores in place (the base class's `result` field boxes every value). */
  private _value = Number.NaN;

  constructor(interval: number) {
    super(interval);
    if (!(Number.isInteger(interval) && interval >= 1)) throw new RangeError(`SMA length must be a whole number ≥ 1, got ${interval}`);
    this._sum = new WindowSum(interval);
    this._tape = tapeFor(`SMA:${interval}`);
    this._live = this._tape === null;
  }

  override update(price: number, replace: boolean): number | null {
    const t = this._tape;
    if (t === null) return this.compute(price, replace);
    const i = this._i;
    if (!this._live) {
      const rec = t.input[i];
      if (!replace && i < t.n && sameValue(rec, price)) {
        this._i = i + 1;
        const o = t.output[i];
        this._value = o;
        return o === o ? o : null;
      }
      this.materialize();
    }
    const out = this.compute(price, replace);
    if (replace) {
      this._tape = null; // corrections leave the recorded stream
    } else {
      if (i === t.n && i < t.output.length) recordValue(t, price, out ?? Number.NaN);
      this._i = i + 1;
    }
    return out;
  }

  /**
   * The latest average, NaN until the window is full: a plain number to read after `add`.
   * Per-bar code that compares averages this way allocates nothing, where `add`'s `number |
   * null`, once used, is a new heap number per call (V8 cannot keep a value that may be null
   * unboxed): 16 bytes per bar per average, a third of what an optimizer trial allocates.
   */
  get value(): number {
    return this._value;
  }

  override getResult(): number | null {
    if (!this._live) this.materialize();
    return this._sum.full ? this._value : null;
  }

  override getResultOrThrow(): number {
    if (!this._live) this.materialize();
    if (!this._sum.full) return super.getResultOrThrow(); // trading-signals' NotEnoughDataError
    return this._value;
  }

  override get isStable(): boolean {
    if (!this._live) this.materialize();
    return this._sum.full;
  }

  override getState(): ReturnType<BaseSMA['getState']> {
    this.result = this.isStable ? this._value : undefined; // the base reads its own field
    return super.getState();
  }

  /** Feeds the consumed inputs to the real indicator so its own state is current. */
  private materialize(): void {
    this._live = true;
    const t = this._tape!;
    for (let k = 0; k < this._i; k++) this.compute(t.input[k], false);
  }

  /** One value in (or, with `replace`, in place of the last one); the average once the window is full. */
  private compute(price: number, replace: boolean): number | null {
    const sum = this._sum;
    if (replace) sum.replaceLast(price);
    else sum.push(price);
    if (!sum.full) return null;
    const v = sum.value() / this.interval;
    this._value = v;
    return v;
  }
}
