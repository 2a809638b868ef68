import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { removeStaleTemps } from '../core/files.ts';
import type { DeltaBatch, QuoteBatch, TickBatch, TradeBatch } from './tick-batch.ts';
import type { TickKind } from './tick-parquet.ts';
import type { CatalogKind } from './catalog-kinds.ts';
import { StagedParts, type CatalogRows, type Coverage } from './catalog-write.ts';
import { catalogRecords, type CatalogPart } from './catalog-records.ts';

/** Default catalog folder (git-ignored). */
export const DEFAULT_CATALOG = 'data/catalog';

/** Checks a venue or symbol folder name. */
export function safeName(s: string, what: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(s) || s.startsWith('.')) throw new ConfigError(`${what} "${s}" may contain only letters, digits, '.', '_' and '-' (not first)`, 'usage');
  return s;
}

/** Tick batch rows as catalog rows (normalized tick columns). */
export function tickRows(b: TickBatch): CatalogRows {
  const n = b.batch.length;
  const x = b.batch;
  const base = { ts_event: x.ts.subarray(0, n), ts_local: x.tsLocal.subarray(0, n) };
  const f = (a: ArrayLike<number>) => Float64Array.from({ length: n }, (_, i) => a[i]);
  let columns: Record<string, Float64Array>;
  if (b.kind === 'trades') columns = { ...base, price: b.batch.price.subarray(0, n), size: b.batch.qty.subarray(0, n), aggressor: f(b.batch.aggressor) };
  else if (b.kind === 'quotes') columns = { ...base, bid_price: b.batch.bidPrice.subarray(0, n), bid_size: b.batch.bidSize.subarray(0, n), ask_price: b.batch.askPrice.subarray(0, n), ask_size: b.batch.askSize.subarray(0, n) };
  else columns = { ...base, side: f(b.batch.side), price: b.batch.price.subarray(0, n), size: b.batch.qty.subarray(0, n), flags: f(b.batch.flags) };
  return { kind: b.kind, length: n, time: base.ts_local, columns, micros: ['ts_event', 'ts_local'] };
}

/**
 * A partitioned Parquet catalog: `<root>/<venue>/<symbol>/<kind>/<YYYY-MM-DD>/part-NNNNN.parquet`
 * (UTC dates of the kind's time column: ts_local for ticks, timestamp for bars and funding),
 * each part with a JSON sidecar of its row count and time range. Parts of a day are replayed
 * in name order, so days are imported in time order. Writes are staged (see StagedParts).
 */
export class Catalog {
  constructor(readonly root: string = DEFAULT_CATALOG) {}

  /** The folder of one stream. */
  streamDir(venue: string, symbol: string, kind: CatalogKind): string {
    return join(this.root, safeName(venue, 'venue'), safeName(symbol, 'symbol'), kind);
  }

  /**
   * Writes tick batches of one venue/symbol, split by UTC day; nothing becomes visible
   * until every batch was read and written. Returns rows written.
   */
  async write(venue: string, symbol: string, batches: AsyncIterable<TickBatch> | Iterable<TickBatch>): Promise<number> {
    this.clean();
    const staged = new Map<TickKind, StagedParts>();
    let rows = 0;
    try {
      for await (const b of batches) {
        const s = staged.get(b.kind) ?? new StagedParts(this.streamDir(venue, symbol, b.kind));
        staged.set(b.kind, s);
        rows += await s.stage(tickRows(b));
      }
    } catch (e) {
      for (const s of staged.values()) await s.abort();
      throw e;
    }
    for (const s of staged.values()) await s.commit();
    return rows;
  }

  /** Every part with data, optionally of one venue/symbol, in replay order. */
  async parts(venue?: string, symbol?: string): Promise<CatalogPart[]> {
    return (await this.records(venue, symbol)).filter((p) => p.rows > 0);
  }

  /** Every sidecar (parts and coverage-only records), in replay order. */
  records(venue?: string, symbol?: string, kind?: CatalogKind): Promise<CatalogPart[]> {
    return catalogRecords(this.root, venue, symbol, kind);
  }

  /** Files per tick kind for a venue/symbol whose time range meets [from, to]. */
  async select(venue: string, symbol: string, from = -Infinity, to = Infinity): Promise<Record<TickKind, string[]>> {
    const parts = (await this.parts(venue, symbol)).filter((p) => p.last >= from && p.first <= to);
    if (parts.length === 0) throw new ConfigError(`the catalog ${this.root} has no data for ${venue}/${symbol}${Number.isFinite(from) || Number.isFinite(to) ? ' in that window' : ''}: import it with lockstep data import or lockstep data download`);
    return {
      trades: parts.filter((p) => p.kind === 'trades').map((p) => p.file),
      quotes: parts.filter((p) => p.kind === 'quotes').map((p) => p.file),
      deltas: parts.filter((p) => p.kind === 'deltas').map((p) => p.file),
    };
  }

  /**
   * Runs SQL over the catalog's views (and `reports`' run results) with DuckDB: rows as
   * objects. See CatalogSql for the views; open a CatalogSql to run several queries.
   */
  async sql(query: string, o: { reports?: string } = {}): Promise<Record<string, unknown>[]> {
    return this.withSql(o.reports, (s) => s.rows(query));
  }

  /** `sql`, answered as an Apache Arrow table. */
  async sqlTable(query: string, o: { reports?: string } = {}): Promise<import('apache-arrow').Table> {
    return this.withSql(o.reports, (s) => s.arrow(query));
  }

  private async withSql<T>(reports: string | undefined, use: (s: import('./catalog-sql.ts').CatalogSql) => Promise<T>): Promise<T> {
    const { CatalogSql } = await import('./catalog-sql.ts');
    const s = await CatalogSql.open(this.root, reports);
    try {
      return await use(s);
    } finally {
      s.close();
    }
  }

  /** Removes `*.tmp-<pid>` files of writers that are gone (a killed import or download). Returns them. */
  clean(): string[] {
    const removed: string[] = [];
    const walk = (dir: string, depth: number) => {
      removed.push(...removeStaleTemps(dir).map((f) => join(dir, f)));
      if (depth === 0) return;
      let names: string[] = [];
      try {
        names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
      } catch { /* not there yet */ }
      for (const n of names) walk(join(dir, n), depth - 1);
    };
    walk(this.root, 4);
    return removed;
  }
}

export type { DeltaBatch, QuoteBatch, TradeBatch, CatalogRows, Coverage, CatalogPart };
