import { backtestOverfitting, type OverfittingReport } from '../analytics/backtest-overfitting.ts';
import { performanceSummary, type PerformanceSummary } from '../analytics/performance-summary.ts';
import { ConfigError } from '../core/errors.ts';
import type { ParamValue } from '../core/search-space.ts';
import { MICROS_PER_DAY } from '../core/time.ts';
import type { TrialResult } from './evaluate-trial.ts';
import { paramsKey } from './sampler.ts';
import { runStudy, type StudyResult, type StudySpec } from './run-study.ts';
import type { SharedBars } from './shared-bars.ts';
import type { TrialPool } from './trial-pool.ts';

/** A window length: bars, or a duration (`90d`, `12h`, `30m`). */
export type WindowLength = { bars: number } | { micros: number };

/** Parses `250` (bars) or `365d` / `12h` / `30m` (time). */
export function parseWindow(text: string, flag: string): WindowLength {
  const m = /^(\d+(?:\.\d+)?)([dhm]?)$/.exec(text.trim());
  if (!m) throw new ConfigError(`--${flag} expects a number of bars (250) or a duration (90d, 12h, 30m), got "${text}"`);
  const v = Number(m[1]);
  if (!(v > 0)) throw new ConfigError(`--${flag} must be > 0`);
  if (m[2] === '') {
    if (!Number.isInteger(v)) throw new ConfigError(`--${flag} in bars must be an integer`);
    return { bars: v };
  }
  const unit = m[2] === 'd' ? MICROS_PER_DAY : m[2] === 'h' ? 3_600_000_000 : 60_000_000;
  return { micros: v * unit };
}

/** Row ranges of one fold: optimize on [trainFrom, trainTo), evaluate on [trainTo, testTo). */
export interface FoldWindow {
  readonly trainFrom: number;
  readonly trainTo: number;
  readonly testTo: number;
}

