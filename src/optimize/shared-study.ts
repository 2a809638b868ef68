import type { TrialResult, TrialTask } from './evaluate-trial.ts';
import { createSampler, studyResultOf, type StudyResult, type StudySpec } from './study-spec.ts';
import { paramsKey, type Proposal } from './sampler.ts';
import { TrialLedger, type Claim } from './trial-ledger.ts';
import type { TrialPool } from './trial-pool.ts';

/** Samplers whose proposals every process computes alike from the seed: their trials can be shared through a ledger. */
export const SHARED_SAMPLERS = ['grid', 'random', 'genetic'] as const;

export interface SharedStudyOptions {
  /** Trials of the study (the grid's size, capped by --trials, or --trials). */
  readonly trials: number;
  readonly onTrial?: (r: TrialResult, done: number) => void;
  /** How often a process with nothing to claim looks again (ms). */
  readonly pollMillis?: number;
  readonly heartbeatSeconds?: number;
  readonly graceSeconds?: number;
}

/**
 * A grid, random or genetic study shared by several processes (on several machines)
 * through an Optuna storage: every process computes the same proposals from the seed,
 * claims the lowest trial nobody holds, runs it and records it; a genetic generation is
 * asked only once the previous one's results are all recorded. Exactly `trials` trials run
 * (a trial whose process died runs again once its claim lapses), and the result — every
 * process reads every trial back — equals a single-process study with the same seed.
 */
export async function runSharedStudy(spec: StudySpec, pool: TrialPool, o: SharedStudyOptions): Promise<StudyResult> {
  const t0 = performance.now();
  const sampler = createSampler(spec);
  const ledger = new TrialLedger({
    storage: spec.storage!, study: spec.study!, directions: spec.objectives.map((x) => x.direction), trials: o.trials,
    identity: { config: spec.config, space: JSON.stringify(spec.space), sampler: spec.sampler, seed: spec.seed, objectives: spec.objectives, rows: spec.rows ?? null, trials: o.trials },
    ...(o.heartbeatSeconds !== undefined ? { heartbeatSeconds: o.heartbeatSeconds } : {}), ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}),
  });
  const proposals: Proposal[] = [];
  let told = 0;
  let ran = 0;
  const adaptive = spec.sampler === 'genetic'; // learns from each generation before proposing the next
  const batch = spec.batch ?? (adaptive ? 20 : 256);
  const pause = () => new Promise((r) => setTimeout(r, o.pollMillis ?? 200));
  const run = async (c: Claim): Promise<void> => {
    const p = proposals[c.n];
    const task: TrialTask = {
      number: p.number, params: p.params, config: spec.config, objectives: spec.objectives, limits: spec.limits ?? {},
      returnBuckets: spec.returnBuckets ?? 64, ...(spec.rows ? { rows: spec.rows } : {}),
    };
    const r = await pool.run(task);
    await ledger.finish(c, r);
    o.onTrial?.(r, ++ran);
  };
  /** Waits for trials run elsewhere, running the ones whose claim lapsed meanwhile. */
  const waitFor = async (numbers: readonly number[]): Promise<Map<number, TrialResult>> => {
    for (;;) {
      const got = await ledger.results(numbers);
      if (got.size === numbers.length) return got;
      const c = await ledger.claim(proposals.length);
      if (c !== null) await run(c);
      else await pause();
    }
  };
  const askMore = async (): Promise<boolean> => {
    if (adaptive && told < proposals.length) {
      const open = proposals.slice(told);
      const got = await waitFor(open.map((p) => p.number));
      await sampler.tell(open.map((p) => ({ proposal: p, outcome: outcomeOf(got.get(p.number)!) })));
      told = proposals.length;
    }
    const next = await sampler.ask(batch);
    proposals.push(...next);
    return next.length > 0;
  };
  try {
    for (;;) {
      const c = await ledger.claim(o.trials);
      if (c === null) break; // every trial is running or finished: collect below
      while (proposals.length <= c.n) if (!(await askMore())) throw new Error(`the ${spec.sampler} sampler proposed ${proposals.length} trials, fewer than the study's ${o.trials}`);
      await run(c);
    }
    const all = await waitFor(Array.from({ length: o.trials }, (_, n) => n));
    return studyResultOf(spec, markDuplicates([...all.values()]), t0, undefined, ledger.lateResults);
  } finally {
    await Promise.all([ledger.close(), sampler.close()]);
  }
}

function outcomeOf(r: TrialResult) {
  return { state: r.state, values: r.values, ...(r.intermediate !== undefined ? { intermediate: r.intermediate } : {}) };
}

/** A parameter set proposed again is the first one's duplicate (as in a single-process study). */
function markDuplicates(trials: TrialResult[]): TrialResult[] {
  const first = new Map<string, number>();
  return trials.sort((a, b) => a.number - b.number).map((t) => {
    const key = paramsKey(t.params);
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, t.number);
      return t;
    }
    return { ...t, duplicateOf: at, seconds: 0 };
  });
}
