import type { TradeView } from '../core/events.ts';
import type { Order } from '../core/order.ts';
import type { Context } from '../engine/strategy.ts';
import { ExecAlgo, type ExecOptions } from './exec-algo.ts';

/**
 * Percentage of volume: keeps the executed (plus working) quantity at `rate` of the
 * market volume traded since the start, sending a child whenever the deficit reaches
 * `minChildQty`.
 */
export class Pov extends ExecAlgo {
  readonly algo = 'pov';
  private marketVolume = 0;

  constructor(id: string, private readonly p: ExecOptions & { rate: number; minChildQty?: number }) {
    super(id, p);
    if (!(p.rate > 0 && p.rate < 1)) throw new RangeError(`${id}: rate must be in (0, 1)`);
  }

  protected onStart(): void {}

  protected override onMarketTrade(trade: TradeView, ctx: Context): void {
    this.marketVolume += trade.qty;
    const want = Math.min(this.o.qty, this.p.rate * this.marketVolume);
    const deficit = want - this.filled - this.working();
    const min = this.p.minChildQty ?? ctx.instrument(this.o.instrument).lotSize;
    if (deficit >= min - 1e-12) this.send(ctx, deficit);
  }
}

/**
 * Iceberg: shows at most `displayQty` at a time — one limit child at `price` (or the near
 * touch at each refill); when it has filled, the next clip is sent, until `qty` is done.
 */
export class Iceberg extends ExecAlgo {
  readonly algo = 'iceberg';

  constructor(id: string, private readonly p: ExecOptions & { displayQty: number; price?: number }) {
    super(id, p);
    if (!(p.displayQty > 0 && p.displayQty <= p.qty)) throw new RangeError(`${id}: displayQty must be in (0, qty]`);
  }

  protected onStart(ctx: Context): void {
    this.clip(ctx);
  }

  protected override onChildFilled(order: Readonly<Order>, ctx: Context): void {
    if (order.status === 'filled' && this.working() === 0) this.clip(ctx);
  }

  private clip(ctx: Context): void {
    const q = Math.min(this.p.displayQty, this.o.qty - this.filled);
    this.send(ctx, q, this.p.price ?? this.nearTouch(ctx));
  }
}