/** First row with ts ≥ t (binary search). */
function rowAt(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rolling (fixed-length train window sliding by the test length) or anchored (train
 * window always starts at the first bar) folds, by bars or by time; the last partial
 * test window is dropped.
 */
export function foldWindows(ts: Float64Array, train: WindowLength, test: WindowLength, anchored: boolean): FoldWindow[] {
  const n = ts.length;
  const out: FoldWindow[] = [];
  if (n === 0) return out;
  // The row where a window of length w starting at `row` ends; n + 1 when it runs past the data.
  const end = (row: number, w: WindowLength): number => {
    if ('bars' in w) return row + w.bars;
    const target = ts[row] + w.micros;
    return target > ts[n - 1] ? n + 1 : rowAt(ts, target);
  };
  let testFrom = end(0, train);
  while (testFrom < n) {
    const testTo = end(testFrom, test);
    if (testTo > n || testTo <= testFrom) break;
    const trainFrom = anchored ? 0 : 'bars' in train ? testFrom - train.bars : rowAt(ts, ts[testFrom] - train.micros);
    out.push({ trainFrom, trainTo: testFrom, testTo });
    testFrom = testTo;
  }
  return out;
}

export interface Fold {
  readonly index: number;
  readonly window: FoldWindow;
  /** The in-sample study's best trial (null when no trial scored). */
  readonly best: TrialResult | null;
  readonly study: StudyResult;
  /** Out-of-sample metrics of the best params on the test rows. */
  readonly oos: PerformanceSummary | null;
  /** Out-of-sample equity, rebased to start where the previous fold ended. */
  readonly oosEquity: { ts: Float64Array; equity: Float64Array } | null;
}

export interface WalkForwardResult {
  readonly folds: readonly Fold[];
  /** Stitched out-of-sample equity across folds. */
  readonly stitched: { ts: Float64Array; equity: Float64Array };
  readonly oosSummary: PerformanceSummary | null;
  /** Annualized OOS return over the mean annualized IS return of the chosen params (Pardo). */
  readonly efficiency: number;
  /** Per numeric parameter: mean, std and coefficient of variation of the chosen values across folds. */
  readonly paramStability: Readonly<Record<string, { mean: number; std: number; cv: number; values: ParamValue[] }>>;
  /** CSCV over the trial matrix (grid: same trials every fold, returns concatenated; otherwise the mean over folds). */
  readonly overfitting: OverfittingReport | null;
  readonly seconds: number;
}

function stability(folds: readonly Fold[]): WalkForwardResult['paramStability'] {
  const out: Record<string, { mean: number; std: number; cv: number; values: ParamValue[] }> = {};
  const chosen = folds.map((f) => f.best?.params).filter((p): p is Readonly<Record<string, ParamValue>> => p !== undefined);
  if (chosen.length === 0) return out;
  for (const k of Object.keys(chosen[0])) {
    const values = chosen.map((p) => p[k]);
    const nums = values.filter((v): v is number => typeof v === 'number');
    const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
    const std = nums.length > 1 ? Math.sqrt(nums.reduce((a, b) => a + (b - mean) ** 2, 0) / (nums.length - 1)) : 0;
    out[k] = { mean, std, cv: mean !== 0 ? std / Math.abs(mean) : Number.NaN, values };
  }
  return out;
}

function overfittingOf(folds: readonly Fold[]): OverfittingReport | null {
  const studies = folds.map((f) => f.study.trials.filter((t) => t.state === 'complete' && t.returns));
  if (studies.length === 0 || studies.some((s) => s.length < 2)) return null;
  const keys = studies.map((s) => s.map((t) => paramsKey(t.params)).sort().join('|'));
  if (keys.every((k) => k === keys[0])) {
    // Same trials in every fold (a grid): one matrix, each trial's fold returns concatenated.
    const byKey = studies.map((s) => new Map(s.map((t) => [paramsKey(t.params), t.returns!])));
    const order = [...byKey[0].keys()];
    const matrix = order.map((k) => Float64Array.from(byKey.flatMap((m) => Array.from(m.get(k)!))));
    const blocks = Math.min(16, Math.floor(matrix[0].length / 4) * 2);
    return backtestOverfitting(matrix, blocks);
  }
  const reports = folds.map((f) => f.study.overfitting).filter((r): r is OverfittingReport => r !== null);
  if (reports.length === 0) return null;
  return { pbo: reports.reduce((s, r) => s + r.pbo, 0) / reports.length, logits: reports.flatMap((r) => r.logits), splits: reports.reduce((s, r) => s + r.splits, 0) };
}

/**
 * Walk-forward analysis: for each fold, optimize on the train rows, then run the best
 * params from the train start through the test end (so indicators and positions carry
 * over) and keep the test rows' returns; the folds' test returns are chained into one
 * out-of-sample equity curve.
 */
export async function walkForward(
  spec: Omit<StudySpec, 'rows'>, bars: SharedBars, pool: TrialPool, windows: readonly FoldWindow[],
  onFold?: (fold: Fold) => void,
): Promise<WalkForwardResult> {
  const t0 = performance.now();
  if (windows.length === 0) throw new ConfigError('no walk-forward fold fits the data: shorten --train/--test');
  const folds: Fold[] = [];
  const cash = Number(spec.config.cash ?? 10_000);
  const stitchedTs: number[] = [];
  const stitchedEq: number[] = [];
  let level = cash;
  for (const [index, w] of windows.entries()) {
    // On a shared storage each fold is a study of its own (NAME/fold-K), read back whole whoever ran its trials.
    const name = spec.storage !== undefined && spec.study !== undefined ? { study: `${spec.study}/fold-${index}` } : {};
    const study = await runStudy({ ...spec, ...name, rows: [w.trainFrom, w.trainTo], seed: spec.seed + index }, pool, { everyProcess: true });
    const best = study.best;
    let oos: PerformanceSummary | null = null;
    let oosEquity: Fold['oosEquity'] = null;
    if (best) {
      const run = await pool.run({
        number: -1 - index, params: best.params, config: spec.config, rows: [w.trainFrom, w.testTo], objectives: spec.objectives,
        limits: {}, returnBuckets: 0, keepEquity: true,
      });
      if (run.state === 'complete' || run.state === 'infeasible') {
        const e = run.equity!;
        // Equity points are bar timestamps: the test part starts at the first bar of the test rows.
        const startTs = bars.ts[w.trainTo];
        let k = 0;
        while (k < e.ts.length && e.ts[k] < startTs) k++;
        const base = k > 0 ? e.equity[k - 1] : e.equity[0];
        const ts = e.ts.slice(k);
        const eq = new Float64Array(ts.length);
        for (let i = 0; i < ts.length; i++) eq[i] = (level * e.equity[k + i]) / base;
        oosEquity = { ts, equity: eq };
        const withStart = Float64Array.of(level, ...eq);
        const tsStart = Float64Array.of(k > 0 ? e.ts[k - 1] : e.ts[0], ...ts);
        oos = performanceSummary({ ts: tsStart, equity: withStart, grossExposure: new Float64Array(withStart.length), tradeNetPnls: [], tradedNotional: 0 });
        for (let i = 0; i < ts.length; i++) { stitchedTs.push(ts[i]); stitchedEq.push(eq[i]); }
        if (eq.length > 0) level = eq[eq.length - 1];
      }
    }
    const fold: Fold = { index, window: w, best, study, oos, oosEquity };
    folds.push(fold);
    onFold?.(fold);
  }
  const stitched = { ts: Float64Array.from(stitchedTs), equity: Float64Array.from(stitchedEq) };
  const oosSummary = stitched.ts.length > 1
    ? performanceSummary({ ts: stitched.ts, equity: stitched.equity, grossExposure: new Float64Array(stitched.ts.length), tradeNetPnls: [], tradedNotional: 0 })
    : null;
  const isCagr = folds.map((f) => f.best?.metrics?.cagr).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const meanIs = isCagr.reduce((a, b) => a + b, 0) / isCagr.length;
  const efficiency = oosSummary && isCagr.length > 0 && meanIs !== 0 ? oosSummary.cagr / meanIs : Number.NaN;
  return { folds, stitched, oosSummary, efficiency, paramStability: stability(folds), overfitting: overfittingOf(folds), seconds: (performance.now() - t0) / 1000 };
}
