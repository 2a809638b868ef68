import { coreMetrics, type CoreMetrics } from '../analytics/core-metrics.ts';
import { correlationMatrix } from '../analytics/correlation-matrix.ts';
import type { Rebalance, SleevePortfolio } from '../engine/sleeve-portfolio.ts';
import type { Sleeve } from '../engine/sleeve.ts';
import type { RoundTrip } from '../engine/trade-log.ts';
import type { ReportPortfolio, ReportSleeve } from '../analytics/report/portfolio-report.ts';

/** One strategy's share of a portfolio run: what the report shows of it, its fills, full metrics and trades. */
export interface SleeveResult extends ReportSleeve {
  readonly fills: number;
  /** Metrics of its curve (time-weighted when capital moved between sleeves). */
  readonly metrics: CoreMetrics;
  readonly trades: readonly RoundTrip[];
}

/** Sleeve series on the account curve's times. */
export interface SleeveSeries {
  readonly ts: Float64Array;
  /** Per sleeve: its book's equity (money, capital moves included). */
  readonly equity: readonly Float64Array[];
  /** Per sleeve: gross exposure of its positions. */
  readonly exposure: readonly Float64Array[];
}

/** What a portfolio run adds to its result (the report's view, with the sleeves' full results and series). */
export interface PortfolioResult extends ReportPortfolio {
  readonly sleeves: readonly SleeveResult[];
  readonly rebalances: readonly Rebalance[];
  readonly series: SleeveSeries;
}

export interface SleeveFacts {
  readonly strategy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly weight: number;
}

/**
 * The per-sleeve results of a portfolio run: each sleeve's curve put on the account
 * curve's times (a time a sleeve did not record — after a kill — carries its last value),
 * its metrics, trades and the correlation of the sleeves' returns.
 */
export function portfolioResult(book: SleevePortfolio, facts: readonly SleeveFacts[], accountTs: ArrayLike<number>, unallocated: number, periodsPerYear?: number): PortfolioResult {
  const ts = Float64Array.from(accountTs);
  const aligned = book.sleeves.map((s) => alignCurve(s, ts));
  const navs = aligned.map((a) => a.nav);
  const sleeves = book.sleeves.map((s, k): SleeveResult => ({
    name: s.name, strategy: facts[k].strategy, instruments: s.instruments.map((i) => i.id), weight: facts[k].weight,
    capital: s.ledger.initialCash, finalValue: s.ledger.equity(), fees: s.ledger.fees, fills: s.fills,
    metrics: coreMetrics({ ts, equity: navs[k], grossExposure: aligned[k].exposure, tradeNetPnls: s.ledger.trades.netPnls(), ...(periodsPerYear !== undefined ? { periodsPerYear } : {}) }),
    trades: s.ledger.trades.closed.toArray(), netTransfers: s.curve.flow.reduce((a, b) => a + b, 0),
  }));
  const last = (s: Sleeve) => s.curve.ts[s.curve.ts.length - 1];
  return {
    rebalance: book.every, unallocated, sleeves, correlation: correlationMatrix(navs.map(returnsOf)), rebalances: book.rebalances,
    endedAtKill: ts.length > 0 && book.sleeves.some((s) => !(last(s) >= ts[ts.length - 1])),
    series: { ts, equity: aligned.map((a) => a.equity), exposure: aligned.map((a) => a.exposure) },
  };
}

/**
 * A sleeve's points at the account's times, and its time-weighted curve: without capital
 * moves that is its equity itself; with them each step's return leaves the move out.
 */
function alignCurve(s: Sleeve, ts: Float64Array): { equity: Float64Array; exposure: Float64Array; nav: Float64Array } {
  const c = s.curve;
  const n = ts.length;
  const equity = new Float64Array(n);
  const exposure = new Float64Array(n);
  const flow = new Float64Array(n);
  let j = 0;
  let e = s.ledger.initialCash;
  let x = 0;
  for (let i = 0; i < n; i++) {
    while (j < c.ts.length && c.ts[j] <= ts[i]) {
      e = c.equity[j];
      x = c.exposure[j];
      flow[i] += c.flow[j]; // moves before the first account time (warm-up) land on it
      j++;
    }
    equity[i] = e;
    exposure[i] = x;
  }
  if (flow.every((f) => f === 0)) return { equity, exposure, nav: equity };
  const nav = new Float64Array(n);
  for (let i = 0; i < n; i++) nav[i] = i === 0 ? equity[0] - flow[0] : nav[i - 1] * ((equity[i] - flow[i]) / equity[i - 1]);
  return { equity, exposure, nav };
}

function returnsOf(v: Float64Array): Float64Array {
  const r = new Float64Array(Math.max(0, v.length - 1));
  for (let i = 1; i < v.length; i++) r[i - 1] = v[i] / v[i - 1] - 1;
  return r;
}

/** A portfolio result as result.json keeps it: the series go to portfolio.parquet, the trades to trades.parquet. */
export type PortfolioSummary = Omit<PortfolioResult, 'series' | 'sleeves'> & { readonly sleeves: readonly Omit<SleeveResult, 'trades'>[] };

export function portfolioSummary(p: PortfolioResult): PortfolioSummary {
  const { series: _series, sleeves, ...rest } = p;
  void _series;
  return { ...rest, sleeves: sleeves.map(({ trades: _trades, ...s }) => (void _trades, s)) };
}

/** A saved portfolio run's sleeves: the summary and the sleeve series read back. */
export type SavedPortfolio = PortfolioSummary & { readonly series: SleeveSeries };
