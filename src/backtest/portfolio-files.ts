import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { ParquetStreamWriter } from '../data/parquet-stream.ts';
import type { PortfolioResult, PortfolioSummary, SavedPortfolio } from './portfolio-result.ts';

export const PORTFOLIO_FILE = 'portfolio.parquet';

/** Writes the sleeves' curves to `dir/portfolio.parquet`, long format: ts, sleeve, equity, exposure (a row per sleeve and time). */
export function writePortfolioSeries(dir: string, p: PortfolioResult): void {
  const w = new ParquetStreamWriter(join(dir, PORTFOLIO_FILE), { ts: 'timestamp', sleeve: 'string', equity: 'double', exposure: 'double' });
  try {
    const n = p.series.ts.length;
    p.sleeves.forEach((s, k) => {
      w.writeRowGroup({ ts: p.series.ts, sleeve: Array.from({ length: n }, () => s.name), equity: p.series.equity[k], exposure: p.series.exposure[k] }, n);
    });
    w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** The portfolio section of a saved run (undefined for a single-strategy run). */
export async function readPortfolio(dir: string, summary: Record<string, unknown>): Promise<SavedPortfolio | undefined> {
  const head = summary.portfolio as PortfolioSummary | null | undefined;
  if (!head) return undefined;
  const file = join(dir, PORTFOLIO_FILE);
  if (!existsSync(file)) throw new ConfigError(`${dir}: result.json describes a portfolio run but ${PORTFOLIO_FILE} is missing; run the backtest again`);
  const c = (await readParquetColumns(file)).columns as Record<string, Float64Array | string[]>;
  const sleeve = c.sleeve as string[];
  const pick = (name: string, col: Float64Array) => Float64Array.from(sleeve.flatMap((s, i) => (s === name ? [col[i]] : [])));
  const first = head.sleeves[0]?.name ?? '';
  return {
    ...head,
    series: { ts: pick(first, c.ts as Float64Array), equity: head.sleeves.map((s) => pick(s.name, c.equity as Float64Array)), exposure: head.sleeves.map((s) => pick(s.name, c.exposure as Float64Array)) },
  };
}
