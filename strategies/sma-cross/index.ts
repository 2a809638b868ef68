import { CrossDetector, defineStrategy, SMA, z } from 'lockstep';

/**
 * Classic single-SMA cross, the backtrader quickstart strategy: long `size` when the
 * close crosses above its SMA, flat when it crosses below; never more than one order
 * pending.
 */
export const strategy = defineStrategy({
  name: 'sma-cross',
  description: 'Long when the close crosses above its SMA, flat when it crosses below',
  params: z.strictObject({
    /** SMA length in bars. */
    period: z.number().int().min(1).default(15),
    /** Quantity bought on an upward cross. */
    size: z.number().positive().default(1),
  }),
  space: { params: { period: { type: 'int', low: 2, high: 100 } } },
  // The SMA and the cross need `period` closes: a live session or a backtest from a later
  // date starts with them, so its first decision is the one a longer backtest makes there.
  history: (p) => ({ bars: p.period }),
  create(p) {
    const sma = new SMA(p.period);
    const cross = new CrossDetector();
    return {
      onBar(bar, ctx) {
        const avg = sma.add(bar.close);
        if (avg === null) return;
        const signal = cross.update(bar.close, avg);
        if (ctx.hasOpenOrders()) return;
        const pos = ctx.position();
        if (pos === 0 && signal === 1) ctx.buy(p.size);
        else if (pos > 0 && signal === -1) ctx.close();
      },
    };
  },
});
