import { resolve } from 'node:path';
import { isoFromMicros } from '../core/time.ts';
import { DEFAULT_CATALOG } from '../data/catalog.ts';
import { CatalogSql } from '../data/catalog-sql.ts';
import { verifyCatalog } from '../data/catalog-verify.ts';
import { parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';
import { textTable } from './text-table.ts';

export const QUERY_HELP = `lockstep data query [--catalog DIR] [--reports DIR] [--json] "SELECT …"
lockstep data verify [--catalog DIR] [--json]

query: SQL over the catalog and run results with DuckDB (embedded). Views, each with venue,
symbol and date (the partition's UTC day): trades, quotes, book_deltas (the normalized tick
columns, times as BIGINT µs: make_timestamp(ts_local) is a TIMESTAMP), bars and mark
(timestamp = bar open µs, open, high, low, close, volume, timeframe), funding (timestamp,
rate); parts (one row per sidecar: kind, rows, first, last, covers_from, covers_to) and gaps
(what downloads recorded as the venue's gaps); fills, orders, equity and run_trades over
DIR/*/ of --reports (default reports), with run. Prints a table, or with --json an array of
row objects. Example:
  lockstep data query "SELECT hour(make_timestamp(ts_local)) AS hour, avg(ask_price - bid_price) AS spread FROM quotes GROUP BY 1 ORDER BY 1"
verify: checks every stream of the catalog against its files (sidecar vs content, columns,
time order within and across parts, duplicates, gaps not recorded as the venue's, holes
between downloaded windows, uncommitted parts and temp files). Exit 1 when it finds an error.`;

export async function queryCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, { catalog: { type: 'string' }, reports: { type: 'string' }, json: { type: 'boolean' } }, 'data query');
  if (positionals.length !== 1) throw new UsageError('data query: give one SQL statement (quoted), e.g. lockstep data query "SELECT count(*) FROM trades"');
  const sql = await CatalogSql.open(values.catalog ?? DEFAULT_CATALOG, values.reports ?? 'reports');
  try {
    const rows = await sql.rows(positionals[0]);
    if (values.json) out(JSON.stringify(rows));
    else out(textTable(rows));
  } finally {
    sql.close();
  }
  return 0;
}

export async function verifyCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseFlags(argv, { catalog: { type: 'string' }, json: { type: 'boolean' } }, 'data verify');
  const root = values.catalog ?? DEFAULT_CATALOG;
  const { findings, streams } = await verifyCatalog(root);
  const errors = findings.filter((f) => f.level === 'error').length;
  if (values.json) {
    out(JSON.stringify({ ok: errors === 0, streams, findings }));
    return errors === 0 ? 0 : 1;
  }
  for (const s of streams) {
    out(`${s.stream}: ${s.parts} part(s), ${s.rows.toLocaleString('en-US')} rows${s.rows > 0 ? `, ${isoFromMicros(s.first)} … ${isoFromMicros(s.last)}` : ''}`
      + `${s.missingBars > 0 ? `, ${s.missingBars.toLocaleString('en-US')} missing bar(s)` : ''}${s.recordedGaps > 0 ? ` (${s.recordedGaps} gap(s) recorded by downloads)` : ''}`);
  }
  for (const f of findings) out(`${f.level}: ${f.stream}${f.file ? ` ${f.file}` : ''}: ${f.message}`);
  out(`${resolve(root)}: ${streams.length} stream(s), ${errors} error(s), ${findings.length - errors} warning(s)`);
  return errors === 0 ? 0 : 1;
}
