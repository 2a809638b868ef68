import type { ReportFold } from '../analytics/report/walkforward-report.ts';
import { loadStrategy } from '../engine/load-strategy.ts';
import type { SessionConfigInput } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import type { SearchSpace } from '../core/search-space.ts';
import { parseDateTime } from '../core/time.ts';
import { loadSharedBars } from './load-shared.ts';
import { parseObjectives } from './objective.ts';
import { Progress } from './progress.ts';
import { plannedTrials, runStudy, type SamplerName, type StudyResult, type StudySpec } from './run-study.ts';

export { plannedTrials };
import type { SharedBars } from './shared-bars.ts';
import { prestartSampler } from './study-spec.ts';
import { defaultWorkers, TrialPool } from './trial-pool.ts';
import { foldWindows, parseWindow, walkForward, type Fold, type WalkForwardResult } from './walk-forward.ts';

/** An optimization from code (notebooks, scripts): the `lockstep optimize` options as an object. */
export interface StudyOptions {
  /** Run config with one bar feed; `from`/`to` window the bars once. */
  config: SessionConfigInput;
  /** Search space; default the strategy's declared `space`. */
  space?: SearchSpace;
  sampler?: SamplerName;
  trials?: number;
  /** e.g. 'sharpe' or 'sharpe,min:maxDrawdown'. */
  objective?: string;
  seed?: number;
  workers?: number;
  /** A trial running longer (seconds) fails, its worker stopped and replaced (default: no limit). */
  trialTimeoutSeconds?: number;
  minTrades?: number;
  maxDrawdown?: number;
  /** Called after every trial (and fold, for walk-forward). */
  onProgress?: (done: number, total: number, note?: string) => void;
}

export interface WalkForwardOptions extends StudyOptions {
  /** Train window: bars (number) or a duration like '7d', '12h'. */
  train: number | string;
  test: number | string;
  anchored?: boolean;
}

/**
 * Loads a study's one bar feed into shared memory, windowed by the config's from/to once;
 * the returned trial config has no window left (trials run on the loaded rows).
 */
export async function loadStudyBars(c: SessionConfigInput): Promise<{ bars: SharedBars; config: SessionConfigInput }> {
  if (c.data?.length !== 1) throw new ConfigError('a study runs on one bar feed: give config.data one entry');
  const bars = await loadSharedBars(c.data[0].file, {
    onBadRow: c.onBadRow ?? 'error',
    ...(c.from !== undefined ? { from: parseDateTime(c.from) } : {}),
    ...(c.to !== undefined ? { to: parseDateTime(c.to) } : {}),
  });
  const { from: _f, to: _t, ...config } = c;
  return { bars, config };
}

async function prepare(o: StudyOptions): Promise<{ spec: Omit<StudySpec, 'rows'>; bars: SharedBars; strategy: string }> {
  const c = o.config;
  if (c.portfolio !== undefined || c.strategy === undefined) throw new ConfigError('studies tune one strategy: give config.strategy (a portfolio config runs with runBacktest)');
  const def = await loadStrategy(c.strategy);
  const space = o.space ?? def.space;
  if (!space) throw new ConfigError(`strategy ${c.strategy} declares no search space: pass \`space\``);
  const { bars, config } = await loadStudyBars(c);
  const spec: Omit<StudySpec, 'rows'> = {
    config, space, sampler: o.sampler ?? 'grid', objectives: parseObjectives(o.objective ?? 'sharpe'), seed: o.seed ?? 1,
    limits: { ...(o.minTrades !== undefined ? { minTrades: o.minTrades } : {}), ...(o.maxDrawdown !== undefined ? { maxDrawdown: o.maxDrawdown } : {}) },
    ...(o.trials !== undefined ? { trials: o.trials } : {}),
  };
  return { spec, bars, strategy: c.strategy };
}

/** Runs an optimization study on worker threads (the engine of `lockstep optimize`). */
export async function optimizeStrategy(o: StudyOptions): Promise<StudyResult> {
  const { spec, bars, strategy } = await prepare(o);
  const total = plannedTrials(spec);
  if (spec.sampler !== 'grid' && !spec.trials) throw new ConfigError(`sampler ${spec.sampler} needs \`trials\``);
  prestartSampler(spec);
  const pool = new TrialPool(bars, strategy, o.workers ?? defaultWorkers(), { trialTimeoutSeconds: o.trialTimeoutSeconds });
  try {
    return await runStudy(spec as StudySpec, pool, { onTrial: (_r, done) => o.onProgress?.(done, total) });
  } finally {
    await pool.close();
  }
}

/** Walk-forward analysis (the engine of `lockstep walkforward`); folds carry their bar times. */
export async function walkForwardStrategy(o: WalkForwardOptions): Promise<WalkForwardResult & { ts: Float64Array }> {
  const { spec, bars, strategy } = await prepare(o);
  const ts = bars.ts.slice(0, bars.length);
  const windows = foldWindows(ts, parseWindow(String(o.train), 'train'), parseWindow(String(o.test), 'test'), o.anchored === true);
  if (windows.length === 0) throw new ConfigError(`no walk-forward fold fits ${bars.length} bars with train ${o.train} / test ${o.test}`);
  prestartSampler(spec); // every fold's study takes this one Optuna process
  const pool = new TrialPool(bars, strategy, o.workers ?? defaultWorkers(), { trialTimeoutSeconds: o.trialTimeoutSeconds });
  try {
    const r = await walkForward(spec, bars, pool, windows, (f: Fold) => o.onProgress?.(f.index + 1, windows.length, f.best ? JSON.stringify(f.best.params) : 'no feasible trial'));
    return { ...r, ts };
  } finally {
    await pool.close();
  }
}

/** A progress callback printing plain lines (every 10% and at the end) — for notebooks and logs. */
export function progressLines(label: string, write: (line: string) => void = (l) => console.log(l)) {
  let p: Progress | null = null;
  return (done: number, total: number, note?: string) => {
    p ??= new Progress(label, total, (t) => write(t.replace(/\n$/, '')), false);
    p.update(done, note);
  };
}

/** A fold as the walk-forward report shows it: bar times, chosen params, IS and OOS metric and return. */
export function reportFold(f: Fold, ts: Float64Array, metric: string): ReportFold {
  const m = f.best?.metrics as unknown as Record<string, number> | undefined;
  const o = f.oos as unknown as Record<string, number> | null;
  return {
    index: f.index, trainStart: ts[f.window.trainFrom], trainEnd: ts[f.window.trainTo - 1], testStart: ts[f.window.trainTo], testEnd: ts[f.window.testTo - 1],
    params: f.best?.params ?? null, isMetric: m?.[metric] ?? Number.NaN, oosMetric: o?.[metric] ?? Number.NaN,
    isReturn: m?.totalReturn ?? Number.NaN, oosReturn: o?.totalReturn ?? Number.NaN,
  };
}
