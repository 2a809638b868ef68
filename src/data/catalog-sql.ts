import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { catalogRecords, type CatalogPart } from './catalog-records.ts';
import { barMicros, isTickKind, valueColumnsOf, type CatalogKind } from './catalog-kinds.ts';
import { unionSpans } from './catalog-coverage.ts';

/** A query's answer, column by column (BIGINTs as numbers when exact, else strings; dates as Date). */
export interface SqlResult {
  readonly names: readonly string[];
  readonly types: readonly string[];
  readonly columns: readonly (readonly unknown[])[];
  readonly rowCount: number;
}

/** The view each catalog kind appears in. */
const VIEW_OF = (kind: CatalogKind): string => (kind === 'deltas' ? 'book_deltas' : kind.startsWith('bars-') ? 'bars' : kind.startsWith('mark-') ? 'mark' : kind);

/** Run-result files and the view they appear in (with a `run` column: the run's folder name). */
const RESULT_VIEWS: Readonly<Record<string, string>> = { 'fills.parquet': 'fills', 'orders.parquet': 'orders', 'equity.parquet': 'equity', 'trades.parquet': 'run_trades' };

type Duck = typeof import('@duckdb/node-api');
type Connection = Awaited<ReturnType<Awaited<ReturnType<Duck['DuckDBInstance']['create']>>['connect']>>;

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * SQL over the catalog and run results with DuckDB, embedded (no server). Views:
 *   trades, quotes, book_deltas — the normalized tick columns (times as BIGINT µs; make_timestamp(ts_local) gives a TIMESTAMP)
 *   bars, mark                  — timestamp (bar open, µs), open, high, low, close, volume, plus timeframe
 *   funding                     — timestamp (µs), rate
 *   (each with venue, symbol and date: the partition's UTC day)
 *   parts                       — one row per sidecar: venue, symbol, kind, date, rows, first, last, covers_from, covers_to
 *   gaps                        — gaps a venue reported during downloads: venue, symbol, kind, gap_from, gap_to (µs)
 *   fills, orders, equity, run_trades — every `<reports>/<run>/<name>.parquet`, with run
 * Only committed parts (with a sidecar) are read. Views with no files are empty with their columns.
 */
export class CatalogSql {
  private constructor(private readonly conn: Connection, private readonly close_: () => void, readonly views: readonly string[]) {}

  static async open(catalogRoot: string, reportsRoot?: string): Promise<CatalogSql> {
    const duck: Duck = await import('@duckdb/node-api');
    const db = await duck.DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const records = await catalogRecords(catalogRoot);
    const views: string[] = [];
    for (const [view, sql] of catalogViews(records)) {
      await conn.run(`CREATE VIEW ${view} AS ${sql}`);
      views.push(view);
    }
    await createSidecarTables(conn, records);
    views.push('parts', 'gaps');
    if (reportsRoot && existsSync(reportsRoot)) {
      for (const [view, sql] of await resultViews(reportsRoot)) {
        await conn.run(`CREATE VIEW ${view} AS ${sql}`);
        views.push(view);
      }
    }
    return new CatalogSql(conn, () => { conn.closeSync(); db.closeSync(); }, views);
  }

  /** Runs a query; a mistake in it is a usage error with DuckDB's words. */
  async query(sql: string): Promise<SqlResult> {
    let reader;
    try {
      reader = await this.conn.runAndReadAll(sql);
    } catch (e) {
      throw new ConfigError(`SQL: ${(e as Error).message.split('\n')[0]} (views: ${this.views.join(', ')})`, 'usage');
    }
    const columns = reader.getColumnsJS().map((c) => c.map(plain));
    return { names: reader.columnNames(), types: reader.columnTypes().map((t) => t.toString()), columns, rowCount: reader.currentRowCount };
  }

  /** A query's rows as objects. */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const r = await this.query(sql);
    return Array.from({ length: r.rowCount }, (_, i) => Object.fromEntries(r.names.map((n, j) => [n, r.columns[j][i]])));
  }

  /** A query's answer as an Apache Arrow table. */
  async arrow(sql: string): Promise<import('apache-arrow').Table> {
    const r = await this.query(sql);
    const { tableFromArrays } = await import('apache-arrow');
    const cols: Record<string, unknown> = {};
    r.names.forEach((n, j) => {
      const c = r.columns[j];
      if (c.every((v) => typeof v === 'number' || v === null)) cols[n] = Float64Array.from(c as (number | null)[], (v) => v ?? NaN);
      else if (c.every((v) => v instanceof Date || v === null)) cols[n] = c; // Arrow's DateMillisecond
      else cols[n] = c.map((v) => (v === null ? null : String(v)));
    });
    return tableFromArrays(cols as Parameters<typeof tableFromArrays>[0]);
  }

  close(): void {
    this.close_();
  }
}

