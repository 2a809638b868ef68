import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { DEFAULT_CATALOG } from '../data/catalog.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { barCloses } from './bar-closes.ts';
import { LastPerInterval } from './last-per-interval.ts';

/** Where a benchmark's closes come from: a bars file, or a catalog bars stream (its folder). */
export type BenchmarkSource = { readonly name: string; readonly file: string } | { readonly name: string; readonly catalogDir: string };

/**
 * Resolves `benchmark` (the config's or `--benchmark`'s text): a bars file; a catalog bars
 * stream's folder (`…/VENUE/SYMBOL/bars-1d`); the symbol (or id) of one of the run's
 * feeds; or a catalog bars stream `VENUE/SYMBOL[/TIMEFRAME]` (the only bars timeframe stored
 * when none is named) under `catalogRoot`.
 */
export function benchmarkSource(benchmark: string, feeds: readonly { file: string; instrument: { symbol: string; venue?: string } }[], catalogRoot = DEFAULT_CATALOG): BenchmarkSource {
  if (existsSync(benchmark) && statSync(benchmark).isFile()) return { name: benchmark.split('/').pop()!, file: resolve(benchmark) };
  if (existsSync(benchmark) && /(^|\/)bars-[^/]+\/?$/.test(benchmark)) { // a catalog bars stream's folder
    const parts = resolve(benchmark).split('/');
    return { name: `${parts.at(-2)} ${parts.at(-1)!.slice(5)}`, catalogDir: resolve(benchmark) };
  }
  const feed = feeds.find((f) => f.instrument.symbol === benchmark || `${f.instrument.symbol}.${f.instrument.venue ?? 'SIM'}` === benchmark);
  if (feed) return { name: feed.instrument.symbol, file: feed.file };
  const m = /^([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(benchmark);
  if (m) {
    const dir = join(catalogRoot, m[1], m[2]);
    const kinds = existsSync(dir) ? readdirSync(dir).filter((k) => k.startsWith('bars-')) : [];
    const kind = m[3] === undefined ? (kinds.length === 1 ? kinds[0] : null) : `bars-${m[3].replace(/^bars-/, '')}`;
    if (kind !== null && kinds.includes(kind)) return { name: `${m[2]} ${kind.slice(5)}`, catalogDir: resolve(dir, kind) };
    if (kinds.length > 1 && m[3] === undefined) throw new ConfigError(`benchmark ${benchmark}: the catalog holds several bar timeframes (${kinds.map((k) => k.slice(5)).join(', ')}): name one, e.g. ${benchmark}/${kinds[0].slice(5)}`, 'usage');
  }
  const symbols = feeds.map((f) => f.instrument.symbol).join(', ');
  throw new ConfigError(`benchmark ${benchmark}: not a bars file, not a symbol of the run's feeds (${symbols}), and no bars of VENUE/SYMBOL[/TIMEFRAME] in the catalog ${catalogRoot} (lockstep data ls lists it)`, 'usage');
}

/** The benchmark's closes (the last of every `interval` µs; 0: every bar). */
export async function benchmarkCloses(source: BenchmarkSource, interval: number): Promise<{ ts: Float64Array; close: Float64Array }> {
  if ('file' in source) return barCloses(source.file, interval);
  const parts: string[] = [];
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) if (e.isDirectory()) walk(join(d, e.name)); else if (e.name.endsWith('.parquet')) parts.push(join(d, e.name)); };
  walk(source.catalogDir);
  const last = new LastPerInterval(interval);
  const close: number[] = [];
  for (const p of parts) {
    const c = (await readParquetColumns(p)).columns as Record<string, Float64Array | undefined>;
    if (!c.timestamp || !c.close) throw new ConfigError(`${p}: a catalog bars part without timestamp/close columns`);
    for (let i = 0; i < c.timestamp.length; i++) close[last.slot(c.timestamp[i])] = c.close[i];
  }
  return { ts: Float64Array.from(last.ts), close: Float64Array.from(close) };
}
