import { defineStrategy, isOpen, roundToTick, z, type Bracket, type Context } from 'lockstep';

/**
 * Channel breakout with a bracket exit and a trailing stop: when the price (trade, or bar
 * close) rises above the highest of the previous `lookback` prices, buy `size` with a
 * stop-loss `stopTicks` below and a take-profit `targetTicks` above the breakout price;
 * while in the trade the stop follows the highest price seen at `trailTicks` (moved with
 * replace, never down). One bracket at a time.
 */
export const strategy = defineStrategy({
  name: 'trailing-breakout',
  description: 'Breakout entry with a stop-loss/take-profit bracket and a trailing stop',
  params: z.strictObject({
    /** Prices in the channel. */
    lookback: z.number().int().min(2).default(20),
    /** Quantity bought on a breakout. */
    size: z.number().positive().default(1),
    /** Initial stop distance below the breakout price, in ticks. */
    stopTicks: z.number().int().positive().default(20),
    /** Take-profit distance above the breakout price, in ticks. */
    targetTicks: z.number().int().positive().default(40),
    /** Trailing distance from the highest price since entry, in ticks (0: the stop stays put). */
    trailTicks: z.number().int().min(0).default(20),
  }),
  space: {
    params: {
      lookback: { type: 'int', low: 5, high: 100, step: 5 },
      stopTicks: { type: 'int', low: 5, high: 100, step: 5 },
      targetTicks: { type: 'int', low: 10, high: 200, step: 10 },
    },
  },
  create(p) {
    const window: number[] = [];
    let bracket: Bracket | null = null;
    let high = Number.NaN;
    const working = (b: Bracket) => isOpen(b.entry.status) || [b.stopLoss, b.takeProfit].some((o) => o !== null && isOpen(o.status));
    const trail = (price: number, tick: number, ctx: Context) => {
      const sl = bracket?.stopLoss;
      if (!sl || p.trailTicks === 0) return;
      if (price > high) high = price;
      const want = roundToTick(high - p.trailTicks * tick, tick);
      // Only while the venue has the stop as it stands (not triggered, no request on its way).
      if (want > sl.stopPrice + tick / 2 && sl.status === 'accepted') ctx.replace(sl.id, { stopPrice: want });
    };
    const onPrice = (price: number, ctx: Context) => {
      const tick = ctx.instrument().tickSize;
      if (bracket !== null && !working(bracket)) bracket = null;
      if (bracket === null) {
        const full = window.length === p.lookback;
        if (full && price > Math.max(...window) && ctx.position() === 0 && !ctx.hasOpenOrders()) {
          const r = ctx.bracket({
            side: 'buy', qty: p.size, tag: 'breakout',
            stopLoss: { stopPrice: roundToTick(price - p.stopTicks * tick, tick) },
            takeProfit: { price: roundToTick(price + p.targetTicks * tick, tick) },
          });
          if (r.ok) {
            bracket = r.bracket;
            high = price;
          }
        }
      } else {
        trail(price, tick, ctx);
      }
      window.push(price);
      if (window.length > p.lookback) window.shift();
    };
    return {
      onTrade: (t, ctx) => onPrice(t.price, ctx),
      onBar: (b, ctx) => onPrice(b.close, ctx),
    };
  },
});
