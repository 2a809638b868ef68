import { createRng } from '../core/rng.ts';
import { percentile } from './percentile.ts';

/**
 * Monte Carlo robustness of a run: many alternative equity paths from its own trades or
 * returns, and the spread of what they end in. Two resamplings, both seeded:
 *   trade shuffle    the closed trades' net P&L in random order (Fisher–Yates): the final
 *                    equity is the same on every path, the drawdowns are what luck in the
 *                    order of the trades could have been;
 *   block bootstrap  the per-bar returns cut into blocks of `blockLength` consecutive bars,
 *                    drawn with replacement (moving blocks, circular) until the path is as
 *                    long as the run: autocorrelation inside a block survives.
 * Per path: final equity, max drawdown, longest drawdown (steps from a peak to its
 * recovery, or to the end), ruin (equity at or below `ruinFraction` of the start at any step).
 */
export interface Quantiles {
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  readonly mean: number;
}

export interface MonteCarloSummary {
  readonly method: 'trade-shuffle' | 'block-bootstrap';
  readonly runs: number;
  readonly seed: number;
  /** Bars per block (block bootstrap). */
  readonly blockLength?: number;
  readonly finalEquity: Quantiles;
  readonly maxDrawdown: Quantiles;
  /** In steps: trades (shuffle) or bars (bootstrap). */
  readonly longestDrawdown: Quantiles;
  /** Share of paths that touched `ruinLevel`. */
  readonly ruinProbability: number;
  readonly ruinLevel: number;
  /** Equity percentiles across paths at up to 200 evenly spaced steps (the fan chart). */
  readonly fan: { readonly step: number[]; readonly p5: number[]; readonly p25: number[]; readonly p50: number[]; readonly p75: number[]; readonly p95: number[] };
}

export interface MonteCarloOptions {
  runs?: number;
  seed?: number;
  /** Ruin: equity at or below this fraction of the initial equity (default 0.5). */
  ruinFraction?: number;
}

/** One path's figures. */
export interface PathStats {
  readonly finalEquity: number;
  readonly maxDrawdown: number;
  readonly longestDrawdown: number;
  readonly ruined: boolean;
}

/** Figures of one equity path (index 0 is the start). */
export function pathStats(path: ArrayLike<number>, ruinLevel: number): PathStats {
  let peak = path[0];
  let peakAt = 0;
  let worst = 0;
  let longest = 0;
  let ruined = path[0] <= ruinLevel;
  for (let i = 1; i < path.length; i++) {
    const e = path[i];
    if (e <= ruinLevel) ruined = true;
    if (e >= peak) {
      longest = Math.max(longest, i - peakAt - 1 > 0 ? i - peakAt : 0);
      peak = e;
      peakAt = i;
    } else worst = Math.max(worst, 1 - e / peak);
  }
  longest = Math.max(longest, path.length - 1 - peakAt);
  return { finalEquity: path[path.length - 1], maxDrawdown: worst, longestDrawdown: longest, ruined };
}

const FAN_STEPS = 200;

/** Collects each path's figures and the fan's samples, then summarizes. */
class Collector {
  private readonly stats: PathStats[] = [];
  private readonly fanAt: number[];
  private readonly fanValues: Float64Array[];

  constructor(steps: number, private readonly ruinLevel: number, runs: number) {
    const k = Math.min(FAN_STEPS, steps + 1);
    this.fanAt = Array.from({ length: k }, (_, i) => Math.round((i * steps) / Math.max(1, k - 1)));
    this.fanValues = this.fanAt.map(() => new Float64Array(runs));
  }

  add(path: Float64Array): void {
    const run = this.stats.length;
    this.stats.push(pathStats(path, this.ruinLevel));
    this.fanAt.forEach((s, i) => { this.fanValues[i][run] = path[s]; });
  }

