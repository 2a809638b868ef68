import { assert } from '../core/assert.ts';
import type { EquityCurve } from './equity-recorder.ts';
import type { PositionTerms } from './fill-cash.ts';
import { equityShare, markFlow, notionalOf } from './slot-value.ts';

/** One bar per point: the bars' times and closes, what marks the position between its changes. */
export interface EquityMarks {
  readonly ts: Float64Array;
  readonly close: Float64Array;
}

/** The one instrument's terms the points are valued with (Portfolio.terms' instrument part). */
export type SlotTerms = Pick<PositionTerms, 'multiplier' | 'margined' | 'margin'>;

/**
 * An equity curve of one instrument's bars derived after the run instead of recorded per bar.
 * It keeps the portfolio's state (cash, position, mark) at each point where something other
 * than a bar's close changed it — a fill, a fee, an adopted position, the first point — and takes
 * every other point's mark from its bar's close. Between changes a bar only marks the position at
 * its close (a margined one moves its P&L into cash there), so each point's cash, equity and
 * exposure follow with the per-event path's arithmetic, in its order: bit for bit the curve
 * `Portfolio.revalue` and `EquityRecorder.record` would have written (tested against it).
 */
export class CurveDerivation {
  private readonly at: number[] = [];
  private readonly cash: number[] = [];
  private readonly qty: number[] = [];
  private readonly mark: number[] = [];

  constructor(private readonly marks: EquityMarks, private readonly terms: SlotTerms) {}

  /** The portfolio's state after everything of point `i` (replaces what was noted for `i` already). */
  note(i: number, cash: number, qty: number, mark: number): void {
    let k = this.at.length - 1;
    if (k < 0 || this.at[k] !== i) {
      k++;
      this.at.push(i);
    }
    this.cash[k] = cash;
    this.qty[k] = qty;
    this.mark[k] = mark;
  }

  /** Writes the first `n` points, the last at `lastTs`, into `out` (columns of at least `n`). */
  fill(out: EquityCurve, n: number, lastTs: number): void {
    if (n === 0) return;
    const { ts, close } = this.marks;
    if (n > ts.length || ts[n - 1] !== lastTs) throw new Error(`equity curve derivation: ${n} points up to ${lastTs} do not match the ${ts.length} bars given`);
    assert(this.at[0] === 0, 'equity curve derivation: no state noted at the first point');
    const { multiplier, margined, margin } = this.terms;
    const at = this.at;
    out.ts.set(ts.subarray(0, n));
    // A stretch of points per noted state: many short calls, each optimized as a whole (one loop
    // over every point of a trial would be optimized on stack while it runs, and V8 keeps such code).
    for (let k = 0; k < at.length && at[k] < n; k++) {
      const to = k + 1 < at.length ? Math.min(at[k + 1], n) : n;
      fillStretch(out, close, at[k], to, this.cash[k], this.qty[k], this.mark[k], multiplier, margined, margin);
    }
  }
}

/**
 * Points [from, to) but their times: the state noted at `from` (its cash, position and mark), then
 * each bar's close marks the position, with Portfolio.setMark's cash flow (margined) and
 * Portfolio.revalue's sums. One loop per kind of stretch (flat, cash-settled, margined).
 */
function fillStretch(out: EquityCurve, close: Float64Array, from: number, to: number, cash: number, q: number, mark: number,
  m: number, margined: boolean, margin: number): void {
  const { equity, cash: cashes, exposure } = out;
  if (q === 0) {
    for (let j = from; j < to; j++) {
      equity[j] = cash;
      cashes[j] = cash;
      exposure[j] = 0;
    }
    return;
  }
  let notional = notionalOf(q, mark, m);
  equity[from] = cash + equityShare(q, notional, margined, margin);
  cashes[from] = cash;
  exposure[from] = Math.abs(notional);
  if (margined) {
    const held = equityShare(q, notional, true, margin);
    for (let j = from + 1; j < to; j++) {
      const price = close[j];
      cash += markFlow(q, price, mark, m);
      mark = price;
      equity[j] = cash + held;
      cashes[j] = cash;
      exposure[j] = Math.abs(notionalOf(q, price, m));
    }
    return;
  }
  for (let j = from + 1; j < to; j++) {
    notional = notionalOf(q, close[j], m);
    equity[j] = cash + notional;
    cashes[j] = cash;
    exposure[j] = Math.abs(notional);
  }
}
