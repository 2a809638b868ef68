import { blockBootstrap, shuffleTrades, type MonteCarloSummary } from '../analytics/monte-carlo.ts';
import { simpleReturns } from '../analytics/simple-returns.ts';
import { readRunExtra, writeRunExtra } from './run-extras.ts';
import type { SavedRun } from './read-run.ts';

/** A run's Monte Carlo, saved as `<run>/montecarlo.json` and shown by its report. */
export interface Robustness {
  readonly schema: 'lockstep.montecarlo/1';
  /** Trade-order shuffling (absent without closed trades). */
  readonly trades?: MonteCarloSummary;
  /** Block bootstrap of the equity curve's returns (for a long run: of its resampled curve; `interval` says so). */
  readonly returns?: MonteCarloSummary & { readonly interval: number };
}

export interface RobustnessOptions {
  runs: number;
  seed: number;
  /** Bars per bootstrap block (default ∛n). */
  blockLength?: number;
  /** Ruin: equity at or below this fraction of the start (default 0.5). */
  ruinFraction?: number;
}

const FILE = 'montecarlo.json';

/** Both resamplings of a saved run (the report's bounded view of it: every trade's P&L, the curve as read). */
export function robustnessOf(run: SavedRun, o: RobustnessOptions): Robustness {
  const pnls = run.long ? Array.from(run.long.tradeNetPnls) : run.trades.map((t) => t.netPnl);
  const returns = simpleReturns(run.equity.equity);
  const common = { runs: o.runs, seed: o.seed, ...(o.ruinFraction !== undefined ? { ruinFraction: o.ruinFraction } : {}) };
  return {
    schema: 'lockstep.montecarlo/1',
    ...(pnls.length > 0 ? { trades: shuffleTrades(pnls, run.initialCash, common) } : {}),
    ...(returns.length > 0 ? {
      returns: { ...blockBootstrap(returns, run.equity.equity[0], { ...common, ...(o.blockLength !== undefined ? { blockLength: o.blockLength } : {}) }), interval: run.long?.interval ?? 0 },
    } : {}),
  };
}

/** Writes `<runDir>/montecarlo.json` whole or not at all. */
export function writeRobustness(runDir: string, r: Robustness): Promise<string> {
  return writeRunExtra(runDir, FILE, r);
}

/** The run's saved Monte Carlo, or null when it has none. */
export function readRobustness(runDir: string): Promise<Robustness | null> {
  return readRunExtra<Robustness>(runDir, FILE, 'lockstep.montecarlo/1');
}
