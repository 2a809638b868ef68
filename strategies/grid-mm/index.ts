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
        // Cancels travel to the venue: orders still open may fill meanwhile, so they count
        // against the position limit until they are gone.
        let buying = 0;
        let selling = 0;
        for (const o of ctx.openOrders()) {
          if (o.side === 'buy') buying += o.qty - o.filledQty;
          else selling += o.qty - o.filledQty;
        }
        const pos = ctx.position();
        for (let k = 0; k < p.levels; k++) {
          const away = (p.offset + k * p.spacing) * tick;
          if (pos + buying + p.size <= p.maxPosition + 1e-9) {
            ctx.buy(p.size, { type: 'limit', price: roundToTick(Math.floor((mid - away) / tick) * tick, tick), postOnly: true });
            buying += p.size;
          }
          if (pos - selling - p.size >= -p.maxPosition - 1e-9) {
            ctx.sell(p.size, { type: 'limit', price: roundToTick(Math.ceil((mid + away) / tick) * tick, tick), postOnly: true });
            selling += p.size;
          }
        }
      },
    };
  },
});
