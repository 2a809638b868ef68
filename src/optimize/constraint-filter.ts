import { ConfigError } from '../core/errors.ts';
import { brokenConstraints, type SearchSpace } from '../core/search-space.ts';
import type { Proposal, TrialOutcome } from './sampler.ts';
import { brokenCounts, type Withdrawn } from './study-spec.ts';

/** Proposals in a row that break the constraints before a study gives up (as the random sampler's draws). */
export const MAX_BROKEN_IN_A_ROW = 1000;

/** What a sampler is told of a proposal that was not run: failed, and not a trial of the search. */
export const WITHDRAWN: TrialOutcome = { state: 'failed', values: [], counts: false };

/**
 * Withdraws the proposals that break the space's constraints, which Optuna's samplers do not
 * know (the grid, random and genetic samplers never propose them): such a point is not run — a
 * strategy that does not check the rule itself would score it — and not a trial of the study;
 * its sampler is told it failed without counting, and asks another. A sampler proposing only
 * such points ends the study with an error instead of asking for ever.
 */
export class ConstraintFilter {
  private readonly broken: Record<string, number> = {};
  private proposals = 0;
  private inARow = 0;

  constructor(private readonly space: SearchSpace, private readonly sampler: string) {}

  /** True when `p` breaks a constraint (it is then counted as withdrawn); throws at the MAX_BROKEN_IN_A_ROW-th in a row. */
  withdraws(p: Proposal): boolean {
    const names = brokenConstraints(this.space, p.params);
    if (names.length === 0) {
      this.inARow = 0;
      return false;
    }
    this.proposals++;
    for (const n of names) this.broken[n] = (this.broken[n] ?? 0) + 1;
    if (++this.inARow >= MAX_BROKEN_IN_A_ROW) {
      throw new ConfigError(`the ${this.sampler} sampler proposed ${MAX_BROKEN_IN_A_ROW} points in a row that break the space's constraints (${brokenCounts(this.broken)}), the last ${JSON.stringify(p.params)}: check the ranges against the constraints`);
    }
    return true;
  }

  /** The proposals withdrawn so far. */
  get withdrawn(): Withdrawn {
    return { proposals: this.proposals, constraints: { ...this.broken } };
  }
}
