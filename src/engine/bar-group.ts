import { copyBarView, emptyBarView, type BarView } from '../core/events.ts';

/**
 * The bars of one time across feeds, for `Strategy.onBars`: a copy per instrument slot
 * (a feed's reused view is overwritten by its next bar before the group is handed over),
 * listed in arrival order. The copies are made once; each time costs one short list.
 */
export class BarGroup {
  /** Time of the bars held (NaN when empty). */
  ts = Number.NaN;
  private readonly copies: BarView[];
  private readonly list: BarView[] = [];

  constructor(slots: number) {
    this.copies = Array.from({ length: slots }, () => emptyBarView());
  }

  add(bar: BarView): void {
    const c = copyBarView(bar, this.copies[bar.instrumentIndex]);
    if (!this.list.includes(c)) this.list.push(c);
    this.ts = bar.ts;
  }

  /** The bars held, emptied for the next time (the returned list is valid until the next `add`). */
  take(): readonly BarView[] {
    const out = this.list.slice();
    this.list.length = 0;
    this.ts = Number.NaN;
    return out;
  }
}
