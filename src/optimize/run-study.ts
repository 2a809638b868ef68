import { ConstraintFilter, WITHDRAWN } from './constraint-filter.ts';
import type { TrialResult, TrialTask } from './evaluate-trial.ts';
import { paramsKey, type Proposal, type Sampler } from './sampler.ts';
import { runSharedStudy, SHARED_SAMPLERS } from './shared-study.ts';
import { createSampler, plannedTrials, studyResultOf, type SamplerName, type StudyResult, type StudySpec } from './study-spec.ts';
import type { TrialPool } from './trial-pool.ts';
import { trialFromJson, trialToJson, type TrialStore } from './trial-store.ts';
import { OptunaSampler } from './optuna-sampler.ts';

export { createSampler, paretoFront, plannedTrials, SAMPLERS, studyResultOf, type SamplerName, type StudyResult, type StudySpec } from './study-spec.ts';

/** How long a process that finished its share waits for the others' last trials of a shared Optuna study. */
const SHARED_WAIT_MS = 30 * 60_000;

/**
 * Every finished trial of a shared Optuna study, once the other processes' running ones
 * finished too; null when the study came out short (a process died mid-trial), to ask again.
 */
async function everyTrial(sampler: OptunaSampler): Promise<TrialResult[] | null> {
  const until = performance.now() + SHARED_WAIT_MS; // monotonic: a wait between processes, not simulated time
  for (;;) {
    const { records, done, short } = await sampler.sharedRecords();
    if (done) return records.map(trialFromJson);
    if (short) return null;
    if (performance.now() > until) throw new Error(`a shared ${sampler.name} study still has running trials after ${SHARED_WAIT_MS / 60_000} min (${records.length} finished): a process sharing it stopped mid-trial? Run again to finish the study`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Runs trials on the pool; the trials asked for in one synchronous stretch (a batch's
 * proposals) go as one batch (TrialPool.runAll), which the workers share out themselves.
 */
function batchedRunner(pool: TrialPool): (task: TrialTask) => Promise<TrialResult> {
  let pending: Array<{ task: TrialTask; settle: (r: Promise<TrialResult>) => void }> = [];
  const flush = (): void => {
    const batch = pending;
    pending = [];
    pool.runAll(batch.map((b) => b.task)).forEach((r, k) => batch[k].settle(r));
  };
  return (task) => new Promise<TrialResult>((resolve) => {
    if (pending.push({ task, settle: resolve }) === 1) queueMicrotask(flush);
  });
}

/** Default proposals per batch of each sampler. */
function defaultBatch(s: SamplerName): number {
  // Grid and random proposals do not depend on results: one batch of up to 4,096. At the end of
  // a batch the pool drains (a worker waits for the other's last trials): with batches of 256
  // a 1,000-trial grid study waited four times, ~1 % of its wall time.
  return s === 'grid' || s === 'random' ? 4096 : s === 'genetic' ? 20 : 4;
}

/**
 * Runs a study: asks the sampler in fixed-size batches, evaluates each batch on the pool
 * (stored trials are reused, new ones streamed to the store), tells outcomes in trial
 * order. `onTrial` sees every finished trial.
 */
export async function runStudy(spec: StudySpec, pool: TrialPool, opts: { store?: TrialStore; onTrial?: (r: TrialResult, done: number) => void; sampler?: Sampler; everyProcess?: boolean } = {}): Promise<StudyResult> {
  // Shared through a storage: seeded samplers split their trials among the processes; Optuna's share its study.
  if (spec.storage !== undefined && spec.study !== undefined && !opts.sampler && (SHARED_SAMPLERS as readonly string[]).includes(spec.sampler)) {
    return runSharedStudy(spec, pool, { trials: plannedTrials(spec), ...(opts.onTrial ? { onTrial: opts.onTrial } : {}) });
  }
  const t0 = performance.now();
  const sampler = opts.sampler ?? createSampler(spec);
  const batch = spec.batch ?? defaultBatch(spec.sampler);
  const buckets = spec.returnBuckets ?? 64;
  const results: TrialResult[] = [];
  const shared = spec.storage !== undefined;
  const usePrune = spec.prune === true && sampler.shouldPrune !== undefined;
  // Pruned trials ask their sampler while they run: one message each way per trial (TrialPool.run).
  const runTask = usePrune ? null : batchedRunner(pool);
  // Each parameter set runs once: a sampler that proposes one again (TPE, CMA-ES, random,
  // genetic can) gets the first trial's result, marked as its duplicate.
  const byParams = new Map<string, { number: number; result: Promise<TrialResult> }>();
  const filter = new ConstraintFilter(spec.space, sampler.name);
  try {
    for (;;) {
      const props = await sampler.ask(batch);
      if (props.length === 0) {
        // A study shared on a storage, as a whole (walk-forward folds): the trials of every process once all
        // finished; when a process died mid-trial, its trial was failed and is asked again here.
        if (!(opts.everyProcess && sampler instanceof OptunaSampler && shared)) break;
        const all = await everyTrial(sampler);
        if (all !== null) return studyResultOf(spec, all, t0, filter.withdrawn, sampler.lateResults);
        continue;
      }
      const evaluate = (p: Proposal): Promise<TrialResult> => {
        if (p.duplicateOf !== undefined && sampler instanceof OptunaSampler && !byParams.has(paramsKey(p.params))) return reuseShared(p, sampler);
        const key = paramsKey(p.params);
        const first = byParams.get(key);
        if (first) {
          return first.result.then((r) => {
            const copy: TrialResult = { ...r, number: p.number, duplicateOf: first.number, seconds: 0 };
            if (!opts.store?.get(p.number, p.params)) opts.store?.add(copy);
            return copy;
          });
        }
        const result = run(p);
        byParams.set(key, { number: p.number, result });
        return result;
      };
      // Another process's trial has these params: its stored result, not a second run (when it left none, it runs here).
      const reuseShared = async (p: Proposal, optuna: OptunaSampler): Promise<TrialResult> => {
        const rec = await optuna.recordOf(p.duplicateOf!);
        if (rec === null) return run(p);
        return { ...trialFromJson(rec), number: p.number, duplicateOf: p.duplicateOf, seconds: 0 };
      };
      const run = (p: Proposal): Promise<TrialResult> => {
        const stored = opts.store?.get(p.number, p.params);
        if (stored) return Promise.resolve(stored);
        const task: TrialTask = {
          number: p.number, params: p.params, config: spec.config, objectives: spec.objectives, limits: spec.limits ?? {},
          returnBuckets: buckets, ...(spec.rows ? { rows: spec.rows } : {}), ...(usePrune ? { checkpoints: 10 } : {}),
        };
        return (runTask === null ? pool.run(task, (_t, step, value) => sampler.shouldPrune!(p, step, value)) : runTask(task)).then((r) => {
          opts.store?.add(r);
          return r;
        });
      };
      const told = (p: Proposal, r: TrialResult) => ({
        proposal: p,
        outcome: {
          state: r.state, values: r.values, ...(r.intermediate !== undefined ? { intermediate: r.intermediate } : {}), ...(shared ? { record: trialToJson(r) } : {}),
        },
      });
      // Checked in proposal order before any runs: a sampler proposing only such points ends the study here.
      const runs = props.map((p) => !filter.withdraws(p));
      const outcomes = await Promise.all(props.map(async (p, i) => {
        if (!runs[i]) {
          const o = { proposal: p, outcome: WITHDRAWN };
          if (shared) await sampler.tell([o]);
          return o;
        }
        const r = await evaluate(p);
        results.push(r);
        opts.onTrial?.(r, results.length);
        // Shared storage: each result is stored as soon as it exists. Another process's batch may be waiting
        // for it (a duplicate proposal) while one of ours waits for theirs: telling per batch deadlocked.
        const o = told(p, r);
        if (shared) await sampler.tell([o]);
        return o;
      }));
      if (!shared) await sampler.tell(outcomes);
    }
  } finally {
    await sampler.close();
  }
  return studyResultOf(spec, results, t0, filter.withdrawn, sampler instanceof OptunaSampler ? sampler.lateResults : []);
}


