import { ConfigError } from '../core/errors.ts';
import type { PerformanceSummary } from '../analytics/performance-summary.ts';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunResult } from '../backtest/run-result.ts';
import type { Direction } from './sampler.ts';

/** One optimization objective: a summary metric (or a custom score) and its direction. */
export interface Objective {
  readonly name: string;
  readonly direction: Direction;
  /**
   * A module exporting `objective(result: RunResult): number` (custom objectives; loaded by
   * each worker, so it is a file path rather than a function).
   */
  readonly module?: string;
}

/** Limits a trial must meet to count (others are recorded as infeasible). */
export interface TrialLimits {
  /** At least this many closed trades. */
  readonly minTrades?: number;
  /** Max drawdown at most this fraction (0.2 = 20%). */
  readonly maxDrawdown?: number;
}

/** Metrics where smaller is better. */
const MINIMIZED = new Set(['maxDrawdown', 'volatility', 'maxDrawdownPeriods', 'maxConsecutiveLosses', 'turnover', 'kurtosis']);

/** Metric keys an objective can name. */
export const OBJECTIVE_KEYS = [
  'totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown', 'trades', 'winRate', 'profitFactor', 'exposure', 'calmar',
  'omega', 'maxDrawdownPeriods', 'varHistorical', 'varParametric', 'cvarHistorical', 'cvarParametric', 'skew', 'kurtosis', 'tailRatio',
  'stability', 'turnover', 'expectancy', 'averageWin', 'averageLoss', 'largestWin', 'largestLoss', 'maxConsecutiveLosses', 'sqn', 'kelly',
  'probabilisticSharpe', 'finalValue',
] as const;

/**
 * Parses `--objective` text: a comma list of metric names, each optionally prefixed
 * `max:` or `min:` (default: maximize, except drawdown/volatility-like metrics); a path
 * ending in .ts/.js names a custom objective module (maximized unless `min:`).
 */
export function parseObjectives(text: string): Objective[] {
  const out = text.split(',').map((raw) => raw.trim()).filter(Boolean).map((item): Objective => {
    const m = /^(max:|min:)?(.+)$/.exec(item)!;
    const name = m[2];
    if (/\.(ts|mts|js|mjs)$/.test(name)) {
      return { name: basename(name).replace(/\.[^.]+$/, ''), direction: m[1] === 'min:' ? 'minimize' : 'maximize', module: resolve(name) };
    }
    if (!(OBJECTIVE_KEYS as readonly string[]).includes(name)) {
      throw new ConfigError(`unknown objective "${name}"; choose from ${OBJECTIVE_KEYS.join(', ')}`);
    }
    const direction: Direction = m[1] === 'max:' ? 'maximize' : m[1] === 'min:' ? 'minimize' : MINIMIZED.has(name) ? 'minimize' : 'maximize';
    return { name, direction };
  });
  if (out.length === 0) throw new ConfigError('--objective is empty');
  return out;
}

/** A custom objective: scores a run result. */
export type ObjectiveFunction = (result: RunResult) => number;

const loaded = new Map<string, Promise<ObjectiveFunction>>();

/** Loads (once per thread) the `objective` export of a custom objective module. */
export function loadObjective(file: string): Promise<ObjectiveFunction> {
  let p = loaded.get(file);
  if (!p) {
    p = import(pathToFileURL(file).href).then((m: { objective?: unknown }) => {
      if (typeof m.objective !== 'function') throw new ConfigError(`${file} must export a function "objective(result)" returning a number`);
      return m.objective as ObjectiveFunction;
    }, (e: Error) => { throw new ConfigError(`cannot load objective module ${file}: ${e.message}`); });
    loaded.set(file, p);
  }
  return p;
}

/** Objective values of a finished run (NaN where the metric is undefined). */
export async function objectiveValues(objectives: readonly Objective[], summary: PerformanceSummary, result: RunResult): Promise<number[]> {
  const out: number[] = [];
  for (const o of objectives) {
    if (o.module) out.push(Number((await loadObjective(o.module))(result)));
    else out.push(o.name === 'finalValue' ? result.finalValue : (summary as unknown as Record<string, number>)[o.name]);
  }
  return out;
}

/** The first limit a run breaks, or null. */
export function brokenLimit(limits: TrialLimits, summary: PerformanceSummary): string | null {
  if (limits.minTrades !== undefined && summary.trades < limits.minTrades) return `${summary.trades} trades < ${limits.minTrades}`;
  if (limits.maxDrawdown !== undefined && summary.maxDrawdown > limits.maxDrawdown) return `max drawdown ${summary.maxDrawdown.toFixed(4)} > ${limits.maxDrawdown}`;
  return null;
}
