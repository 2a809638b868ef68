import { defineStrategy, SMA, z } from 'lockstep';

/**
 * Trade-driven momentum: SMAs of the last `fast` and `slow` trade prices; long `size`
 * while the fast average is above the slow one, short while below, switching with market
 * orders (one order in flight at a time).
 */
export const strategy = defineStrategy({
  name: 'trade-momentum',
  description: 'SMA cross on trade prices, market orders, long/short',
  params: z.strictObject({
    fast: z.number().int().min(1).default(50),
    slow: z.number().int().min(2).default(200),
    size: z.number().positive().default(0.1),
  }).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow' }),
  space: {
    params: { fast: { type: 'int', low: 10, high: 200, step: 10 }, slow: { type: 'int', low: 100, high: 2000, step: 100 } },
    constraints: [{ name: 'fast < slow', check: (p) => Number(p.fast) < Number(p.slow) }],
  },
  create(p) {
    const fast = new SMA(p.fast);
    const slow = new SMA(p.slow);
    return {
      onTrade(trade, ctx) {
        const f = fast.add(trade.price);
        const s = slow.add(trade.price);
        if (f === null || s === null || f === s || ctx.hasOpenOrders()) return;
        const target = f > s ? p.size : -p.size;
        const delta = target - ctx.position();
        if (delta > 1e-12) ctx.buy(delta);
        else if (delta < -1e-12) ctx.sell(-delta);
      },
    };
  },
});
