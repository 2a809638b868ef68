import { backtestOverfitting, type OverfittingReport } from '../analytics/backtest-overfitting.ts';
import type { SessionConfigInput } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import type { SearchSpace } from '../core/search-space.ts';
import type { TrialResult } from './evaluate-trial.ts';
import { GeneticSampler } from './genetic-sampler.ts';
import { gridPoints } from './grid-points.ts';
import { GridSampler } from './grid-sampler.ts';
import type { Objective, TrialLimits } from './objective.ts';
import { OptunaSampler } from './optuna-sampler.ts';
import { RandomSampler } from './random-sampler.ts';
import { fitness, type Sampler } from './sampler.ts';

export const SAMPLERS = ['grid', 'random', 'genetic', 'tpe', 'cmaes', 'nsga2'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** Everything that defines a study. */
export interface StudySpec {
  /** Base run config; each trial overrides its params. */
  readonly config: SessionConfigInput;
  readonly space: SearchSpace;
  readonly sampler: SamplerName;
  /** Trials to run (grid: a cap; default the whole grid). */
  readonly trials?: number;
  readonly objectives: readonly Objective[];
  readonly limits?: TrialLimits;
  readonly seed: number;
  /** Proposals asked per batch; fixed so results do not depend on the worker count. */
  readonly batch?: number;
  /** Rows of the shared bars to run on (walk-forward folds). */
  readonly rows?: readonly [number, number];
  /** Buckets of compounded returns kept per trial for CSCV (default 64). */
  readonly returnBuckets?: number;
  /** Median pruning through Optuna (tpe/cmaes). */
  readonly prune?: boolean;
  /** Optuna storage URL and study name (distributed studies). */
  readonly storage?: string;
  readonly study?: string;
}

export interface StudyResult {
  readonly sampler: SamplerName;
  readonly objectives: readonly Objective[];
  /** Every trial, ordered by trial number. */
  readonly trials: readonly TrialResult[];
  /** Best complete trial by the first objective (ties: the lower number). */
  readonly best: TrialResult | null;
  /** Non-dominated complete trials (several objectives). */
  readonly pareto: readonly number[];
  /** CSCV over the trials' bucketed returns; null with fewer than 2 scored trials. */
  readonly overfitting: OverfittingReport | null;
  readonly seconds: number;
  /** Proposals not run because they broke the space's constraints (Optuna's samplers; ConstraintFilter), with the constraints broken; absent when none. */
  readonly withdrawn?: Withdrawn;
  /**
   * Results of this process's trials that came in after another process of a shared study had
   * failed the trial as stale (no heartbeat for the grace period: a paused process), each with what
   * became of it (kept, under which number, or dropped); absent when there were none.
   */
  readonly lateResults?: readonly string[];
}

/** Proposals a study withdrew: how many, and how many broke each constraint (a proposal may break several). */
export interface Withdrawn {
  readonly proposals: number;
  readonly constraints: Readonly<Record<string, number>>;
}

/** The constraints broken with their counts: "fast < slow: 12, …". */
export function brokenCounts(constraints: Readonly<Record<string, number>>): string {
  return Object.entries(constraints).map(([n, k]) => `${n}: ${k}`).join(', ');
}

/** Builds the sampler a study asks. */
export function createSampler(spec: StudySpec): Sampler {
  const n = spec.trials;
  const dir = spec.objectives[0].direction;
  const need = (): number => {
    if (n === undefined || !(n > 0)) throw new ConfigError(`the ${spec.sampler} sampler needs --trials N`);
    return n;
  };
  switch (spec.sampler) {
    case 'grid': return new GridSampler(spec.space, n ?? Infinity);
    case 'random': return new RandomSampler(spec.space, need(), spec.seed);
    case 'genetic': return new GeneticSampler(spec.space, need(), dir, spec.seed);
    default:
      if (spec.sampler === 'nsga2' ? false : spec.objectives.length > 1 && spec.sampler !== 'tpe') {
        throw new ConfigError(`the ${spec.sampler} sampler takes one objective; use nsga2 or tpe for several`);
      }
      return new OptunaSampler(spec.space, {
        sampler: spec.sampler, directions: spec.objectives.map((o) => o.direction), seed: spec.seed, trials: need(),
        study: spec.study ?? 'lockstep', ...(spec.storage ? { storage: spec.storage } : {}), prune: spec.prune ?? false,
      });
  }
}

/**
 * Starts the Optuna process of a study whose sampler is Optuna's, for the sampler to take:
 * called before a trial pool starts, since starting a process once the pool's workers have
 * grown this one makes all their memory copy-on-write.
 */
export function prestartSampler(spec: Pick<StudySpec, 'sampler'>): void {
  if (usesOptuna(spec.sampler)) OptunaSampler.prestart();
}

/** True for the samplers `createSampler` hands to Optuna (every one but Lockstep's own grid, random and genetic). */
function usesOptuna(sampler: SamplerName): boolean {
  return sampler !== 'grid' && sampler !== 'random' && sampler !== 'genetic';
}

/** Trials a study will run: the (capped) grid size, or the requested count. */
export function plannedTrials(spec: Pick<StudySpec, 'sampler' | 'trials' | 'space'>): number {
  return spec.sampler === 'grid' ? Math.min(spec.trials ?? Infinity, gridPoints(spec.space).length) : spec.trials ?? 0;
}

function dominates(a: readonly number[], b: readonly number[], objs: readonly Objective[]): boolean {
  let better = false;
  for (let i = 0; i < objs.length; i++) {
    const x = objs[i].direction === 'maximize' ? a[i] : -a[i];
    const y = objs[i].direction === 'maximize' ? b[i] : -b[i];
    if (x < y) return false;
    if (x > y) better = true;
  }
  return better;
}

/** Trial numbers on the Pareto front of complete trials. */
export function paretoFront(trials: readonly TrialResult[], objs: readonly Objective[]): number[] {
  const ok = trials.filter((t) => t.state === 'complete' && t.values.every(Number.isFinite));
  return ok.filter((t) => !ok.some((u) => u !== t && dominates(u.values, t.values, objs))).map((t) => t.number);
}

/** A study's result from its trials: best, Pareto front and CSCV (duplicates counted once). */
export function studyResultOf(spec: StudySpec, trials: readonly TrialResult[], t0: number, withdrawn?: Withdrawn, lateResults: readonly string[] = []): StudyResult {
  const results = [...trials].sort((a, b) => a.number - b.number);
  const buckets = spec.returnBuckets ?? 64;
  const dir = spec.objectives[0].direction;
  let best: TrialResult | null = null;
  for (const r of results) {
    const f = fitness({ state: r.state, values: r.values }, dir);
    if (f > -Infinity && (best === null || f > fitness({ state: best.state, values: best.values }, dir))) best = r;
  }
  // Duplicates would count one return series twice in CSCV.
  const scored = results.filter((r) => r.state === 'complete' && r.duplicateOf === undefined && r.returns && r.returns.length >= 8);
  const blocks = Math.min(12, Math.floor(buckets / 4) * 2);
  const overfitting = scored.length >= 2 && blocks >= 2 ? backtestOverfitting(scored.map((r) => r.returns!), blocks) : null;
  return {
    sampler: spec.sampler, objectives: spec.objectives, trials: results, best,
    pareto: spec.objectives.length > 1 ? paretoFront(results, spec.objectives) : best ? [best.number] : [],
    overfitting, seconds: (performance.now() - t0) / 1000, ...(withdrawn !== undefined && withdrawn.proposals > 0 ? { withdrawn } : {}),
    ...(lateResults.length > 0 ? { lateResults: [...lateResults] } : {}),
  };
}
