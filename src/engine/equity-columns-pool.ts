import { newEquityColumns, type EquityCurve } from './equity-recorder.ts';

/**
 * Equity columns handed from one run to the next, for a caller that runs many backtests
 * one after another and reads each curve only before starting the next (optimizer trials).
 * Fresh columns cost more than their size suggests: memory a process has not touched yet
 * (or returned to the system) must be faulted in page by page, and on a virtual machine
 * that reports free pages to its host that is several microseconds per page — more than
 * the whole replay of a 100k-bar trial costs per point. Reused columns are already there.
 */
export class EquityColumnsPool {
  private readonly free: EquityCurve[] = [];

  /** @param keep how many free sets are kept at most (the smallest goes first) */
  constructor(private readonly keep = 2) {}

  /** Columns holding at least `n` points: a free set when one is large enough, else new ones. */
  take(n: number): EquityCurve {
    for (let k = 0; k < this.free.length; k++) {
      const c = this.free[k];
      if (c.ts.length >= n) {
        this.free[k] = this.free[this.free.length - 1];
        this.free.pop();
        return c;
      }
    }
    return newEquityColumns(n);
  }

  /** Gives a set back once nothing reads it any more (the curve of a run recorded into it included). */
  give(c: EquityCurve): void {
    if (this.free.includes(c)) return;
    this.free.push(c);
    this.free.sort((a, b) => b.ts.length - a.ts.length);
    if (this.free.length > this.keep) this.free.length = this.keep;
  }

  /** Free sets held (tests). */
  get size(): number {
    return this.free.length;
  }
}
