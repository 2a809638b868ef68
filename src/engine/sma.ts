import { SMA as BaseSMA } from 'trading-signals';
import { WindowSum } from './window-sum.ts';

/**
 * Simple moving average with trading-signals' SMA interface (add, replace, getResult,
 * isStable, …), computed in O(1) per value: the window's exact sum (WindowSum) rounded
 * once, divided by the length — `math.fsum(window) / n`, backtrader's SMA bit for bit, and
 * within a few ulps of trading-signals' left-to-right average (which costs one addition per
 * window value per bar). Exact sums make ties exact: two averages of equal windows are equal.
 */
export class SMA extends BaseSMA {
  private readonly _sum: WindowSum;
  /** The latest average (NaN until the window is full): a double field, so an update stores in place (the base class's `result` field boxes every value). */
  private _value = Number.NaN;

  constructor(interval: number) {
    super(interval);
    if (!(Number.isInteger(interval) && interval >= 1)) throw new RangeError(`SMA length must be a whole number ≥ 1, got ${interval}`);
    this._sum = new WindowSum(interval);
  }

  /** One value in (or, with `replace`, in place of the last one); the average once the window is full. */
  override update(price: number, replace: boolean): number | null {
    const sum = this._sum;
    if (replace) {
      sum.replaceLast(price);
      if (!sum.full) return null;
    } else if (!sum.push(price)) return null;
    const v = sum.value() / sum.length; // the window's length: an untagged field (the base class's `interval` is checked on every load)
    this._value = v;
    return v;
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
    return this._sum.full ? this._value : null;
  }

  override getResultOrThrow(): number {
    if (!this._sum.full) return super.getResultOrThrow(); // trading-signals' NotEnoughDataError
    return this._value;
  }

  override get isStable(): boolean {
    return this._sum.full;
  }

  override getState(): ReturnType<BaseSMA['getState']> {
    this.result = this.isStable ? this._value : undefined; // the base reads its own field
    return super.getState();
  }
}
