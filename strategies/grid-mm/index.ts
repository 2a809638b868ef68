import { defineStrategy, roundToTick, z } from 'lockstep';

/**
 * Resting-quote market maker on L2 data: keeps `levels` post-only bids and asks spaced
 * `spacing` ticks apart around the mid (the first `offset` ticks away from it), and
 * cancels and re-quotes when the mid moves by `requote` ticks. Stops quoting the side that
 * would push the position past `maxPosition`.
 */
export const strategy = defineStrategy({
  name: 'grid-mm',
  description: 'Quotes N post-only levels each side around the mid; re-quotes when the mid moves',
  params: z.strictObject({
    /** Quotes per side. */
    levels: z.number().int().min(1).max(50).default(3),
    /** Ticks between the mid and the first quote. */
    offset: z.number().min(0).default(1),
    /** Ticks between consecutive quotes. */
    spacing: z.number().positive().default(2),
    /** Mid move (ticks) that triggers a re-quote. */
    requote: z.number().positive().default(2),
    /** Size of each quote. */
    size: z.number().positive().default(0.1),
    /** Absolute position limit. */
    maxPosition: z.number().positive().default(1),
  }),
  space: {
    params: {
      levels: { type: 'int', low: 1, high: 5 },
      offset: { type: 'int', low: 0, high: 5 },
      spacing: { type: 'int', low: 1, high: 10 },
      requote: { type: 'int', low: 1, high: 10 },
    },
  },
  create(p) {
    let lastMid = Number.NaN;
    return {
      onBook(_delta, ctx) {
        const book = ctx.book();
        const mid = book.mid();
        if (!(mid > 0)) return;
        const tick = ctx.instrument().tickSize;
        if (Math.abs(mid - lastMid) < p.requote * tick) return;
        lastMid = mid;
        ctx.cancelAll();
        const pos = ctx.position();
        for (let k = 0; k < p.levels; k++) {
          const away = (p.offset + k * p.spacing) * tick;
          if (pos + p.size * (k + 1) <= p.maxPosition + 1e-12) {
            ctx.buy(p.size, { type: 'limit', price: roundToTick(Math.floor((mid - away) / tick) * tick, tick), postOnly: true });
          }
          if (pos - p.size * (k + 1) >= -p.maxPosition - 1e-12) {
            ctx.sell(p.size, { type: 'limit', price: roundToTick(Math.ceil((mid + away) / tick) * tick, tick), postOnly: true });
          }
        }
      },
    };
  },
});
