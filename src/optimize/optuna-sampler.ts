import { fileURLToPath } from 'node:url';
import { noteLateResult } from './late-result.ts';
import type { ParamValue, SearchSpace } from '../core/search-space.ts';
import { PythonChild } from './python-child.ts';
import type { Direction, Proposal, Sampler, TrialOutcome } from './sampler.ts';

export { bridgePython, OptunaError } from './python-child.ts';

const BRIDGE = fileURLToPath(new URL('./optuna_bridge.py', import.meta.url));

export interface OptunaOptions {
  /** tpe, cmaes, nsga2 (multi-objective) or random. */
  sampler: 'tpe' | 'cmaes' | 'nsga2' | 'random';
  directions: readonly Direction[];
  seed: number;
  /** Total trials of the study (across every process sharing the storage). */
  trials: number;
  /** Optuna storage URL (e.g. postgresql://…); in-memory when absent. */
  storage?: string;
  /** Study name (shared by every process of a distributed study). */
  study: string;
  /** Median pruning on intermediate values (single objective only). */
  prune?: boolean;
}

/**
 * Bayesian optimization through Optuna in a child Python process (JSON lines over
 * stdin/stdout, see optuna_bridge.py), one process for the samplers of a run in turn (a
 * walk-forward's folds). The child's crash rejects every pending request with its exit
 * status and the tail of its stderr, rather than hanging.
 */
export class OptunaSampler implements Sampler {
  readonly name: string;
  private readonly child: PythonChild;
  private readonly ready: Promise<Record<string, unknown>>;
  /** This process's results told after another process had failed their trial as stale, and what became of each (see noteLateResult). */
  readonly lateResults: string[] = [];

  constructor(space: SearchSpace, private readonly o: OptunaOptions) {
    this.name = o.sampler;
    this.child = PythonChild.take(BRIDGE);
    this.ready = this.request({
      op: 'init', sampler: o.sampler, directions: o.directions, seed: o.seed, n_trials: o.trials, prune: o.prune ?? false,
      storage: o.storage ?? null, study: o.study, space: space.params,
    });
  }

  async ask(n: number): Promise<Proposal[]> {
    await this.ready;
    const r = await this.request({ op: 'ask', n });
    return (r.trials as { number: number; params: Record<string, ParamValue>; duplicate_of?: number }[])
      .map((t) => ({ number: t.number, params: t.params, ...(t.duplicate_of !== undefined ? { duplicateOf: t.duplicate_of } : {}) }));
  }

  async tell(results: readonly { proposal: Proposal; outcome: TrialOutcome }[]): Promise<void> {
    const r = await this.request({
      op: 'tell',
      results: results.map(({ proposal, outcome }) => ({
        number: proposal.number,
        state: outcome.state === 'complete' ? 'complete' : outcome.state === 'pruned' ? 'pruned' : 'fail',
        values: (outcome.values ?? []).map((v) => (Number.isFinite(v) ? v : null)),
        ...(outcome.counts === false ? { counts: false } : {}),
        ...(outcome.record !== undefined && this.o.storage !== undefined ? { record: outcome.record } : {}),
      })),
    });
    for (const l of (r.late ?? []) as { number: number; kept: number | null }[]) {
      noteLateResult(`trial ${l.number} of study ${this.o.study}`, l.kept === null ? 'its result was dropped: a trial asked in its place runs instead' : `its result was kept as trial ${l.kept}`, this.lateResults);
    }
  }

  /** A finished trial's record (from whichever process ran it), waiting while it still runs. */
  async recordOf(number: number, timeoutMillis = 30 * 60_000): Promise<Record<string, unknown> | null> {
    const until = performance.now() + timeoutMillis; // monotonic: a wait between processes, not simulated time
    for (;;) {
      const r = await this.request({ op: 'record', number });
      if (r.state !== 'RUNNING') return (r.record as Record<string, unknown> | null) ?? null;
      if (performance.now() > until) return null;
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  /**
   * Every finished trial of the study on its storage, from every process (their records);
   * whether the study is over; whether it is short (nothing runs, trials are missing: a
   * process died mid-trial and its trial was failed, so it must be asked again).
   */
  async sharedRecords(): Promise<{ records: Record<string, unknown>[]; done: boolean; short: boolean }> {
    const r = await this.request({ op: 'records' });
    return { records: r.records as Record<string, unknown>[], done: r.done === true, short: r.short === true };
  }

  async shouldPrune(proposal: Proposal, step: number, value: number): Promise<boolean> {
    const r = await this.request({ op: 'report', number: proposal.number, step, value: Number.isFinite(value) ? value : null });
    return r.prune === true;
  }

  /** Optuna's version and how many trials the study already held when opened. */
  async info(): Promise<{ optuna: string; existing: number }> {
    const r = await this.ready;
    return { optuna: String(r.optuna), existing: Number(r.existing) };
  }

  /** The Optuna process's id (one process serves a run's samplers in turn). */
  get processId(): number | undefined {
    return this.child.pid;
  }

  /** Starts the Optuna process the next sampler takes: before a trial pool grows this process (see PythonChild.take). */
  static prestart(): void {
    PythonChild.prestart(BRIDGE);
  }

  /** Done: the Optuna process waits for the next sampler of this process (see PythonChild.release). */
  async close(): Promise<void> {
    this.child.release();
  }

  private request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.child.request(msg);
  }
}
