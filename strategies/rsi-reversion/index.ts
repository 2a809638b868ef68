import { defineStrategy, RSI, z } from 'lockstep';

/**
 * RSI mean reversion (long only): buy `size` when Wilder's RSI falls below `lower`,
 * sell the position when it rises above `upper`.
 */
export const strategy = defineStrategy({
  name: 'rsi-reversion',
  description: 'Buy oversold (RSI < lower), sell overbought (RSI > upper)',
  params: z.strictObject({
    /** RSI length in bars. */
    period: z.number().int().min(2).default(14),
    /** Oversold threshold. */
    lower: z.number().min(0).max(100).default(30),
    /** Overbought threshold. */
    upper: z.number().min(0).max(100).default(70),
    /** Quantity bought. */
    size: z.number().positive().default(1),
  }).refine((p) => p.lower < p.upper, { message: 'lower must be below upper' }),
  space: {
    params: {
      period: { type: 'int', low: 2, high: 30 },
      lower: { type: 'int', low: 10, high: 45, step: 5 },
      upper: { type: 'int', low: 55, high: 90, step: 5 },
    },
  },
  create(p) {
    const rsi = new RSI(p.period);
    return {
      onBar(bar, ctx) {
        const v = rsi.add(bar.close);
        if (v === null || ctx.hasOpenOrders()) return;
        const pos = ctx.position();
        if (pos === 0 && v < p.lower) ctx.buy(p.size);
        else if (pos > 0 && v > p.upper) ctx.close();
      },
    };
  },
});
