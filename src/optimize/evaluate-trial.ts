import { performanceSummary, type PerformanceSummary } from '../analytics/performance-summary.ts';
import type { ParamValue } from '../core/search-space.ts';
import type { SessionConfigInput } from '../config/session-config.ts';
import { runBacktest, RunStopped, type RunProgress } from '../session/run-backtest.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { EquityColumnsPool } from '../engine/equity-columns-pool.ts';
import type { EquityCurve } from '../engine/equity-recorder.ts';
import { coreMetrics } from '../analytics/core-metrics.ts';
import { brokenLimit, objectiveValues, type Objective, type TrialLimits } from './objective.ts';
import type { TrialState } from './sampler.ts';
import { sliceShared, type SharedBars } from './shared-bars.ts';
import type { BarBatch } from '../data/bar-batch.ts';
import { inferBarTickSize } from '../data/instrument-spec.ts';

/** One backtest of an optimization: params, row range of the shared data, what to keep. */
export interface TrialTask {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Base run config (its params are overridden by `params`). */
  readonly config: SessionConfigInput;
  /** Rows [from, to) of the shared bars (default: all). */
  readonly rows?: readonly [number, number];
  readonly objectives: readonly Objective[];
  readonly limits: TrialLimits;
  /** Compounded returns in this many equal-row buckets are returned (for CSCV); 0 = none. */
  readonly returnBuckets: number;
  /** Return the equity curve too (walk-forward out-of-sample runs). */
  readonly keepEquity?: boolean;
  /** Report intermediate values at checkpoints (pruning). */
  readonly checkpoints?: number;
}

/** What a trial produced (plain data: crosses worker boundaries). */
export interface TrialResult {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly state: TrialState;
  readonly values: readonly number[];
  readonly finalValue: number;
  readonly metrics: PerformanceSummary | null;
  /** Why it failed, was infeasible or pruned. */
  readonly reason?: string;
  readonly returns?: Float64Array;
  readonly equity?: { ts: Float64Array; equity: Float64Array };
  /** Last intermediate value reported (pruned trials). */
  readonly intermediate?: number;
  /** Set when the sampler proposed a parameter set already evaluated: that trial's number (its result is reused, not run again). */
  readonly duplicateOf?: number;
  readonly seconds: number;
}