  summary(head: Pick<MonteCarloSummary, 'method' | 'runs' | 'seed' | 'blockLength'>): MonteCarloSummary {
    const q = (xs: number[]): Quantiles => ({
      p5: percentile(xs, 5), p25: percentile(xs, 25), p50: percentile(xs, 50), p75: percentile(xs, 75), p95: percentile(xs, 95),
      mean: xs.reduce((s, x) => s + x, 0) / xs.length,
    });
    const at = (p: number) => this.fanValues.map((v) => percentile(v, p));
    return {
      ...head,
      finalEquity: q(this.stats.map((s) => s.finalEquity)), maxDrawdown: q(this.stats.map((s) => s.maxDrawdown)),
      longestDrawdown: q(this.stats.map((s) => s.longestDrawdown)),
      ruinProbability: this.stats.filter((s) => s.ruined).length / this.stats.length, ruinLevel: this.ruinLevel,
      fan: { step: this.fanAt, p5: at(5), p25: at(25), p50: at(50), p75: at(75), p95: at(95) },
    };
  }
}

/**
 * Trade-order shuffling: `runs` paths of initialEquity + cumulative net P&L with the trades
 * in a random order. `order(run)` may supply each path's order (tests); by default a
 * Fisher–Yates shuffle from the seeded generator.
 */
export function shuffleTrades(netPnls: ArrayLike<number>, initialEquity: number, o: MonteCarloOptions & { order?: (run: number) => ArrayLike<number> } = {}): MonteCarloSummary {
  const runs = o.runs ?? 1000;
  const seed = o.seed ?? 1;
  const n = netPnls.length;
  if (n === 0) throw new RangeError('shuffleTrades: no closed trades to shuffle');
  const rng = createRng(seed);
  const c = new Collector(n, initialEquity * (o.ruinFraction ?? 0.5), runs);
  const idx = new Uint32Array(n);
  const path = new Float64Array(n + 1);
  for (let run = 0; run < runs; run++) {
    const order = o.order?.(run) ?? randomPermutation(idx, rng.next);
    path[0] = initialEquity;
    for (let i = 0; i < n; i++) path[i + 1] = path[i] + netPnls[order[i]];
    c.add(path);
  }
  return c.summary({ method: 'trade-shuffle', runs, seed });
}

/** A uniformly random permutation of 0…n−1 into `idx` (Fisher–Yates; `next` uniform in [0, 1)). */
export function randomPermutation(idx: Uint32Array, next: () => number): Uint32Array {
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/**
 * Moving-block bootstrap of per-bar returns: `runs` paths as long as the returns, built
 * from blocks of `blockLength` consecutive returns starting at uniformly drawn positions
 * (wrapping past the end). `starts(run)` may supply each path's block starts (tests).
 */
export function blockBootstrap(returns: ArrayLike<number>, initialEquity: number,
  o: MonteCarloOptions & { blockLength?: number; starts?: (run: number) => ArrayLike<number> } = {}): MonteCarloSummary {
  const runs = o.runs ?? 1000;
  const seed = o.seed ?? 1;
  const n = returns.length;
  if (n === 0) throw new RangeError('blockBootstrap: no returns to resample');
  const blockLength = Math.max(1, Math.min(n, Math.round(o.blockLength ?? Math.cbrt(n))));
  const blocks = Math.ceil(n / blockLength);
  const rng = createRng(seed);
  const c = new Collector(n, initialEquity * (o.ruinFraction ?? 0.5), runs);
  const path = new Float64Array(n + 1);
  for (let run = 0; run < runs; run++) {
    const starts = o.starts?.(run) ?? Array.from({ length: blocks }, () => Math.floor(rng.next() * n));
    path[0] = initialEquity;
    for (let i = 0; i < n; i++) path[i + 1] = path[i] * (1 + returns[(starts[Math.floor(i / blockLength)] + (i % blockLength)) % n]);
    c.add(path);
  }
  return c.summary({ method: 'block-bootstrap', runs, seed, blockLength });
}
