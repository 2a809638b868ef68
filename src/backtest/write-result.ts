import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { asFileError, makeDir, removeStaleTemps, tempSuffix } from '../core/files.ts';
import { ordersAsColumns } from '../engine/order-log.ts';
import { join } from 'node:path';
import { fillsAsColumns, ResultFiles, tradesAsColumns } from './result-files.ts';
import type { RunResult } from './run-result.ts';
import { PORTFOLIO_FILE, writePortfolioSeries } from './portfolio-files.ts';
import { portfolioSummary } from './portfolio-result.ts';

/** JSON with NaN/±Infinity written as null (JSON has no such numbers). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), indent);
}

/** The JSON summary: everything except the long series, which go to Parquet. */
export function resultSummary(r: RunResult): Record<string, unknown> {
  const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !SERIES_FIELDS.has(k)));
  const counts = r.spilled?.counts ?? { equityPoints: r.equity.ts.length, orders: r.orders.length, fills: r.fills.length, trades: r.trades.length };
  return {
    ...rest,
    portfolio: r.portfolio === null ? null : portfolioSummary(r.portfolio),
    counts,
    series: { equity: 'equity.parquet', orders: 'orders.parquet', fills: 'fills.parquet', trades: 'trades.parquet', ...(r.portfolio ? { portfolio: PORTFOLIO_FILE } : {}) },
  };
}

const SERIES_FIELDS = new Set(['equity', 'orders', 'fills', 'trades', 'spilled']);

/**
 * The folder a run writes into before it is complete: `<reportsDir>/<id>.tmp-<pid>` (temp
 * folders of dead processes removed first). A long run's series go there as it runs
 * (runBacktest's `resultDir`); `writeRunResult` renames it into place at the end.
 */
export async function prepareRunDir(reportsDir: string, id: string): Promise<string> {
  const tmp = join(reportsDir, id) + tempSuffix();
  await makeDir(reportsDir);
  removeStaleTemps(reportsDir); // left by runs that crashed or were killed mid-write
  try {
    await mkdir(tmp);
  } catch (e) {
    throw asFileError(e, tmp, 'create the folder');
  }
  return tmp;
}

/**
 * Writes `result.json` and the Parquet series into `<reportsDir>/<id>/`. Files go to a
 * temporary sibling folder (`tmp`, made by prepareRunDir, or made here) that is renamed
 * into place last, so a crash never leaves a folder that looks like a complete result; a
 * run whose series already went there as it ran (`spilled`) adds only its summary and logs.
 */
export async function writeRunResult(r: RunResult, reportsDir: string, tmp?: string): Promise<string> {
  const final = join(reportsDir, r.id);
  const dir = tmp ?? await prepareRunDir(reportsDir, r.id);
  try {
    if (r.spilled !== null && r.spilled.dir !== dir) throw new Error(`the run's series are in ${r.spilled.dir}, not in ${dir}`);
    await writeRunFiles(r, dir);
    await rm(final, { recursive: true, force: true });
    await rename(dir, final);
  } catch (e) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw asFileError(e, final, 'write the run result to');
  }
  return final;
}

/** The files of a run result, into `dir`. */
async function writeRunFiles(r: RunResult, dir: string): Promise<void> {
  if (r.spilled === null) {
    const files = new ResultFiles(dir);
    try {
      files.equity(r.equity, r.equity.ts.length);
      files.fills(fillsAsColumns(r.fills));
      files.trades(tradesAsColumns(r.trades));
      files.orders(ordersAsColumns(r.orders));
      files.close();
    } catch (e) {
      files.abort();
      throw e;
    }
  }
  if (r.portfolio !== null) writePortfolioSeries(dir, r.portfolio);
  // Strategy and engine log lines, one JSON object per line (time in µs).
  await writeFile(join(dir, 'logs.jsonl'), r.logs.map((x) => JSON.stringify(x)).join('\n') + (r.logs.length > 0 ? '\n' : ''));
  // result.json last: its presence inside the folder marks the result complete.
  await writeFile(join(dir, 'result.json'), toJson(resultSummary(r), 2));
}
