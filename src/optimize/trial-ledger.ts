import { fileURLToPath } from 'node:url';
import { noteLateResult } from './late-result.ts';
import type { TrialResult } from './evaluate-trial.ts';
import { PythonChild } from './python-child.ts';
import type { Direction } from './sampler.ts';
import { trialFromJson, trialToJson } from './trial-store.ts';

const SCRIPT = fileURLToPath(new URL('./trial_ledger.py', import.meta.url));

/** A claimed trial: Lockstep's trial number and the storage's ticket for it. */
export interface Claim {
  readonly n: number;
  readonly ticket: number;
}

export interface LedgerOptions {
  readonly storage: string;
  readonly study: string;
  readonly directions: readonly Direction[];
  /** Trials the study has (numbers 0 … trials − 1). */
  readonly trials: number;
  /** What the study is (strategy, data, space, sampler, seed, objectives): another process's differing settings are refused. */
  readonly identity: unknown;
  /** Seconds between heartbeats of a running claim, and without one before it is taken back. */
  readonly heartbeatSeconds?: number;
  readonly graceSeconds?: number;
}

/**
 * The trials of one study shared by processes on several machines through an Optuna
 * storage (trial_ledger.py): each process claims the lowest trial number nobody holds,
 * runs it and records its result; the claims of a process that died are taken back after
 * the grace period, so a study resumes after a crash.
 */
export class TrialLedger {
  private readonly child = new PythonChild(SCRIPT);
  private readonly ready: Promise<Record<string, unknown>>;
  /** This process's results that came in after another process had failed their claim as stale, and what became of each (see noteLateResult). */
  readonly lateResults: string[] = [];

  constructor(o: LedgerOptions) {
    this.ready = this.child.request({
      op: 'open', storage: o.storage, study: o.study, directions: o.directions, trials: o.trials, identity: o.identity,
      heartbeat: o.heartbeatSeconds ?? 2, grace: o.graceSeconds ?? 10,
    });
  }

  /** Claims the lowest free trial number below `below`; null when every one is running or finished. */
  async claim(below: number): Promise<Claim | null> {
    await this.ready;
    const r = await this.child.request({ op: 'claim', below });
    return r.n === null ? null : { n: Number(r.n), ticket: Number(r.ticket) };
  }

  /** Records a claimed trial's result (complete with its values, or failed). */
  async finish(claim: Claim, r: TrialResult): Promise<void> {
    const ok = r.state === 'complete' && r.values.every(Number.isFinite);
    const done = await this.child.request({ op: 'finish', ticket: claim.ticket, values: ok ? r.values : null, result: trialToJson({ ...r, number: claim.n }) });
    const late = done.late as { n: number; kept: boolean } | undefined;
    if (late !== undefined) noteLateResult(`the claim of trial ${late.n}`, late.kept ? 'its result was kept' : 'its result was dropped: the trial was claimed again', this.lateResults);
  }

  /** The finished trials among `numbers`. */
  async results(numbers: readonly number[]): Promise<Map<number, TrialResult>> {
    await this.ready;
    const r = await this.child.request({ op: 'results', numbers });
    return new Map(Object.entries(r.results as Record<string, unknown>).map(([n, v]) => [Number(n), trialFromJson(v)]));
  }

  async close(): Promise<void> {
    await this.child.close();
  }
}
