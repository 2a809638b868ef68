import { MICROS_PER_YEAR } from '../core/time.ts';
import { profitFactor } from './profit-factor.ts';
import { winRate } from './win-rate.ts';

/** The headline metrics every run result carries, under stable keys. NaN means "undefined". */
export interface CoreMetrics {
  totalReturn: number;
  cagr: number;
  /** Annualized volatility of per-bar returns. */
  volatility: number;
  sharpe: number;
  sortino: number;
  /** Positive fraction. */
  maxDrawdown: number;
  /** Closed round trips. */
  trades: number;
  winRate: number;
  profitFactor: number;
  /** Fraction of bars with a position. */
  exposure: number;
  /** The annualization used. */
  periodsPerYear: number;
}

export interface CoreMetricsInput {
  ts: ArrayLike<number>;
  equity: ArrayLike<number>;
  grossExposure: ArrayLike<number>;
  /** Net P&L of each closed trade. */
  tradeNetPnls: readonly number[];
  /** Override the observed bars-per-year. */
  periodsPerYear?: number;
}

/** A stretch of an equity curve: its first `n` points (a curve in memory is one block; a saved one, a block per row group). */
export interface EquityBlock {
  /** Time of the block's first and last point (the metrics need no other time). */
  readonly firstTs: number;
  readonly lastTs: number;
  readonly equity: ArrayLike<number>;
  readonly grossExposure: ArrayLike<number>;
  readonly n: number;
}

/** Computes the core metrics from an equity curve and trade list. */
export function coreMetrics(input: CoreMetricsInput): CoreMetrics {
  const n = input.equity.length;
  const block: EquityBlock = { firstTs: input.ts[0], lastTs: input.ts[n - 1], equity: input.equity, grossExposure: input.grossExposure, n };
  return coreMetricsOfBlocks(() => [block], input.tradeNetPnls, input.periodsPerYear);
}

/**
 * The core metrics of a curve read block by block in two passes (memory: one block),
 * with the arithmetic of the array functions (sharpeRatio, sortinoRatio, maxDrawdown, …)
 * in the same order, so the figures are bit-equal to theirs: pass 1 sums returns, squared
 * downside, drawdown and exposure; pass 2 the squared deviations from the mean.
 */
export function coreMetricsOfBlocks(blocks: () => Iterable<EquityBlock>, tradeNetPnls: readonly number[], periodsPerYear?: number): CoreMetrics {
  const p = firstPass(blocks());
  const k = p.points - 1; // returns
  const mean = k > 0 ? p.sumReturns / k : Number.NaN;
  const ss = k >= 2 ? squaredDeviations(blocks(), mean) : Number.NaN;
  const ppy = periodsPerYear ?? (p.points >= 2 && p.lastTs - p.firstTs > 0 ? (p.points - 1) / ((p.lastTs - p.firstTs) / MICROS_PER_YEAR) : Number.NaN);
  const sd = Math.sqrt(ss / (k - 1));
  const downside = Math.sqrt(p.downside / k);
  const growth = p.lastEquity / p.firstEquity;
  return {
    totalReturn: p.points === 0 ? Number.NaN : growth - 1,
    cagr: k < 1 || !(ppy > 0) ? Number.NaN : growth <= 0 ? -1 : growth ** (ppy / k) - 1,
    volatility: sd * Math.sqrt(ppy),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(ppy) : Number.NaN,
    sortino: k > 0 && downside > 0 ? (mean / downside) * Math.sqrt(ppy) : Number.NaN,
    maxDrawdown: p.points === 0 ? Number.NaN : p.worstDrawdown,
    trades: tradeNetPnls.length,
    winRate: winRate(tradeNetPnls),
    profitFactor: profitFactor(tradeNetPnls),
    exposure: p.points === 0 ? Number.NaN : p.exposed / p.points,
    periodsPerYear: ppy,
  };
}

/** Pass 1, in locals (TurboFan keeps them in registers; fields of a returned object it stores every point). */
function firstPass(blocks: Iterable<EquityBlock>) {
  let points = 0, firstTs = 0, lastTs = 0, firstEquity = 0, lastEquity = 0, sumReturns = 0, downside = 0, worstDrawdown = 0, exposed = 0;
  let peak = -Infinity;
  for (const b of blocks) {
    const { equity, grossExposure, n } = b;
    if (n === 0) continue;
    let i = 0;
    if (points === 0) {
      // The first point: no return yet.
      firstTs = b.firstTs;
      firstEquity = equity[0];
      lastEquity = firstEquity;
      if (firstEquity > peak) peak = firstEquity;
      if (grossExposure[0] > 0) exposed++;
      i = 1;
    }
    for (; i < n; i++) {
      const e = equity[i];
      const r = e / lastEquity - 1;
      sumReturns += r;
      const d = Math.min(r, 0);
      downside += d * d;
      if (e > peak) peak = e;
      else if (peak > 0) worstDrawdown = Math.max(worstDrawdown, 1 - e / peak);
      if (grossExposure[i] > 0) exposed++;
      lastEquity = e;
    }
    lastTs = b.lastTs;
    points += n;
  }
  return { points, firstTs, lastTs, firstEquity, lastEquity, sumReturns, downside, worstDrawdown, exposed };
}

function squaredDeviations(blocks: Iterable<EquityBlock>, mean: number): number {
  let ss = 0;
  let prev = Number.NaN;
  let first = true;
  for (const b of blocks) {
    for (let i = 0; i < b.n; i++) {
      const e = b.equity[i];
      if (!first) ss += (e / prev - 1 - mean) ** 2;
      first = false;
      prev = e;
    }
  }
  return ss;
}
