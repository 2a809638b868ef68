import type { ParamValue } from '../core/search-space.ts';

/** A point the sampler wants evaluated; `number` orders trials (0, 1, 2, …). */
export interface Proposal {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** A shared study's sampler proposed a point another process's trial already has: its number (the result is reused). */
  readonly duplicateOf?: number;
}

/** How a trial ended. */
export const TrialState = { complete: 'complete', pruned: 'pruned', failed: 'failed', infeasible: 'infeasible' } as const;
export type TrialState = (typeof TrialState)[keyof typeof TrialState];

/** What the sampler learns about a proposal. */
export interface TrialOutcome {
  readonly state: TrialState;
  /** Objective values (one per objective), for complete trials. */
  readonly values?: readonly number[];
  /** Last intermediate value, for pruned trials. */
  readonly intermediate?: number;
  /** The whole trial result as JSON data: a sampler on a shared storage keeps it with the trial, for the other processes. */
  readonly record?: Record<string, unknown>;
  /**
   * False for a proposal that breaks the space's constraints (Optuna's samplers do not know them):
   * it did not count as a trial of the search, so a sampler with a trial budget asks another.
   * Every other outcome counts, failed and infeasible ones too.
   */
  readonly counts?: boolean;
}

/** Whether each objective is maximized or minimized. */
export type Direction = 'maximize' | 'minimize';

/**
 * Proposes parameters and learns from results. The study driver works in batches: it
 * asks for up to `n` proposals, evaluates them (in parallel), then tells all outcomes in
 * proposal order — so a seeded sampler produces the same study whatever the number of
 * workers.
 */
export interface Sampler {
  readonly name: string;
  /** Up to `n` new proposals; an empty array means the sampler is done. */
  ask(n: number): Promise<Proposal[]>;
  /** Outcomes of the last batch, in proposal order. */
  tell(results: readonly { proposal: Proposal; outcome: TrialOutcome }[]): Promise<void>;
  /** Whether a running trial should stop, given an intermediate objective value at `step`. */
  shouldPrune?(proposal: Proposal, step: number, value: number): Promise<boolean>;
  /** Releases resources (child processes). */
  close(): Promise<void>;
}

/** Larger-is-better score of an outcome's first objective (−∞ for anything not complete). */
export function fitness(o: TrialOutcome | undefined, direction: Direction): number {
  if (!o || o.state !== TrialState.complete || !o.values || !Number.isFinite(o.values[0])) return -Infinity;
  return direction === 'maximize' ? o.values[0] : -o.values[0];
}

/** Stable text key of a parameter set (for de-duplication and resume). */
export function paramsKey(p: Readonly<Record<string, ParamValue>>): string {
  return JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
}
