import { defineStrategy, realizedVolatility, SMA, volatilityTargetQty, z } from 'lockstep';

/**
 * Long-only trend follower sized by volatility: in the market while the close is above its
 * SMA, entering with the quantity whose annualized volatility is `targetVol` of the
 * strategy's equity (its own capital in a portfolio run), leverage at most `maxLeverage`.
 */
export const strategy = defineStrategy({
  name: 'vol-target-trend',
  description: 'Long above the SMA, sized to a volatility target of its equity',
  params: z.strictObject({
    /** SMA length in bars. */
    period: z.number().int().min(2).default(50),
    /** Annualized volatility aimed at, as a fraction of equity. */
    targetVol: z.number().positive().default(0.15),
    /** Closes the realized volatility is measured over. */
    volWindow: z.number().int().min(3).default(20),
    /** Notional at most this multiple of equity. */
    maxLeverage: z.number().positive().default(1),
    /** Bars per year (annualization of the realized volatility). */
    periodsPerYear: z.number().positive().default(252),
  }),
  space: { params: { period: { type: 'int', low: 10, high: 200 }, targetVol: { type: 'float', low: 0.05, high: 0.4 } } },
  history: (p) => ({ bars: Math.max(p.period, p.volWindow + 1) }),
  create(p) {
    const sma = new SMA(p.period);
    const closes: number[] = [];
    return {
      onBar(bar, ctx) {
        const avg = sma.add(bar.close);
        closes.push(bar.close);
        if (closes.length > p.volWindow + 1) closes.shift();
        if (avg === null || ctx.hasOpenOrders()) return;
        const pos = ctx.position();
        if (pos === 0 && bar.close > avg) {
          const vol = realizedVolatility(closes, p.periodsPerYear);
          const qty = volatilityTargetQty(ctx.portfolio.equity(), p.targetVol, vol, bar.close, ctx.instrument(), p.maxLeverage);
          if (qty > 0) ctx.buy(qty, { tag: 'trend' });
        } else if (pos > 0 && bar.close < avg) ctx.close();
      },
    };
  },
});
