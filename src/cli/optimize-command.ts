import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { optimizationHtml } from '../analytics/report/optimization-report.ts';
import { sharedPlotly } from '../backtest/write-report.ts';
import { loadStrategy } from '../engine/load-strategy.ts';
import { toJson } from '../backtest/write-result.ts';
import type { ParamValue, SearchSpace } from '../core/search-space.ts';
import type { TrialResult } from '../optimize/evaluate-trial.ts';
import { loadStudyBars, plannedTrials } from '../optimize/research.ts';
import { SHARED_SAMPLERS } from '../optimize/shared-study.ts';
import { parseObjectives } from '../optimize/objective.ts';
import { Progress } from '../optimize/progress.ts';
import { createSampler, runStudy, SAMPLERS, type SamplerName, type StudyResult, type StudySpec } from '../optimize/run-study.ts';
import type { SharedBars } from '../optimize/shared-bars.ts';
import { checkSpace, spaceFromFlags } from '../optimize/space-flags.ts';
import { edgeNote, edgeParams } from '../optimize/edge.ts';
import { plateauOf, plateauWarning, type Plateau } from '../optimize/plateau.ts';
import { defaultWorkers, TrialPool, type TrialPoolOptions } from '../optimize/trial-pool.ts';
import { TrialStore } from '../optimize/trial-store.ts';
import { backtestConfigFromFlags } from './backtest-command.ts';
import { numberFlag } from './parse-flags.ts';
import { intFlag, splitStudyArgs } from './study-flags.ts';
import { availableParallelism } from 'node:os';
import { trialWarnings } from './trial-warnings.ts';
import { UsageError } from './usage-error.ts';
import { makeDir } from '../core/files.ts';

export const OPTIMIZE_HELP = `lockstep optimize --strategy S --data FILE [--grid k=LOW:HIGH[:STEP] | --grid k=a,b,c ...] [options]

Searches strategy parameters with backtests run in parallel worker threads.

  --grid SPEC              search space (repeatable); default: the strategy's declared space
  --sampler NAME           grid (default), random, genetic, tpe, cmaes, nsga2 (last three: Optuna)
  --trials N               trials to run (needed by all samplers but grid, where it caps the grid)
  --objective LIST         metric(s) to optimize, e.g. sharpe or sharpe,maxDrawdown; prefix max:/min: to set the direction
  --min-trades N           trials with fewer closed trades count as infeasible
  --max-drawdown X         trials with a deeper max drawdown (fraction) count as infeasible
  --workers N              worker threads (default: one per core)
  --trial-timeout SECONDS  a trial running longer fails (its worker is stopped and replaced); default: no limit
  --seed N                 sampler seed (default 1); results do not depend on --workers
  --batch N                proposals per sampler round (default: grid/random 4096, genetic 20, Optuna 4)
  --prune                  stop weak trials early (Optuna median pruner)
  --study NAME             study name: trials stream to reports/NAME/trials.jsonl; re-running resumes
  --storage URL            Optuna storage shared by several machines, e.g. postgresql://user:pw@host/db
  --out DIR                reports folder (default reports)
  --no-report              skip optimization.html
  --json                   print one JSON object: trials (in parameter order) with params, finalValue, metrics
  plus every backtest flag (--cash, --commission-rate, --from/--to, ...)`;

/** The study flags shared by optimize and walkforward, resolved. */
export interface StudySetup {
  spec: Omit<StudySpec, 'rows'>;
  strategy: string;
  bars: SharedBars;
  workers: number;
  /** The trial pool's options (--trial-timeout). */
  pool: TrialPoolOptions;
  json: boolean;
  report: boolean;
  out: string;
  studyName: string;
  flags: Record<string, string | string[] | boolean>;
}

/** Worker threads: as asked, but never more than the machine's cores (more only slow a study down). */
function workerCount(asked: number | undefined, warn: (s: string) => void): number {
  const cores = availableParallelism();
  if (asked === undefined) return defaultWorkers();
  if (asked > cores) {
    warn(`--workers ${asked} is more than the ${cores} cores here; using ${cores}`);
    return cores;
  }
  return asked;
}

