import type { Micros } from '../core/time.ts';
import { CurveDerivation, type EquityMarks } from './curve-derivation.ts';
import { EquityRecorder, type EquityCurve } from './equity-recorder.ts';
import type { Portfolio } from './portfolio.ts';
import type { ResultSink } from './result-sink.ts';

/**
 * When the engine takes equity points: after every event (bars; any run with a risk
 * engine, whose loss limits need every event's equity), or — for interval curves (ticks:
 * one point per second) — when an event opens the next interval: the interval it leaves
 * gets its last state, since nothing has changed that state in between. Per event that
 * costs one comparison instead of a revaluation.
 */
export class EquitySampler {
  readonly curve: EquityRecorder;
  /** True when points are taken as intervals close (nothing to do after an event). */
  readonly perInterval: boolean;
  private bucketTs = 0;
  private bucketEnd = -Infinity;

  /**
   * @param interval µs per point (0: one point per distinct event time)
   * @param everyEvent take every event's equity even with an interval (a risk engine watches it)
   * @param expectedPoints points known up front (see EquityRecorder)
   * @param sink where full blocks of points go during the run (see ResultSink)
   * @param storage columns to record into (see EquityRecorder)
   */
  constructor(private readonly portfolio: Portfolio, private readonly interval: number, everyEvent: boolean, expectedPoints: number, sink: ResultSink | null = null,
    storage: EquityCurve | null = null) {
    this.curve = new EquityRecorder(interval > 0 ? 0 : expectedPoints, sink, storage);
    this.perInterval = interval > 0 && !everyEvent;
    this.everyEvent = everyEvent;
    this.signed = interval === 0 && !everyEvent && portfolio.oneCashSettled;
  }

  private readonly everyEvent: boolean;
  /**
   * Per-event points of one cash-settled instrument, nothing reading the portfolio's revalued
   * equity after them (no risk engine): each point is taken as its cash and signed notional
   * (EquityRecorder.recordSigned), without the revaluation. ~5 % of a 1M-bar ma-cross run. Read as
   * `=== true`: V8 compiles `if (flag)` of a boolean field as a test for every kind of truthy value.
   */
  private readonly signed: boolean;
  /** The portfolio's change count at the last point a derived curve noted its state for. */
  private seen = -1;

  /**
   * One instrument's bars, one point per bar, nothing watching every event's equity (no risk
   * engine) and columns given up front: the curve is derived from `marks` and the portfolio's
   * changes after the run (CurveDerivation) instead of revalued and written per bar. True when it is.
   */
  deriveFrom(marks: EquityMarks): boolean {
    const p = this.portfolio;
    if (this.interval > 0 || this.everyEvent || p.slots !== 1) return false;
    return this.curve.derive(new CurveDerivation(marks, p.terms(0)));
  }

  /** Before an event at `ts`: closes the interval the event leaves. */
  enter(ts: Micros): void {
    if (this.perInterval && ts >= this.bucketEnd) this.openInterval(ts);
  }

  /** After an event at `ts` (per-event mode): records the point; returns its (interval) time. */
  record(ts: Micros): Micros {
    const p = this.portfolio;
    const c = this.curve;
    if (c.deriving) {
      // A derived curve's run has no interval (see deriveFrom).
      const i = c.countPoint(ts);
      if (p.changes !== this.seen) {
        this.seen = p.changes;
        c.noteState(i, p.cash, p.position(0), p.markPrice(0));
      }
      return ts;
    }
    if (this.signed === true && c.recordSigned(ts, p.cash, p.signedNotional())) return ts;
    const iv = this.interval;
    if (iv > 0) ts = Math.floor(ts / iv) * iv;
    p.revalue();
    c.record(ts, p.equityValue, p.cash, p.grossValue);
    return ts;
  }

  /** End of the run: the open interval gets its point. */
  finish(): void {
    if (this.perInterval && this.bucketEnd !== -Infinity) this.closeInterval();
  }

  private openInterval(ts: Micros): void {
    if (this.bucketEnd !== -Infinity) this.closeInterval();
    this.bucketTs = Math.floor(ts / this.interval) * this.interval;
    this.bucketEnd = this.bucketTs + this.interval;
  }

  private closeInterval(): void {
    const p = this.portfolio;
    p.revalue();
    this.curve.record(this.bucketTs, p.equityValue, p.cash, p.grossValue);
  }
}
