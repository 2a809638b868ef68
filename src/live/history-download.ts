import { join } from 'node:path';
import type { Catalog } from '../data/catalog.ts';
import { barMicros, type CatalogKind } from '../data/catalog-kinds.ts';
import { concatRows, coveredSpans, missingSpans, unionSpans, type Span } from '../data/catalog-coverage.ts';
import { StagedParts, type CatalogRows } from '../data/catalog-write.ts';
import { instrumentSpecOf, writeInstrumentSpec } from '../data/instrument-spec.ts';
import { makeDir } from '../core/files.ts';
import type { Instrument } from '../core/instrument.ts';
import { pagerFor, type HistoryClient } from './history-pages.ts';

/** Progress of a download (times in ms). */
export interface DownloadProgress {
  /** Milliseconds of the missing windows fetched so far, and in all. */
  readonly doneMs: number;
  readonly totalMs: number;
  readonly rows: number;
  readonly gaps: number;
}

export interface DownloadOptions {
  readonly catalog: Catalog;
  /** Catalog venue and symbol folders. */
  readonly venue: string;
  readonly symbol: string;
  /** The venue's (ccxt) symbol, e.g. BTC/USDT or BTC/USDT:USDT. */
  readonly market: string;
  readonly kind: CatalogKind;
  /** Window [from, to) in ms. */
  readonly from: number;
  readonly to: number;
  /** Rows per committed part (a kill loses at most this many rows of work). */
  readonly flushRows?: number;
  /** Stored as the symbol's instrument.json. */
  readonly instrument?: Instrument;
  readonly onProgress?: (p: DownloadProgress) => void;
}

export interface DownloadResult {
  readonly rows: number;
  /** Windows fetched (ms), after what the catalog already had. */
  readonly fetched: readonly Span[];
  /** Gaps the venue's answers showed (ms). */
  readonly gaps: readonly Span[];
  /** Leftovers of killed writers removed first. */
  readonly cleaned: readonly string[];
}

/**
 * Downloads one stream of history into the catalog through ccxt: only the windows the
 * catalog does not cover yet, page by page (ccxt's rate limiter paces the requests), each
 * `flushRows` rows committed as parts whose sidecars record the window they cover and the
 * venue's gaps in it. A killed download resumes from the last committed window: a part
 * boundary never splits a millisecond of trades, so the seam has no duplicate and no hole.
 */
export async function downloadHistory(ex: HistoryClient, o: DownloadOptions): Promise<DownloadResult> {
  const cleaned = o.catalog.clean();
  const dir = o.catalog.streamDir(o.venue, o.symbol, o.kind);
  await makeDir(dir);
  if (o.instrument) await writeInstrumentSpec(join(o.catalog.root, o.venue, o.symbol), instrumentSpecOf(o.instrument));
  const step = (barMicros(o.kind) ?? 1000) / 1000;
  const records = await o.catalog.records(o.venue, o.symbol, o.kind);
  const covered = coveredSpans(records, step * 1000).map(([a, b]) => [Math.floor(a / 1000), Math.ceil(b / 1000)] as const);
  const fetched = missingSpans(o.from, o.to, covered);
  const totalMs = fetched.reduce((s, [a, b]) => s + b - a, 0);
  const pager = pagerFor(ex, o.market, o.kind);
  let allGaps: Span[] = [];
  let rows = 0;
  let doneMs = 0;
  for (const [a, b] of fetched) {
    let buffer: CatalogRows[] = [];
    let buffered = 0;
    let gaps: Span[] = [];
    let segStart = a;
    let cursor = a;
    const flush = async () => {
      const staged = new StagedParts(dir);
      const part = buffer.length > 0 ? concatRows(buffer) : null;
      const µ = (x: number) => x * 1000;
      await staged.stage(part ?? { kind: o.kind, length: 0, time: new Float64Array(0), columns: {}, micros: [] }, { from: µ(segStart), to: µ(cursor), gaps: gaps.map(([x, y]) => [µ(x), µ(y)] as const) });
      await staged.commit();
      rows += buffered;
      allGaps = unionSpans([...allGaps, ...gaps]);
      buffer = []; buffered = 0; gaps = []; segStart = cursor;
    };
    while (cursor < b) {
      const page = await pager(cursor, b);
      if (page.rows.length > 0) buffer.push(page.rows);
      buffered += page.rows.length;
      gaps = unionSpans([...gaps, ...page.gaps]); // a gap across a page boundary stays one
      doneMs += page.next - cursor;
      cursor = page.next;
      if (buffered >= (o.flushRows ?? 100_000)) await flush();
      o.onProgress?.({ doneMs, totalMs, rows: rows + buffered, gaps: allGaps.length + gaps.length });
    }
    if (cursor > segStart) await flush();
  }
  return { rows, fetched, gaps: allGaps, cleaned };
}
