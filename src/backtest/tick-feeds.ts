import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSource } from '../engine/event-source.ts';
import type { Clock } from '../engine/clock.ts';
import type { DeltaBatch, QuoteBatch, TradeBatch } from '../data/tick-batch.ts';
import { tickFilesOf, type TickKind } from '../data/tick-parquet.ts';
import { readTickFilesAuto, type TickReaderThread } from '../data/tick-files-threaded.ts';
import { Catalog, DEFAULT_CATALOG } from '../data/catalog.ts';
import { ConfigError } from '../core/errors.ts';
import { parseDateTime } from '../core/time.ts';
import { DeltaSource, QuoteSource, TradeSource } from '../data/tick-sources.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import { constantLatency, interpolatedLatency } from '../sim/latency-model.ts';
import { probabilisticQueue, riskAverseQueue } from '../sim/queue-model.ts';
import { feeModelOf } from './models-from-config.ts';
import type { RunConfig } from './run-config.ts';

/** True when a feed holds tick data (explicit kind, a folder, or a trades-/quotes-/deltas- file). */
export async function isTickFeed(feed: RunConfig['data'][number]): Promise<boolean> {
  if (feed.kind) return feed.kind === 'ticks';
  if (feed.file.startsWith('catalog://')) return true;
  if (/^(trades|quotes|deltas)-/.test(basename(feed.file))) return true;
  const s = await stat(feed.file).catch(() => null);
  return s?.isDirectory() ?? false;
}

/** Everything a tick run adds: the L2 venue, the strategy-side books and one source per tick file kind. */
export interface TickSetup {
  venue: L2Venue;
  books: L2BookKeeper;
  sources: EventSource[];
  /** Sources per feed (for the run's feed summary). */
  perFeed: EventSource[][];
}

/** Wraps each batch stream (timing / checkpoints) before it becomes a source. */
export type BatchWrap = <B>(batches: AsyncIterable<B>) => AsyncIterable<B>;

/** The run's tick reader thread, once one is needed (the caller closes it when the run ends). */
export type ReaderThreads = { thread?: TickReaderThread; setup?: Promise<unknown> };

export async function tickSetup(cfg: RunConfig, instruments: readonly Instrument[], clock: Clock, wrap: BatchWrap, reader: ReaderThreads = {}): Promise<TickSetup> {
  const latency = 'file' in cfg.latency ? interpolatedLatency(cfg.latency.file) : constantLatency(cfg.latency.entryMicros, cfg.latency.responseMicros);
  const venue = new L2Venue({
    instruments, clock, fees: feeModelOf(cfg.commission), latency, checkCash: cfg.checkCash, shortMargin: cfg.shortMargin,
    latencyBySlot: cfg.data.map((f) => (f.latency ? constantLatency(f.latency.entryMicros, f.latency.responseMicros) : undefined)),
    queue: cfg.queue === 'probabilistic' ? probabilisticQueue(cfg.queuePower) : riskAverseQueue,
  });
  const books = new L2BookKeeper(instruments.length, cfg.onCrossedBook);
  const perFeed: EventSource[][] = [];
  const from = cfg.from !== undefined ? parseDateTime(cfg.from) : -Infinity;
  const to = cfg.to !== undefined ? parseDateTime(cfg.to) : Infinity;
  const windowed = <B extends { length: number; tsLocal: Float64Array }>(src: AsyncIterable<B>): AsyncIterable<B> =>
    Number.isFinite(from) || Number.isFinite(to) ? filterWindow(src, from, to) : src;
  // One reader thread for the whole run (made when some feed is big enough to need it).
  for (const [i, feed] of cfg.data.entries()) {
    const files = await feedFiles(feed.file, from, to);
    const list: EventSource[] = [];
    // Deltas first: at equal local times the book updates before trades and quotes are seen.
    if (files.deltas.length) list.push(new DeltaSource(files.deltas[0], wrap(windowed(readTickFilesAuto<DeltaBatch>(files.deltas, reader))), instruments[i], i));
    if (files.trades.length) list.push(new TradeSource(files.trades[0], wrap(windowed(readTickFilesAuto<TradeBatch>(files.trades, reader))), instruments[i], i));
    if (files.quotes.length) list.push(new QuoteSource(files.quotes[0], wrap(windowed(readTickFilesAuto<QuoteBatch>(files.quotes, reader))), instruments[i], i));
    perFeed.push(list);
  }
  return { venue, books, sources: perFeed.flat(), perFeed };
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
