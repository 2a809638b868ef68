/** One bar of history (times in µs). */
export interface HistoryBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** The last `cap` bars read before a window's start, kept for a strategy's warm-up. */
export class BarHistory {
  private readonly rows: HistoryBar[] = [];
  /** Bars seen before the window (kept or not). */
  seen = 0;

  constructor(readonly cap: number) {}

  push(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    this.seen++;
    this.rows.push({ ts, open, high, low, close, volume });
    if (this.rows.length > 2 * this.cap) this.rows.splice(0, this.rows.length - this.cap); // amortized trim
  }

  /** The last `n` bars (at most `cap`), oldest first. */
  last(n: number): HistoryBar[] {
    return this.rows.slice(-Math.min(n, this.cap));
  }
}
