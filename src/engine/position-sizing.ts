import type { Instrument } from '../core/instrument.ts';

/** What sizing needs of an instrument: its lot and contract multiplier. */
export type SizingTerms = Pick<Instrument, 'lotSize' | 'multiplier'>;

/** A quantity rounded down (towards zero) to whole lots. */
export function wholeLots(qty: number, lotSize: number): number {
  const lots = Math.trunc(qty / lotSize + Math.sign(qty) * 1e-9);
  return lots === 0 ? 0 : lots * lotSize;
}

/** Quantity whose notional is `fraction` of `equity` at `price`, in whole lots (0 when a lot is too dear). */
export function fixedFractionQty(equity: number, fraction: number, price: number, terms: SizingTerms): number {
  if (!(price > 0) || !(equity > 0) || !(fraction > 0)) return 0;
  return wholeLots((equity * fraction) / (price * terms.multiplier), terms.lotSize);
}

/**
 * Quantity that makes the position's volatility `targetVol` given the instrument's own
 * `realizedVol` (both annualized, same basis): notional = equity × min(maxLeverage,
 * targetVol / realizedVol), in whole lots. 0 when the volatility is unknown or zero.
 */
export function volatilityTargetQty(equity: number, targetVol: number, realizedVol: number, price: number, terms: SizingTerms, maxLeverage = 1): number {
  if (!(realizedVol > 0) || !(targetVol > 0)) return 0;
  return fixedFractionQty(equity, Math.min(maxLeverage, targetVol / realizedVol), price, terms);
}

/**
 * The Kelly fraction W − (1 − W) / R of a win rate W and a payoff ratio R (average win
 * over average loss), scaled by `scale` (½ for half Kelly) and capped at `cap`; never
 * negative (no edge: bet nothing). NaN inputs give 0.
 */
export function cappedKelly(winRate: number, payoffRatio: number, cap: number, scale = 1): number {
  if (!(payoffRatio > 0) || !(winRate >= 0 && winRate <= 1)) return 0;
  const f = (winRate - (1 - winRate) / payoffRatio) * scale;
  return Math.min(cap, Math.max(0, f));
}

/**
 * Annualized volatility of the last closes' log returns (sample standard deviation ×
 * √periodsPerYear); NaN with fewer than three closes.
 */
export function realizedVolatility(closes: readonly number[], periodsPerYear: number): number {
  const n = closes.length - 1;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (let i = 1; i <= n; i++) mean += Math.log(closes[i] / closes[i - 1]);
  mean /= n;
  let ss = 0;
  for (let i = 1; i <= n; i++) ss += (Math.log(closes[i] / closes[i - 1]) - mean) ** 2;
  return Math.sqrt((ss / (n - 1)) * periodsPerYear);
}
