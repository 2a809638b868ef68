import type { CatalogSql } from './catalog-sql.ts';
import { TIMEFRAMES } from './catalog-kinds.ts';

/** A window with no rows in a stream (µs, [from, to)). */
export interface CatalogGap {
  readonly venue: string;
  readonly symbol: string;
  readonly kind: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Gaps by SQL over the catalog's views: bars missing between a bar stream's first and last
 * bar (runs of missing bars, whatever their length); for ticks the stretches longer than
 * `minGap` µs without a row; for funding a wait over 1.5 × the stream's usual interval.
 */
export async function catalogGaps(sql: CatalogSql, minGap: number): Promise<CatalogGap[]> {
  const steps = Object.entries(TIMEFRAMES).map(([tf, us]) => `('${tf}', ${us})`).join(', ');
  const bars = (view: string, kind: string) => `
    SELECT venue, symbol, '${kind}-' || b.timeframe AS kind, timestamp + step AS gap_from, nxt AS gap_to
    FROM (SELECT venue, symbol, timeframe, timestamp, lead(timestamp) OVER (PARTITION BY venue, symbol, timeframe ORDER BY timestamp) AS nxt FROM ${view}) b
    JOIN (VALUES ${steps}) s(timeframe, step) ON s.timeframe = b.timeframe
    WHERE nxt - timestamp > step`;
  const ticks = (view: string, kind: string, t: string) => `
    SELECT venue, symbol, '${kind}' AS kind, ${t} AS gap_from, nxt AS gap_to
    FROM (SELECT venue, symbol, ${t}, lead(${t}) OVER (PARTITION BY venue, symbol ORDER BY ${t}) AS nxt FROM ${view})
    WHERE nxt - ${t} > ${minGap}`;
  // Funding comes every 1, 4 or 8 hours by venue: a gap is a wait over 1.5 × the stream's median interval.
  const funding = `
    SELECT venue, symbol, 'funding' AS kind, timestamp AS gap_from, nxt AS gap_to
    FROM (SELECT venue, symbol, timestamp, nxt, median(nxt - timestamp) OVER (PARTITION BY venue, symbol) AS usual
          FROM (SELECT venue, symbol, timestamp, lead(timestamp) OVER (PARTITION BY venue, symbol ORDER BY timestamp) AS nxt FROM funding))
    WHERE nxt - timestamp > 1.5 * usual`;
  const union = [bars('bars', 'bars'), bars('mark', 'mark'), ticks('trades', 'trades', 'ts_local'), ticks('quotes', 'quotes', 'ts_local'),
    ticks('book_deltas', 'deltas', 'ts_local'), funding].join(' UNION ALL ');
  const rows = await sql.rows(`SELECT * FROM (${union}) ORDER BY venue, symbol, kind, gap_from`);
  return rows.map((r) => ({ venue: String(r.venue), symbol: String(r.symbol), kind: String(r.kind), from: Number(r.gap_from), to: Number(r.gap_to) }));
}
