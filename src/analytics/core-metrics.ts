import { annualVolatility } from './annual-volatility.ts';
import { cagr } from './cagr.ts';
import { exposureTime } from './exposure.ts';
import { maxDrawdown } from './max-drawdown.ts';
import { periodsPerYear as observedPeriods } from './periods-per-year.ts';
import { profitFactor } from './profit-factor.ts';
import { sharpeRatio } from './sharpe-ratio.ts';
import { simpleReturns } from './simple-returns.ts';
import { sortinoRatio } from './sortino-ratio.ts';
import { totalReturn } from './total-return.ts';
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

/** Computes the core metrics from an equity curve and trade list. */
export function coreMetrics(input: CoreMetricsInput): CoreMetrics {
  const ppy = input.periodsPerYear ?? observedPeriods(input.ts);
  const r = simpleReturns(input.equity);
  return {
    totalReturn: totalReturn(input.equity),
    cagr: cagr(input.equity, ppy),
    volatility: annualVolatility(r, ppy),
    sharpe: sharpeRatio(r, ppy),
    sortino: sortinoRatio(r, ppy),
    maxDrawdown: maxDrawdown(input.equity),
    trades: input.tradeNetPnls.length,
    winRate: winRate(input.tradeNetPnls),
    profitFactor: profitFactor(input.tradeNetPnls),
    exposure: exposureTime(input.grossExposure),
    periodsPerYear: ppy,
  };
}
