import type { Order } from '../core/order.ts';
import type { Context } from '../engine/strategy.ts';
import { ExecAlgo, type ExecOptions } from './exec-algo.ts';

export interface ScheduleOptions extends ExecOptions {
  /** Execution window, seconds from start. */
  durationSeconds: number;
  /** At the end, send what is left as one market order (default true). */
  finishWithMarket?: boolean;
}

/**
 * Slices an order over time: at slice k (start + k·Δ) the cumulative target becomes
 * qty·F[k]; unfilled limit children of the previous slice are cancelled and the shortfall
 * to the target is sent. At the end the rest goes at market — including what the
 * cancelled limit children leave once their cancels are confirmed — or, with
 * `finishWithMarket: false`, is left and reported as opportunity cost.
 */
abstract class ScheduleAlgo extends ExecAlgo {
  private readonly cumulative: Float64Array;
  private slice = 0;
  private ending = false;

  constructor(id: string, private readonly s: ScheduleOptions, fractions: readonly number[]) {
    super(id, s);
    if (!(s.durationSeconds > 0)) throw new RangeError(`${id}: durationSeconds must be > 0`);
    const total = fractions.reduce((a, b) => a + b, 0);
    if (!(total > 0) || fractions.some((f) => !(f >= 0))) throw new RangeError(`${id}: slice fractions must be ≥ 0 with a positive sum`);
    this.cumulative = new Float64Array(fractions.length);
    let c = 0;
    fractions.forEach((f, k) => { c += f / total; this.cumulative[k] = c; });
    this.cumulative[fractions.length - 1] = 1;
  }

  /** Number of slices. */
  get slices(): number {
    return this.cumulative.length;
  }

  protected onStart(ctx: Context): void {
    const step = (this.s.durationSeconds * 1e6) / this.slices;
    for (let k = 1; k <= this.slices; k++) ctx.setTimer(`${this.id}:${k}`, this.startTs + Math.round(k * step));
    this.runSlice(ctx);
  }

  protected override onTimerFired(name: string, ctx: Context): void {
    const k = Number(name.slice(this.id.length + 1));
    if (k >= this.slices) {
      this.ending = true;
      this.cancelWorking(ctx);
      if (this.s.finishWithMarket ?? true) {
        const left = this.o.qty - this.filled;
        // Cancels travel: send only what is not still working.
        if (left > 0) this.send(ctx, left - this.working(), 'market');
      } else this.complete(ctx);
      return;
    }
    this.slice = k;
    this.runSlice(ctx);
  }

  /** A limit child cancelled at the end: its rest goes at market too. */
  protected override onChildCancelled(order: Readonly<Order>, ctx: Context): void {
    if (this.ending && (this.s.finishWithMarket ?? true)) this.send(ctx, order.qty - order.filledQty, 'market');
  }

  private runSlice(ctx: Context): void {
    if (this.o.childType === 'limit') this.cancelWorking(ctx);
    const target = this.o.qty * this.cumulative[this.slice];
    this.send(ctx, target - this.filled - this.working());
  }
}

/** Time-weighted: `slices` equal slices over the window. */
export class Twap extends ScheduleAlgo {
  readonly algo = 'twap';
  constructor(id: string, o: ScheduleOptions & { slices: number }) {
    if (!(Number.isInteger(o.slices) && o.slices >= 1)) throw new RangeError(`${id}: slices must be a whole number ≥ 1`);
    super(id, o, new Array(o.slices).fill(1));
  }
}

/** Volume-weighted: slice sizes follow a historical volume profile (see `volumeProfile`). */
export class Vwap extends ScheduleAlgo {
  readonly algo = 'vwap';
  constructor(id: string, o: ScheduleOptions & { profile: readonly number[] }) {
    super(id, o, o.profile);
  }
}

/**
 * Intraday volume profile from history: the share of volume traded in each of `buckets`
 * equal parts of the window [startSecondOfDay, startSecondOfDay + durationSeconds) (UTC),
 * averaged over the days of `bars` (timestamps µs, volumes).
 */
export function volumeProfile(ts: ArrayLike<number>, volume: ArrayLike<number>, startSecondOfDay: number, durationSeconds: number, buckets: number): number[] {
  const out = new Array<number>(buckets).fill(0);
  for (let i = 0; i < ts.length; i++) {
    const sod = ((ts[i] / 1e6) % 86_400 + 86_400) % 86_400;
    let off = sod - startSecondOfDay;
    if (off < 0) off += 86_400;
    if (off >= durationSeconds) continue;
    out[Math.min(buckets - 1, Math.floor((off / durationSeconds) * buckets))] += volume[i];
  }
  const total = out.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('volumeProfile: no volume in the window — pick a window the history covers');
  return out.map((v) => v / total);
}
