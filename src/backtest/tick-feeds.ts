import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BacktestConfig } from '../config/session-config.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSource } from '../engine/event-source.ts';
import type { DeltaBatch, QuoteBatch, TradeBatch } from '../data/tick-batch.ts';
import { tickFilesOf, type TickKind } from '../data/tick-parquet.ts';
import { isNautilusBarFolder, isNautilusTickPath } from '../data/nautilus-catalog.ts';
import { readTickFilesAuto, type TickReaderThread } from '../data/tick-files-threaded.ts';
import { Catalog, DEFAULT_CATALOG } from '../data/catalog.ts';
import { ConfigError } from '../core/errors.ts';
import { BadRowHandler } from '../data/bad-rows.ts';
import { parseDateTime } from '../core/time.ts';
import { DeltaSource, QuoteSource, TradeSource } from '../data/tick-sources.ts';
import { BarSource } from '../data/bar-source.ts';
import type { BarBatch } from '../data/bar-batch.ts';
import { openBars } from '../data/read-bars.ts';
import { recordedBarFiles, recordedControls } from '../data/session-files.ts';
import { ControlSource, type ControlTarget } from './session-controls.ts';

/** True when a feed holds tick data (explicit kind, a folder, or a trades-/quotes-/deltas- file). */
export async function isTickFeed(feed: BacktestConfig['data'][number]): Promise<boolean> {
  if (feed.kind) return feed.kind === 'ticks';
  if (feed.file.startsWith('catalog://')) return true;
  if (/^(trades|quotes|deltas)-/.test(basename(feed.file)) || isNautilusTickPath(feed.file)) return true;
  const s = await stat(feed.file).catch(() => null);
  // A folder is ticks, but a bar type's folder of NautilusTrader's catalog.
  return (s?.isDirectory() ?? false) && !isNautilusBarFolder(feed.file);
}

/** One source per tick file kind of every feed. */
export interface TickSources {
  sources: EventSource[];
  /** Sources per feed (for the run's feed summary). */
  perFeed: EventSource[][];
  /** Bad rows per feed (all its kinds), under the run's `onBadRow` policy. */
  badRows: BadRowHandler[];
}

/** Wraps each batch stream (timing, checkpoints, reading ahead) before it becomes a source (`bars`: a recorded session's live bars). */
export type TickWrap = <B>(batches: AsyncIterable<B>, feed: number, kind: TickKind | 'bars') => AsyncIterable<B>;

/** The run's tick reader thread, once one is needed (the caller releases it when the run ends). */
export type ReaderThreads = { thread?: TickReaderThread };

/** The tick sources of a backtest (one reader thread serves them all when the files are big enough). */
export async function tickSources(cfg: BacktestConfig, instruments: readonly Instrument[], wrap: TickWrap, reader: ReaderThreads = {}, control: () => ControlTarget | null = () => null): Promise<TickSources> {
  const perFeed: EventSource[][] = [];
  const badRows: BadRowHandler[] = [];
  const from = cfg.from !== undefined ? parseDateTime(cfg.from) : -Infinity;
  const to = cfg.to !== undefined ? parseDateTime(cfg.to) : Infinity;
  const windowed = <B extends { length: number; tsLocal: Float64Array }>(src: AsyncIterable<B>): AsyncIterable<B> =>
    Number.isFinite(from) || Number.isFinite(to) ? filterWindow(src, from, to) : src;
  // One reader thread for the whole run (made when some feed is big enough to need it).
  for (const [i, feed] of cfg.data.entries()) {
    const files = await feedFiles(feed.file, from, to);
    const list: EventSource[] = [];
    const bad = new BadRowHandler(cfg.onBadRow);
    const read = <B extends { length: number; tsLocal: Float64Array }>(kind: TickKind) => wrap(windowed(readTickFilesAuto<B>(files[kind], reader, bad)), i, kind);
    // Deltas first: at equal local times the book updates before trades and quotes are seen.
    if (files.deltas.length) list.push(new DeltaSource(files.deltas[0], read<DeltaBatch>('deltas'), instruments[i], i));
    if (files.trades.length) list.push(new TradeSource(files.trades[0], read<TradeBatch>('trades'), instruments[i], i));
    if (files.quotes.length) list.push(new QuoteSource(files.quotes[0], read<QuoteBatch>('quotes'), instruments[i], i));
    // A recorded paper/live session's bars reach the strategy where they did live (their time is when they arrived),
    // and its own actions (stale-feed pauses, kills) happen where they did, after the market events of their time.
    const folder = !feed.file.startsWith('catalog://');
    const bars = folder ? await recordedBarFiles(feed.file) : [];
    if (bars.length) list.push(new BarSource(bars[0], wrap(recordedBars(bars, { onBadRow: cfg.onBadRow, from, to }), i, 'bars'), instruments[i], i));
    const controls = folder ? recordedControls(feed.file).filter((c) => c.ts >= from && c.ts <= to) : [];
    if (controls.length) list.push(new ControlSource(feed.file, controls, control));
    perFeed.push(list);
    badRows.push(bad);
  }
  return { sources: perFeed.flat(), perFeed, badRows };
}

/** The batches of a session's bar parts as one stream (each part read and validated by the bar reader). */
async function* recordedBars(files: readonly string[], window: { onBadRow: BacktestConfig['onBadRow']; from: number; to: number }): AsyncGenerator<BarBatch> {
  const { onBadRow, from, to } = window;
  for (const f of files) {
    const stream = await openBars(f, { onBadRow, ...(Number.isFinite(from) ? { from } : {}), ...(Number.isFinite(to) ? { to } : {}) });
    yield* stream.batches;
  }
}

/** Tick files of a feed: `catalog://VENUE/SYMBOL[?root=DIR]` selects from the catalog; anything else is a folder or file. */
async function feedFiles(file: string, from: number, to: number): Promise<Record<TickKind, string[]>> {
  if (!file.startsWith('catalog://')) return tickFilesOf(file);
  // Parsed by hand: URL would lowercase the venue.
  const [path, query = ''] = file.slice('catalog://'.length).split('?');
  const root = new URLSearchParams(query).get('root') ?? DEFAULT_CATALOG;
  const [venue, symbol] = path.split('/');
  if (!venue || !symbol) throw new ConfigError(`catalog feed ${file}: write catalog://VENUE/SYMBOL`);
  return new Catalog(root).select(venue, symbol, from, to);
}

/** Keeps rows whose local time lies in [from, to] (compacting each batch in place). */
async function* filterWindow<B extends { length: number; tsLocal: Float64Array }>(src: AsyncIterable<B>, from: number, to: number): AsyncGenerator<B> {
  for await (const b of src) {
    let s = 0;
    while (s < b.length && b.tsLocal[s] < from) s++;
    let e = b.length;
    while (e > s && b.tsLocal[e - 1] > to) e--;
    if (e <= s) continue;
    if (s === 0 && e === b.length) {
      yield b;
      continue;
    }
    const out = { ...b } as Record<string, unknown>;
    for (const [k, v] of Object.entries(b)) if (ArrayBuffer.isView(v)) out[k] = (v as Float64Array).subarray(s, e);
    out.length = e - s;
    out.firstRow = (b as unknown as { firstRow: number }).firstRow + s;
    yield out as B;
  }
}
