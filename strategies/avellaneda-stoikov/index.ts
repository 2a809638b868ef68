import { defineStrategy, QuoteLadder, roundToTick, z } from 'lockstep';
import { asDepths, EwmaVariance, glftDepths, IntensityEstimator } from './quote-math.ts';

/**
 * Avellaneda–Stoikov market maker on L2 data (see README.md for the math). Quotes around
 * the reservation price with the optimal spread (finite horizon) or the
 * Guéant–Lehalle–Fernandez-Tapia closed form (infinite horizon); σ from an EWMA of mid
 * changes, κ and A fitted online from trade arrivals at distances from the mid, a
 * volume-adjusted mid (VAMP) skew, inventory limits, several levels, and a minimum time
 * between re-quotes.
 */
export const strategy = defineStrategy({
  name: 'avellaneda-stoikov',
  description: 'Avellaneda–Stoikov / GLFT market maker: reservation price, optimal spread, online σ and κ, VAMP skew',
  params: z.strictObject({
    /** Risk aversion γ (per price unit per lot). */
    gamma: z.number().positive().default(0.1),
    /** finite: A–S with T−t to the end of the session; infinite: the GLFT closed form. */
    horizon: z.enum(['finite', 'infinite']).default('finite'),
    /** Horizon length in seconds: T is the next multiple of it since the epoch (86400 → UTC midnight). */
    sessionSeconds: z.number().positive().default(60),
    /** Prior κ (per price unit) until the online fit has data; fixed when `estimateIntensity` is off. */
    kappa: z.number().positive().default(100),
    /** Prior A (fills per second at the mid) for the GLFT form. */
    intensityA: z.number().positive().default(1),
    /** Fit κ and A online from trades. */
    estimateIntensity: z.boolean().default(true),
    /** Half-life (s) of the trade counts of the intensity fit. */
    intensityHalfLifeSeconds: z.number().positive().default(300),
    /** Depth buckets of the intensity fit, in ticks each. */
    intensityBucketTicks: z.number().int().positive().default(1),
    /** Number of depth buckets. */
    intensityBuckets: z.number().int().min(3).max(200).default(20),
    /** σ sampling interval (ms) and EWMA half-life (samples). */
    volSampleMillis: z.number().positive().default(1000),
    volHalfLifeSamples: z.number().positive().default(60),
    /** σ (price per √s) until two samples exist. */
    sigmaPrior: z.number().positive().default(0.05),
    /** Quantity the VAMP averages over; 0 turns the skew off. */
    vampQty: z.number().nonnegative().default(1),
    /** Weight of (VAMP − mid) added to the reservation price. */
    vampWeight: z.number().default(0.5),
    /** Quote levels per side and ticks between them. */
    levels: z.number().int().min(1).max(20).default(1),
    levelSpacingTicks: z.number().int().positive().default(1),
    /** Quote size (one lot of q). */
    size: z.number().positive().default(0.1),
    /** Inventory the quotes are skewed towards (q = (position − target) / size). */
    targetPosition: z.number().default(0),
    /** Absolute position limit (quotes that could exceed it are not sent). */
    maxPosition: z.number().positive().default(1),
    /** Minimum time between re-quotes (ms). */
    minRequoteMillis: z.number().nonnegative().default(100),
  }),
  space: {
    params: {
      gamma: { type: 'float', low: 0.01, high: 2, log: true },
      levels: { type: 'int', low: 1, high: 3 },
      vampWeight: { type: 'float', low: 0, high: 1 },
      minRequoteMillis: { type: 'int', low: 0, high: 1000 },
    },
  },
  create(p) {
    const vol = new EwmaVariance(p.volHalfLifeSamples, p.volSampleMillis / 1000);
    let intensity: IntensityEstimator | undefined;
    let kappa = p.kappa;
    let a = p.intensityA;
    let nextSample = -Infinity;
    let nextQuote = -Infinity;
    const ladder = new QuoteLadder();
    const bids: number[] = [];
    const asks: number[] = [];
    return {
      onTrade(trade, ctx) {
        if (!p.estimateIntensity) return;
        const mid = ctx.book().mid();
        if (!(mid > 0)) return;
        intensity ??= new IntensityEstimator(p.intensityBucketTicks * ctx.instrument().tickSize, p.intensityBuckets, p.intensityHalfLifeSeconds);
        intensity.onTrade(trade.tsLocal / 1e6, Math.abs(trade.price - mid));
      },
      onBook(_delta, ctx) {
        const book = ctx.book();
        const mid = book.mid();
        if (!(mid > 0)) return;
        const now = ctx.now();
        if (now >= nextSample) {
          vol.sample(mid);
          nextSample = Math.max(nextSample + p.volSampleMillis * 1000, now);
        }
        if (now < nextQuote) {
          if (ladder.waiting) ladder.sync(ctx, bids, asks, p.size, p.maxPosition); // replaced quotes are gone now: place the new ones
          return;
        }
        nextQuote = now + p.minRequoteMillis * 1000;
        if (intensity !== undefined) {
          intensity.advance(now / 1e6);
          const fit = intensity.fit();
          if (fit !== null) { kappa = fit.kappa; a = fit.a; }
        }
        const sigma2 = Number.isNaN(vol.perSecond()) ? p.sigmaPrior * p.sigmaPrior : vol.perSecond();
        const q = (ctx.position() - p.targetPosition) / p.size;
        const d = p.horizon === 'finite'
          ? asDepths(q, p.gamma, sigma2, sessionLeft(now, p.sessionSeconds), kappa)
          : glftDepths(q, p.gamma, Math.sqrt(sigma2), kappa, a);
        const ref = p.vampQty > 0 && p.vampWeight !== 0 ? mid + p.vampWeight * (book.volumeAdjustedMid(p.vampQty) - mid || 0) : mid;
        const tick = ctx.instrument().tickSize;
        // Post-only: never at or through the opposite touch.
        const bid = Math.min(Math.floor((ref - d.bid) / tick + 1e-9), Math.round(book.bestAsk() / tick) - 1);
        const ask = Math.max(Math.ceil((ref + d.ask) / tick - 1e-9), Math.round(book.bestBid() / tick) + 1);
        bids.length = 0;
        asks.length = 0;
        for (let k = 0; k < p.levels; k++) {
          bids.push(roundToTick((bid - k * p.levelSpacingTicks) * tick, tick));
          asks.push(roundToTick((ask + k * p.levelSpacingTicks) * tick, tick));
        }
        ladder.sync(ctx, bids, asks, p.size, p.maxPosition);
      },
      onStop(ctx) {
        ladder.clear(ctx);
      },
    };
  },
});

/** T − t in seconds: time left to the next multiple of `sessionSeconds` since the epoch. */
export function sessionLeft(nowMicros: number, sessionSeconds: number): number {
  const s = nowMicros / 1e6;
  const end = (Math.floor(s / sessionSeconds) + 1) * sessionSeconds;
  return end - s;
}
