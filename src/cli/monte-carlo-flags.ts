import type { RobustnessOptions } from '../backtest/robustness.ts';
import { numberFlag } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

/** The Monte Carlo flags of `backtest` and `report` (help text and parser options). */
export const MONTE_CARLO_HELP = `  --monte-carlo N             N Monte Carlo paths, saved as montecarlo.json and shown in the report:
                              the trades in shuffled order, and the returns block-bootstrapped
  --block-length N            bars per bootstrap block (default ∛bars)
  --ruin X                    ruin: equity at or below X × the start (default 0.5)`;

export const MONTE_CARLO_OPTIONS = {
  'monte-carlo': { type: 'string' }, 'block-length': { type: 'string' }, ruin: { type: 'string' },
} as const;

/** The options, or null without --monte-carlo (the other two flags alone are a usage error). */
export function monteCarloOptions(v: { 'monte-carlo'?: string; 'block-length'?: string; ruin?: string }, seed: number): RobustnessOptions | null {
  const runs = numberFlag(v['monte-carlo'], 'monte-carlo');
  const block = numberFlag(v['block-length'], 'block-length');
  const ruin = numberFlag(v.ruin, 'ruin');
  if (runs === undefined) {
    if (block !== undefined || ruin !== undefined) throw new UsageError('--block-length and --ruin go with --monte-carlo N');
    return null;
  }
  if (!(Number.isInteger(runs) && runs >= 10 && runs <= 100_000)) throw new UsageError(`--monte-carlo expects a whole number of paths from 10 to 100000, got "${v['monte-carlo']}"`);
  if (block !== undefined && !(Number.isInteger(block) && block >= 1)) throw new UsageError(`--block-length expects a whole number of bars ≥ 1, got "${v['block-length']}"`);
  if (ruin !== undefined && !(ruin > 0 && ruin < 1)) throw new UsageError(`--ruin expects a fraction between 0 and 1 (0.5: half the starting equity), got "${v.ruin}"`);
  return { runs, seed, ...(block !== undefined ? { blockLength: block } : {}), ...(ruin !== undefined ? { ruinFraction: ruin } : {}) };
}
