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

/** Pass 1's sums, carried from block to block (slots of a Float64Array: every value a double, so optimized code never guesses an integer and deoptimizes). */
const POINTS = 0, FIRST_EQUITY = 1, LAST_EQUITY = 2, SUM_RETURNS = 3, DOWNSIDE = 4, WORST_DRAWDOWN = 5, EXPOSED = 6, PEAK = 7, TROUGH = 8, UNDER = 9;

/**
 * Pass 1 over the blocks. The loops are small functions called per block, first on a
 * block's first few points and then on the rest (inBlock), with every operation run on
 * every point: V8 allocates a function's feedback only after it has run a while, and a
 * loop optimized while it runs (OSR) before the code after it ran with feedback deoptimizes
 * at its exit — and that code is kept and entered again on every later call (optimizer
 * trials deoptimized once per trial). One function over every block deoptimized on every
 * call; its metrics ran interpreted (~20 ms of a warm 1M-bar run).
 */
function firstPass(blocks: Iterable<EquityBlock>) {
  const s = new Float64Array(10);
  s[PEAK] = -Infinity;
  s[TROUGH] = Infinity;
  let firstTs = 0, lastTs = 0;
  for (const b of blocks) {
    if (b.n === 0) continue;
    if (s[POINTS] === 0) firstTs = b.firstTs;
    inBlock(b.n, (from, to) => sumRange(s, b.equity, b.grossExposure, from, to));
    lastTs = b.lastTs;
  }
  return {
    points: s[POINTS], firstTs, lastTs, firstEquity: s[FIRST_EQUITY], lastEquity: s[LAST_EQUITY], sumReturns: s[SUM_RETURNS],
    downside: s[DOWNSIDE], worstDrawdown: s[WORST_DRAWDOWN], exposed: s[EXPOSED],
  };
}

/** Points a block's loops first run on alone (see firstPass). */
const HEAD = 256;

/** Calls `range` on a block's first HEAD points, then on the rest. */
function inBlock(n: number, range: (from: number, to: number) => void): void {
  const head = Math.min(n, HEAD);
  range(0, head);
  if (n > head) range(head, n);
}

/** Adds points [from, to) of a block to the sums in `s`, in locals while it runs. */
function sumRange(s: Float64Array, equity: ArrayLike<number>, grossExposure: ArrayLike<number>, from: number, to: number): void {
  let lastEquity = s[LAST_EQUITY], sumReturns = s[SUM_RETURNS], downside = s[DOWNSIDE], worstDrawdown = s[WORST_DRAWDOWN];
  let exposed = s[EXPOSED], peak = s[PEAK], trough = s[TROUGH], under = s[UNDER];
  let i = from;
  if (s[POINTS] === 0) {
    // The first point: no return yet.
    s[FIRST_EQUITY] = equity[i];
    lastEquity = equity[i];
    if (lastEquity > peak) peak = lastEquity;
    else under = 1; // NaN: a point under no peak, whose drawdown is 0 (as maxDrawdown's)
    if (grossExposure[i] > 0) exposed++;
    i++;
  }
  // Every operation but a new peak's runs on every point, so the feedback V8 optimizes from
  // covers the loop (a new peak's, if none came in a block's first points, deoptimizes the
  // loop once per thread, not once per call). The drawdown, as maxDrawdown's: under a peak p
  // the points' 1 − e/p is largest at their lowest e (rounding is monotonic: e ≤ e' gives
  // e/p ≤ e'/p and 1 − e/p ≥ 1 − e'/p), so the lowest point since the peak (trough) is divided
  // once, when the peak is left and at the end of the range, instead of every point: the same
  // worst drawdown bit for bit, a division fewer per point. A NaN point makes it NaN, as it did.
  for (; i < to; i++) {
    const e = equity[i];
    const r = e / lastEquity - 1;
    sumReturns += r;
    // min(r, 0) without a branch on the return's sign, which real curves make unpredictable
    // (Math.min compiles to one: 1.6 → 0.25 ms for a 100k-bar trial's curve). Exact: r − |r| is
    // 2r or 0, halved; +∞ (a curve leaving 0 upward) would give NaN, and takes the branch.
    const d = r === Infinity ? 0 : (r - Math.abs(r)) * 0.5;
    downside += d * d;
    if (e > peak) {
      worstDrawdown = Math.max(worstDrawdown, peakDrawdown(peak, trough, under));
      peak = e;
      trough = Infinity;
      under = 0;
    } else {
      trough = Math.min(trough, e);
      under = 1;
    }
    exposed += grossExposure[i] > 0 ? 1 : 0;
    lastEquity = e;
  }
  s[POINTS] += to - from;
  s[LAST_EQUITY] = lastEquity;
  s[SUM_RETURNS] = sumReturns;
  s[DOWNSIDE] = downside;
  // The points under the peak so far (with the next range's too, again: a maximum).
  s[WORST_DRAWDOWN] = Math.max(worstDrawdown, peakDrawdown(peak, trough, under));
  s[EXPOSED] = exposed;
  s[PEAK] = peak;
  s[TROUGH] = trough;
  s[UNDER] = under;
}

/** The drawdown of the lowest point `trough` under `peak` (0 with no point under it, or under a peak ≤ 0; NaN for a NaN point). */
function peakDrawdown(peak: number, trough: number, under: number): number {
  return under === 1 && peak > 0 ? 1 - trough / peak : 0;
}

/** Pass 2: the sum of squared deviations of the returns from `mean`. */
function squaredDeviations(blocks: Iterable<EquityBlock>, mean: number): number {
  const s = new Float64Array(3); // [sum, previous equity, 1 once a point was seen]
  for (const b of blocks) if (b.n > 0) inBlock(b.n, (from, to) => squaredDeviationsOf(s, b.equity, from, to, mean));
  return s[0];
}

/** Adds the squared deviations of points [from, to) of a block to `s` (see squaredDeviations). */
function squaredDeviationsOf(s: Float64Array, equity: ArrayLike<number>, from: number, to: number, mean: number): void {
  let ss = s[0];
  let prev = s[1];
  let i = from;
  if (s[2] === 0) {
    prev = equity[i];
    s[2] = 1;
    i++;
  }
  for (; i < to; i++) {
    const e = equity[i];
    ss += (e / prev - 1 - mean) ** 2;
    prev = e;
  }
  s[0] = ss;
  s[1] = prev;
}