/** A study name is one folder name under the output folder: no separators, no "..". */
function checkStudyName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) {
    throw new UsageError(`--study "${name}" must be a plain name (letters, digits, . _ -), not a path: the study is stored under the output folder`);
  }
  return name;
}

export async function studySetup(argv: string[], command: string, warn: (s: string) => void = () => {}): Promise<StudySetup | null> {
  const { study: f, rest } = splitStudyArgs(argv, command);
  if (f.help) return null;
  const parsed = await backtestConfigFromFlags(rest, command);
  if (!parsed) return null;
  const config = parsed.config;
  if (config.data?.length !== 1) throw new UsageError(`${command}: one --data file per study`);
  if (parsed.monteCarlo || config.benchmark !== undefined) throw new UsageError(`${command}: --monte-carlo and --benchmark apply to a backtest's report (run lockstep backtest with the chosen parameters)`);
  if (config.portfolio !== undefined || config.strategy === undefined) throw new UsageError(`${command}: studies tune one strategy; a portfolio config (portfolio.sleeves) runs with lockstep backtest`);
  const strategyName = config.strategy;
  const def = await loadStrategy(strategyName);
  const space: SearchSpace = spaceFromFlags((f.grid as string[] | undefined) ?? [], def.space);
  checkSpace(space, def.params, config.params ?? {}, def.name);
  const sampler = String(f.sampler ?? 'grid') as SamplerName;
  if (!SAMPLERS.includes(sampler)) throw new UsageError(`${command}: --sampler must be one of ${SAMPLERS.join(', ')}`);
  const seed = typeof config.seed === 'number' ? config.seed : 1;
  const workers = workerCount(intFlag(f.workers, 'workers'), warn);
  const minTrades = f['min-trades'] !== undefined ? numberFlag(String(f['min-trades']), 'min-trades') : undefined;
  const maxDd = f['max-drawdown'] !== undefined ? numberFlag(String(f['max-drawdown']), 'max-drawdown') : undefined;
  const trials = intFlag(f.trials, 'trials');
  const trialTimeout = f['trial-timeout'] !== undefined ? numberFlag(String(f['trial-timeout']), 'trial-timeout') : undefined;
  if (trialTimeout !== undefined && !(trialTimeout > 0)) throw new UsageError(`--trial-timeout expects a positive number of seconds, got "${String(f['trial-timeout'])}"`);
  const batch = intFlag(f.batch, 'batch');
  const storage = typeof f.storage === 'string' ? f.storage : undefined;
  // An unnamed study gets a name of its own (a random suffix: two started in the same second never share one study file).
  const studyName = typeof f.study === 'string' ? checkStudyName(f.study)
    : `${command === 'optimize' ? 'opt' : 'wf'}-${strategyName.replace(/[^a-zA-Z0-9_-]/g, '_')}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
  const { bars, config: trialConfig } = await loadStudyBars(config);
  // Distributed Optuna studies: each process samples with its own seed (they cannot be reproduced anyway);
  // grid, random and genetic studies share one seed: every process computes the same proposals and claims its share.
  const seeded = (SHARED_SAMPLERS as readonly string[]).includes(sampler);
  const sampleSeed = storage && !seeded ? (seed * 1_000_003 + process.pid) % 2_147_483_647 : seed;
  const spec: Omit<StudySpec, 'rows'> = {
    config: trialConfig, space, sampler, objectives: parseObjectives(String(f.objective ?? 'sharpe')),
    limits: { ...(minTrades !== undefined ? { minTrades } : {}), ...(maxDd !== undefined ? { maxDrawdown: maxDd } : {}) },
    seed: sampleSeed, ...(trials !== undefined ? { trials } : {}), ...(batch !== undefined ? { batch } : {}),
    ...(f.prune ? { prune: true } : {}), ...(storage ? { storage, study: studyName } : { study: studyName }),
  };
  return {
    spec, strategy: strategyName, bars, workers, pool: { trialTimeoutSeconds: trialTimeout }, json: f.json === true, report: f['no-report'] !== true,
    out: resolve(typeof f.out === 'string' ? f.out : 'reports'), studyName, flags: f,
  };
}

/** Trials sorted by their parameter values in space order (numbers ascending, categoricals by choice order). */
export function inParameterOrder(trials: readonly TrialResult[], space: SearchSpace): TrialResult[] {
  const keys = Object.keys(space.params);
  const rank = (k: string, v: ParamValue): number => {
    const s = space.params[k];
    return s.type === 'categorical' ? s.choices.indexOf(v) : Number(v);
  };
  return [...trials].sort((a, b) => {
    for (const k of keys) {
      const d = rank(k, a.params[k]) - rank(k, b.params[k]);
      if (d !== 0) return d;
    }
    return a.number - b.number;
  });
}

export function trialJson(t: TrialResult): Record<string, unknown> {
  return { number: t.number, params: t.params, state: t.state, values: t.values, finalValue: t.finalValue, metrics: t.metrics, ...(t.reason ? { reason: t.reason } : {}), ...(t.duplicateOf !== undefined ? { duplicateOf: t.duplicateOf } : {}) };
}

const duplicates = (r: StudyResult) => r.trials.filter((t) => t.duplicateOf !== undefined).length;

function summaryText(r: StudyResult, space: SearchSpace, dir: string | null, reportFile: string | null): string {
  const keys = Object.keys(space.params);
  const obj = r.objectives.map((o) => o.name);
  const ok = r.trials.filter((t) => t.state === 'complete');
  const dirSign = r.objectives[0].direction === 'maximize' ? -1 : 1;
  const top = [...ok].sort((a, b) => dirSign * (a.values[0] - b.values[0]) || a.number - b.number).slice(0, 10);
  const lines = [
    `${r.sampler}: ${r.trials.length} trials (${ok.length} complete${duplicates(r) > 0 ? `, ${duplicates(r)} proposed again and reused, not run twice` : ''}) in ${r.seconds.toFixed(1)} s`,
    `best ${r.best ? `#${r.best.number} ${keys.map((k) => `${k}=${String(r.best!.params[k])}`).join(' ')} ${obj[0]}=${r.best.values[0].toFixed(4)} final value ${r.best.finalValue.toFixed(2)}` : 'none (no trial scored)'}`,
    (r.best && edgeNote(edgeParams(r.best.params, space))) || '',
    r.overfitting ? `probability of backtest overfitting (CSCV, ${r.overfitting.splits} splits): ${(r.overfitting.pbo * 100).toFixed(1)}%` : '',
    '',
    [...keys, ...obj, 'finalValue'].map((h) => h.padStart(12)).join(''),
    ...top.map((t) => [...keys.map((k) => String(t.params[k])), ...t.values.map((v) => v.toFixed(4)), t.finalValue.toFixed(2)].map((c) => c.padStart(12)).join('')),
  ];
  if (dir) lines.push('', `trials         ${join(dir, 'trials.jsonl')}`);
  if (reportFile) lines.push(`report         ${reportFile}`);
  return lines.filter((l, i) => l !== '' || i > 2).join('\n');
}

export async function optimizeCommand(argv: string[], out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const s = await studySetup(argv, 'optimize', (w) => err(`lockstep optimize: ${w}`));
  if (s === null) {
    out(OPTIMIZE_HELP);
    return 0;
  }
  const dir = join(s.out, s.studyName);
  const sampler = createSampler(s.spec as StudySpec); // a bad sampler setting fails here, before the study folder exists
  let store: TrialStore | undefined;
  try {
    store = s.spec.storage ? undefined : new TrialStore(join(dir, 'trials.jsonl'), {
      strategy: s.strategy, data: s.spec.config.data, config: s.spec.config, space: s.spec.space.params, sampler: s.spec.sampler,
      objectives: s.spec.objectives, limits: s.spec.limits, seed: s.spec.seed, trials: s.spec.trials ?? null,
    });
  } catch (e) {
    await sampler.close(); // an Optuna sampler's Python process would keep this one alive
    throw e;
  }
  const pool = new TrialPool(s.bars, s.strategy, s.workers, s.pool);
  const total = plannedTrials(s.spec);
  const progress = new Progress(`optimize ${s.studyName}`, total, (t) => process.stderr.write(t), process.stderr.isTTY === true);
  let result: StudyResult;
  try {
    // A seeded study on a storage makes its own sampler per process share (runSharedStudy).
    const shared = s.spec.storage !== undefined && (SHARED_SAMPLERS as readonly string[]).includes(s.spec.sampler);
    result = await runStudy(s.spec as StudySpec, pool, { ...(shared ? {} : { sampler }), ...(store ? { store } : {}), onTrial: (_r, done) => progress.update(done) });
  } finally {
    await pool.close();
  }
  const plateau = plateauOfStudy(result, s.spec.space);
  const warnings = studyWarnings(result, s.spec.sampler, plateau);
  let reportFile: string | null = null;
  if (s.report) {
    await makeDir(dir);
    reportFile = join(dir, 'optimization.html');
    await writeFile(reportFile, optimizationHtml({
      title: `Optimization of ${s.strategy}`, sampler: result.sampler, objectives: result.objectives, paramNames: Object.keys(s.spec.space.params),
      trials: result.trials, bestNumber: result.best?.number ?? null, pbo: result.overfitting?.pbo ?? null, seconds: result.seconds,
      notices: [...warnings, ...[result.best ? edgeNote(edgeParams(result.best.params, s.spec.space)) : null].filter((n): n is string => !!n)],
    }, await sharedPlotly(s.out, reportFile)));
  }
  if (s.json) {
    out(toJson({
      warnings, study: s.studyName, sampler: result.sampler, duplicates: duplicates(result), objectives: result.objectives, seconds: result.seconds, workers: s.workers,
      trials: inParameterOrder(result.trials, s.spec.space).map(trialJson), best: result.best ? trialJson(result.best) : null,
      bestOnEdge: result.best ? edgeParams(result.best.params, s.spec.space) : [], plateau,
      pareto: result.pareto, overfitting: result.overfitting ? { pbo: result.overfitting.pbo, splits: result.overfitting.splits } : null,
      report: reportFile, trialsFile: store ? store.file : null,
    }));
  } else {
    out(summaryText(result, s.spec.space, store ? dir : null, reportFile));
  }
  for (const w of warnings) err(`lockstep optimize: warning: ${w}`);
  // A study whose every trial failed found nothing: not a success.
  return result.trials.length > 0 && result.trials.every((t) => t.state === 'failed') ? 1 : 0;
}

/** What the study's numbers do not say by themselves: failed trials (with the first reason), withdrawn proposals, a one-point grid. */
function studyWarnings(r: StudyResult, sampler: string, plateau: Plateau | null): string[] {
  const out = trialWarnings([{ study: r }], sampler);
  if (sampler === 'grid' && r.trials.length === 1) out.push('the grid has a single point, so nothing was compared: check the --grid ranges');
  const spike = plateauWarning(plateau);
  if (spike) out.push(spike);
  return out;
}

/** The best trial's neighbourhood on the first objective (complete, first-run trials only). */
function plateauOfStudy(r: StudyResult, space: SearchSpace): Plateau | null {
  if (!r.best) return null;
  const scored = r.trials.filter((t) => t.state === 'complete' && t.duplicateOf === undefined).map((t) => ({ params: t.params, value: t.values[0], t }));
  const best = scored.find((x) => x.t === r.best) ?? scored.find((x) => x.t.number === r.best!.number);
  return best ? plateauOf(best, scored, space, r.objectives[0].direction === 'maximize') : null;
}
