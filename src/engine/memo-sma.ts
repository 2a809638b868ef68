import { SMA as BaseSMA } from 'trading-signals';
import { tapeFor, type Tape } from './indicator-memo.ts';

/**
 * trading-signals' SMA with the optimizer's indicator memo (see indicator-memo.ts): same
 * class, same values; inside a memo scope repeated configurations replay a recording
 * instead of re-averaging the window on every bar.
 */
export class SMA extends BaseSMA {
  // Plain fields (not #private): this is the per-bar path of every optimizer trial.
  private _tape: Tape | null;
  private _i = 0;
  private _live: boolean;

  constructor(interval: number) {
    super(interval);
    this._tape = tapeFor(`SMA:${interval}`);
    this._live = this._tape === null;
  }

  override update(price: number, replace: boolean): number | null {
    const t = this._tape;
    if (t === null) return super.update(price, replace);
    const i = this._i;
    if (!this._live) {
      const rec = t.input[i];
      if (!replace && i < t.n && (rec === price || (rec !== rec && price !== price))) {
        this._i = i + 1;
        const o = t.output[i];
        return o === o ? o : null;
      }
      this.materialize();
    }
    const out = super.update(price, replace);
    if (replace) {
      this._tape = null; // corrections leave the recorded stream
    } else {
      if (i === t.n && i < t.input.length) {
        t.input[i] = price;
        t.output[i] = out ?? Number.NaN;
        t.n = i + 1;
      }
      this._i = i + 1;
    }
    return out;
  }

  override getResult(): number | null {
    if (!this._live) this.materialize();
    return super.getResult();
  }

  override getResultOrThrow(): number {
    if (!this._live) this.materialize();
    return super.getResultOrThrow();
  }

  override get isStable(): boolean {
    if (!this._live) this.materialize();
    return super.isStable;
  }

  /** Feeds the consumed inputs to the real indicator so its own state is current. */
  private materialize(): void {
    this._live = true;
    const t = this._tape!;
    for (let k = 0; k < this._i; k++) super.update(t.input[k], false);
  }
}
