import { defineStrategy, SMA, z } from 'lockstep';

/**
 * Two-SMA trend follower, always in the market once both averages exist: long `size`
 * while the fast SMA is above the slow one, short `size` while it is below, reversing
 * with one order on each cross.
 */
export const strategy = defineStrategy({
  name: 'ma-cross',
  description: 'Long when the fast SMA is above the slow SMA, short when below',
  params: z.strictObject({
    /** Fast SMA length. */
    fast: z.number().int().min(1).default(10),
    /** Slow SMA length. */
    slow: z.number().int().min(2).default(30),
    /** Absolute position held. */
    size: z.number().positive().default(1),
  }).refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow' }),
  space: {
    params: { fast: { type: 'int', low: 2, high: 50 }, slow: { type: 'int', low: 10, high: 200 } },
    constraints: [{ name: 'fast < slow', check: (p) => Number(p.fast) < Number(p.slow) }],
  },
  history: (p) => ({ bars: p.slow }),
  create(p) {
    const fast = new SMA(p.fast);
    const slow = new SMA(p.slow);
    let pending = false;
    return {
      onBar(bar, ctx) {
        fast.add(bar.close);
        slow.add(bar.close);
        // `value` (NaN until the window is full), not add's `number | null`: no heap number per bar.
        const f = fast.value;
        const s = slow.value;
        if (Number.isNaN(f) || Number.isNaN(s) || f === s) return;
        if (pending && ctx.hasOpenOrders()) return;
        pending = false;
        const target = f > s ? p.size : -p.size;
        const delta = target - ctx.position();
        if (delta === 0) return;
        const r = delta > 0 ? ctx.buy(delta) : ctx.sell(-delta);
        pending = r.ok;
      },
    };
  },
});
