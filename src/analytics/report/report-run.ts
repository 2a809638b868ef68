import type { MonteCarloSummary } from '../monte-carlo.ts';
import type { PerformanceSummary } from '../performance-summary.ts';
import type { StressReport } from './stress-table.ts';
import type { ReportPortfolio } from './portfolio-report.ts';

/** One closed round trip as the report shows it. */
export interface ReportTrade {
  readonly side: string;
  readonly qty: number;
  readonly entryTs: number;
  readonly exitTs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly netPnl: number;
  readonly returnPct: number;
  readonly bars: number;
  /** Tag of the order that closed the trade ('' untagged; absent in runs saved before tags were kept). */
  readonly exitTag?: string;
  /** Maximum adverse / favorable excursion as fractions of the entry price (absent in older runs). */
  readonly mae?: number;
  readonly mfe?: number;
}

/** One fill as the report shows it (entries and exits on the price chart). */
export interface ReportFill {
  readonly ts: number;
  readonly side: string;
  readonly price: number;
  readonly qty: number;
}

/**
 * Everything a tearsheet needs, as plain data read from a saved run (never live engine
 * objects). Times are µs since the epoch.
 */
export interface ReportRun {
  readonly id: string;
  /** Heading, e.g. "sma-cross on 2006-day-001". */
  readonly title: string;
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly initialCash: number;
  readonly finalValue: number;
  readonly summary: PerformanceSummary;
  readonly equity: { readonly ts: ArrayLike<number>; readonly equity: ArrayLike<number>; readonly exposure: ArrayLike<number> };
  readonly trades: readonly ReportTrade[];
  readonly fills: readonly ReportFill[];
  /** Fees paid over the run. */
  readonly fees: number;
  /** Slippage paid over the reference prices (NaN: not modelled). */
  readonly slippage?: number;
  /** What the header must say besides the figures: kill switch, positions left open, refused orders, off-grid rounding. */
  readonly notices: readonly (readonly [string, string])[];
  /**
   * A run too long to draw point by point: `equity` (and `prices`) hold the last value of
   * every `interval` µs, `trades`/`fills` the first ones; the totals and every trade's P&L are here.
   */
  readonly long?: { readonly points: number; readonly interval: number; readonly trades: number; readonly fills: number; readonly tradeNetPnls: ArrayLike<number> };
  /** The benchmark bought and held with the initial cash, at each equity point (its name: symbol or file). */
  readonly benchmark?: { readonly name: string; readonly value: ArrayLike<number> };
  /** The run's Monte Carlo (montecarlo.json), when one was made: trade shuffling and the returns' block bootstrap. */
  readonly monteCarlo?: { readonly trades?: MonteCarloSummary; readonly returns?: MonteCarloSummary & { readonly interval: number } };
  /** The run's stress replays (stress.json), when made. */
  readonly stress?: StressReport;
  /** A portfolio run's sleeves (several strategies on one account). */
  readonly portfolio?: ReportPortfolio;
  /** Close prices of the (first) instrument, when its data file could be read. */
  readonly prices?: { readonly symbol: string; readonly ts: ArrayLike<number>; readonly close: ArrayLike<number> };
}
