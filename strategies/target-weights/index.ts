import { calendarPeriod, defineStrategy, rebalanceTo, z } from 'lockstep';

/**
 * A basket held at fixed weights of equity, rebalanced at the start of every period
 * (month, quarter or year) — or only when a weight drifted more than `band` from its
 * target. Weights are by symbol or instrument id; negative weights are shorts.
 */
export const strategy = defineStrategy({
  name: 'target-weights',
  description: 'Holds a basket at fixed weights, rebalancing each period',
  params: z.strictObject({
    /** Target share of equity per instrument (symbol or id). */
    weights: z.record(z.string(), z.number()).refine((w) => Object.keys(w).length > 0, { message: 'name at least one instrument' }),
    /** When to rebalance. */
    every: z.enum(['monthly', 'quarterly', 'yearly']).default('monthly'),
    /** Rebalance only when some weight is further than this from its target (0: always). */
    band: z.number().min(0).default(0),
  }),
  create(p) {
    let period = Number.NaN;
    return {
      onBars(bars, ctx) {
        const now = calendarPeriod(bars[0].ts, p.every);
        if (now === period || ctx.hasOpenOrders()) return;
        const equity = ctx.portfolio.equity();
        const drift = Object.entries(p.weights).some(([id, w]) => {
          const v = ctx.positionView(id);
          const held = v.qty === 0 ? 0 : (v.qty * v.lastPrice * ctx.instrument(id).multiplier) / equity;
          return Math.abs(held - w) > p.band;
        });
        if (Object.keys(p.weights).some((id) => !(ctx.positionView(id).lastPrice > 0))) return; // wait for every price
        period = now;
        if (drift) rebalanceTo(ctx, p.weights, { equity });
      },
    };
  },
});