/** DuckDB's JS values made plain: exact BIGINTs as numbers (strings beyond 2^53), decimals as numbers. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v) && 'toDouble' in v) return (v as { toDouble(): number }).toDouble();
  return v;
}

/** One view per kind over its committed parts (empty, with its columns, when it has none). */
function catalogViews(records: readonly CatalogPart[]): Map<string, string> {
  const byView = new Map<string, CatalogPart[]>();
  for (const view of ['trades', 'quotes', 'book_deltas', 'bars', 'mark', 'funding']) byView.set(view, []);
  for (const p of records) if (p.rows > 0) byView.get(VIEW_OF(p.kind))!.push(p);
  const out = new Map<string, string>();
  const kindOfView: Record<string, CatalogKind> = { trades: 'trades', quotes: 'quotes', book_deltas: 'deltas', bars: 'bars-1m', mark: 'mark-1m', funding: 'funding' };
  for (const [view, parts] of byView) {
    const kind = kindOfView[view];
    const times = isTickKind(kind) ? ['ts_event', 'ts_local'] : ['timestamp'];
    const values = valueColumnsOf(kind);
    const bar = barMicros(kind) !== null;
    const cols = [...times.map((t) => `${t}::BIGINT AS ${t}`), ...values.map((c) => (c === 'aggressor' || c === 'side' || c === 'flags' ? `${c}::TINYINT AS ${c}` : `${c}::DOUBLE AS ${c}`))];
    const meta = ['venue', 'symbol', ...(bar ? ['timeframe'] : []), 'date'];
    if (parts.length === 0) {
      out.set(view, `SELECT ${[...meta.map((m) => `NULL::VARCHAR AS ${m}`), ...times.map((t) => `NULL::BIGINT AS ${t}`), ...values.map((c) => `NULL::DOUBLE AS ${c}`)].join(', ')} WHERE false`);
      continue;
    }
    // venue/symbol/kind/date from the path's last five segments.
    const seg = (k: number) => `regexp_extract(filename, '([^/]+)/([^/]+)/([^/]+)/([^/]+)/[^/]+$', ${k})`;
    const metaSql = [`${seg(1)} AS venue`, `${seg(2)} AS symbol`, ...(bar ? [`regexp_extract(${seg(3)}, '-(.+)$', 1) AS timeframe`] : []), `${seg(4)} AS date`];
    out.set(view, `SELECT ${[...metaSql, ...cols].join(', ')} FROM read_parquet([${parts.map((p) => quote(resolve(p.file))).join(', ')}], filename = true)`);
  }
  return out;
}

/** The sidecars as tables: `parts` (every record) and `gaps` (gaps recorded by downloads). */
async function createSidecarTables(conn: Connection, records: readonly CatalogPart[]): Promise<void> {
  await conn.run('CREATE TABLE parts (venue VARCHAR, symbol VARCHAR, kind VARCHAR, date VARCHAR, rows BIGINT, first BIGINT, last BIGINT, covers_from BIGINT, covers_to BIGINT)');
  await conn.run('CREATE TABLE gaps (venue VARCHAR, symbol VARCHAR, kind VARCHAR, gap_from BIGINT, gap_to BIGINT)');
  const parts = await conn.createAppender('parts');
  const gaps = await conn.createAppender('gaps');
  const big = (x: number | undefined) => (x === undefined ? null : BigInt(Math.round(x)));
  for (const p of records) {
    for (const v of [p.venue, p.symbol, p.kind, p.date]) parts.appendVarchar(v);
    parts.appendBigInt(BigInt(p.rows)); parts.appendBigInt(big(p.first)!); parts.appendBigInt(big(p.last)!);
    for (const x of [p.covers?.from, p.covers?.to]) { if (x === undefined) parts.appendNull(); else parts.appendBigInt(big(x)!); }
    parts.endRow();
  }
  // A gap split by a part boundary (a page or a day) is one gap.
  const byStream = new Map<string, CatalogPart[]>();
  for (const p of records) byStream.set(`${p.venue}\u0000${p.symbol}\u0000${p.kind}`, [...(byStream.get(`${p.venue}\u0000${p.symbol}\u0000${p.kind}`) ?? []), p]);
  for (const [key, list] of byStream) {
    for (const [a, b] of unionSpans(list.flatMap((p) => p.covers?.gaps ?? []))) {
      for (const v of key.split('\u0000')) gaps.appendVarchar(v);
      gaps.appendBigInt(big(a)!); gaps.appendBigInt(big(b)!);
      gaps.endRow();
    }
  }
  parts.closeSync();
  gaps.closeSync();
}

/** Views over run results found in `<root>/<run>/`. */
async function resultViews(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string[]>();
  for (const run of (await readdir(root, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const [file, view] of Object.entries(RESULT_VIEWS)) {
      const path = join(root, run, file);
      if (existsSync(path)) files.set(view, [...(files.get(view) ?? []), resolve(path)]);
    }
  }
  const out = new Map<string, string>();
  for (const [view, list] of files) {
    out.set(view, `SELECT regexp_extract(filename, '([^/]+)/[^/]+$', 1) AS run, * EXCLUDE (filename) FROM read_parquet([${list.map(quote).join(', ')}], filename = true, union_by_name = true)`);
  }
  return out;
}