const CORE_KEYS = new Set(['totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'trades', 'winRate', 'profitFactor', 'exposure', 'finalValue']);

/** A summary holding only the core metrics (the extended ones NaN). */
function fromCore(core: PerformanceSummary | import('../analytics/core-metrics.ts').CoreMetrics): PerformanceSummary {
  const nan = Number.NaN;
  return {
    calmar: nan, omega: nan, maxDrawdownPeriods: nan, varHistorical: nan, varParametric: nan, cvarHistorical: nan, cvarParametric: nan,
    skew: nan, kurtosis: nan, tailRatio: nan, stability: nan, alpha: nan, beta: nan, trackingError: nan, informationRatio: nan, upCapture: nan,
    downCapture: nan, turnover: nan, expectancy: nan, averageWin: nan,
    averageLoss: nan, largestWin: nan, largestLoss: nan, maxConsecutiveLosses: nan, sqn: nan, kelly: nan, probabilisticSharpe: nan, ...core,
  };
}

/** Compounds per-point returns into `k` buckets of equal point counts. */
export function bucketReturns(equity: ArrayLike<number>, k: number): Float64Array {
  const n = equity.length;
  const out = new Float64Array(k);
  if (n < 2) return out;
  for (let b = 0; b < k; b++) {
    const s = Math.floor((b * (n - 1)) / k);
    const e = Math.floor(((b + 1) * (n - 1)) / k);
    out[b] = equity[e] / equity[s] - 1;
  }
  return out;
}

/** Intermediate objective value of a partial run (core metrics only; total return otherwise). */
function intermediateValue(objective: Objective, p: RunProgress): number {
  const m = coreMetrics({ ts: p.ts, equity: p.equity, grossExposure: new Float64Array(p.ts.length), tradeNetPnls: [] }) as unknown as Record<string, number>;
  const v = m[objective.name];
  return Number.isFinite(v) ? v : m.totalReturn;
}

/** Equity columns of this thread's trials, reused from one trial to the next (see EquityColumnsPool). */
const equityColumns = new EquityColumnsPool();

/** Ticks inferred from shared bars (immutable once shared), per first row and first batch length. */
const sharedTicks = new WeakMap<SharedBars, Map<string, number>>();

/**
 * The config with its feed's tick stated when it leaves it out: the tick the run would infer
 * from the same first batch, inferred once per shared rows rather than by every trial
 * (~0.4 ms of a 100k-bar trial's ~9 ms).
 */
function withSharedTick(config: SessionConfigInput, bars: SharedBars, from: number, first: BarBatch | undefined): SessionConfigInput {
  const feed = config.data?.[0];
  if (first === undefined || feed?.instrument === undefined || feed.instrument.tickSize !== undefined) return config;
  let ticks = sharedTicks.get(bars);
  if (ticks === undefined) sharedTicks.set(bars, (ticks = new Map()));
  const key = `${from}:${first.length}`;
  let tick = ticks.get(key);
  if (tick === undefined) ticks.set(key, (tick = inferBarTickSize(first)));
  return { ...config, data: [{ ...feed, instrument: { ...feed.instrument, tickSize: tick } }, ...config.data!.slice(1)] };
}

/**
 * Runs one trial on shared bars. `prune(step, value)` is asked at each checkpoint when
 * the task wants checkpoints; a true answer stops the run (state pruned).
 */
export async function evaluateTrial(
  task: TrialTask, bars: SharedBars, def: StrategyDefinition,
  prune?: (step: number, value: number) => Promise<boolean>,
): Promise<TrialResult> {
  const t0 = performance.now();
  const [from, to] = task.rows ?? [0, bars.length];
  const steps = task.checkpoints ?? 0;
  const size = steps > 0 ? Math.max(1, Math.ceil((to - from) / steps)) : 65_536;
  const feeds = [sliceShared(bars, from, to, size)];
  let step = 0;
  let lastValue = Number.NaN;
  const base = { number: task.number, params: task.params };
  let storage: EquityCurve | null = null;
  try {
    // Objectives that read only the core metrics need no order, fill or trade records.
    const coreOnly = task.objectives.every((o) => o.module === undefined && CORE_KEYS.has(o.name));
    // Without objective modules nothing outlives this call that reads the curve: its columns go to the next trial.
    if (task.objectives.every((o) => o.module === undefined)) storage = equityColumns.take(to - from);
    const config = withSharedTick(task.config, bars, from, feeds[0][0]);
    const r = await runBacktest({ ...config, params: { ...(config.params ?? {}), ...task.params } }, {
      strategy: def, feeds, keepRecords: !coreOnly,
      // Its columns given, the curve is derived from the bars after the run instead of written per bar.
      ...(storage ? { equityStorage: storage, equityMarks: { ts: bars.ts.subarray(from, to), close: bars.close.subarray(from, to) } } : {}),
      ...(steps > 0 && prune ? {
        checkpoint: async (p: RunProgress) => {
          lastValue = intermediateValue(task.objectives[0], p);
          return prune(step++, lastValue);
        },
      } : {}),
    });
    const m = r.instruments[0].multiplier;
    // The run's core metrics suffice unless an objective needs the extended ones (which sort the returns).
    const summary = task.objectives.every((o) => o.module !== undefined || CORE_KEYS.has(o.name)) ? fromCore(r.metrics) : performanceSummary({
      ts: r.equity.ts, equity: r.equity.equity, grossExposure: r.equity.exposure, tradeNetPnls: r.trades.map((t) => t.netPnl),
      tradedNotional: r.fills.reduce((s, f) => s + Math.abs(f.price * f.qty) * m, 0),
      ...(r.config.periodsPerYear !== undefined ? { periodsPerYear: r.config.periodsPerYear } : {}),
    });
    const values = await objectiveValues(task.objectives, summary, r);
    const broken = brokenLimit(task.limits, summary);
    return {
      ...base, state: broken ? 'infeasible' : 'complete', values, finalValue: r.finalValue, metrics: summary,
      ...(broken ? { reason: broken } : {}),
      ...(task.returnBuckets > 0 ? { returns: bucketReturns(r.equity.equity, task.returnBuckets) } : {}),
      ...(task.keepEquity ? { equity: { ts: Float64Array.from(r.equity.ts), equity: Float64Array.from(r.equity.equity) } } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    if (e instanceof RunStopped) {
      return { ...base, state: 'pruned', values: [], finalValue: Number.NaN, metrics: null, intermediate: lastValue, reason: `pruned at step ${step - 1}`, seconds: (performance.now() - t0) / 1000 };
    }
    return { ...base, state: 'failed', values: [], finalValue: Number.NaN, metrics: null, reason: (e as Error).message, seconds: (performance.now() - t0) / 1000 };
  } finally {
    if (storage !== null) equityColumns.give(storage);
  }
}
