import { defineStrategy, QuoteLadder, roundToTick, z } from 'lockstep';

/**
 * Resting-quote market maker on L2 data: keeps `levels` post-only bids and asks spaced
 * `spacing` ticks apart around the mid (the first `offset` ticks away from it). When the
 * mid moves by `requote` ticks the ladder is moved: quotes still at a wanted price stay
 * (keeping their queue place), the others are cancelled and the missing prices quoted.
 * Open orders count against `maxPosition` until they are gone (cancels travel).
 */
export const strategy = defineStrategy({
  name: 'grid-mm',
  description: 'Quotes N post-only levels each side around the mid; moves the ladder when the mid moves',
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
    const ladder = new QuoteLadder();
    const bids: number[] = [];
    const asks: number[] = [];
    return {
      onBook(_delta, ctx) {
        const mid = ctx.book().mid();
        if (!(mid > 0)) return;
        const tick = ctx.instrument().tickSize;
        if (Math.abs(mid - lastMid) < p.requote * tick) {
          if (ladder.waiting) ladder.sync(ctx, bids, asks, p.size, p.maxPosition); // replaced quotes are gone now: place the new ones
          return;
        }
        lastMid = mid;
        bids.length = 0;
        asks.length = 0;
        // In ticks, with a small tolerance so float noise (100.03 / 0.01 = 10003.000000000002) never shifts a quote.
        const midTicks = mid / tick;
        for (let k = 0; k < p.levels; k++) {
          const away = p.offset + k * p.spacing;
          bids.push(roundToTick(Math.floor(midTicks - away + 1e-9) * tick, tick));
          asks.push(roundToTick(Math.ceil(midTicks + away - 1e-9) * tick, tick));
        }
        ladder.sync(ctx, bids, asks, p.size, p.maxPosition);
      },
    };
  },
});
