import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { Instrument } from '../core/instrument.ts';
import type { EventSource } from '../engine/event-source.ts';
import type { Clock } from '../engine/clock.ts';
import type { DeltaBatch, QuoteBatch, TradeBatch } from '../data/tick-batch.ts';
import { readTickFiles, tickFilesOf } from '../data/tick-parquet.ts';
import { DeltaSource, QuoteSource, TradeSource } from '../data/tick-sources.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import { constantLatency, interpolatedLatency } from '../sim/latency-model.ts';
import { probabilisticQueue, riskAverseQueue } from '../sim/queue-model.ts';
import { feeModelOf } from './models-from-config.ts';
import type { RunConfig } from './run-config.ts';

/** True when a feed holds tick data (explicit kind, a folder, or a trades-/quotes-/deltas- file). */
export async function isTickFeed(feed: RunConfig['data'][number]): Promise<boolean> {
  if (feed.kind) return feed.kind === 'ticks';
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

export async function tickSetup(cfg: RunConfig, instruments: readonly Instrument[], clock: Clock, wrap: BatchWrap): Promise<TickSetup> {
  const latency = 'file' in cfg.latency ? interpolatedLatency(cfg.latency.file) : constantLatency(cfg.latency.entryMicros, cfg.latency.responseMicros);
  const venue = new L2Venue({
    instruments, clock, fees: feeModelOf(cfg.commission), latency, checkCash: cfg.checkCash,
    queue: cfg.queue === 'probabilistic' ? probabilisticQueue(cfg.queuePower) : riskAverseQueue,
  });
  const books = new L2BookKeeper(instruments.length, cfg.onCrossedBook);
  const perFeed: EventSource[][] = [];
  for (const [i, feed] of cfg.data.entries()) {
    const files = await tickFilesOf(feed.file);
    const list: EventSource[] = [];
    // Deltas first: at equal local times the book updates before trades and quotes are seen.
    if (files.deltas.length) list.push(new DeltaSource(files.deltas[0], wrap(readTickFiles<DeltaBatch>(files.deltas)), instruments[i], i));
    if (files.trades.length) list.push(new TradeSource(files.trades[0], wrap(readTickFiles<TradeBatch>(files.trades)), instruments[i], i));
    if (files.quotes.length) list.push(new QuoteSource(files.quotes[0], wrap(readTickFiles<QuoteBatch>(files.quotes)), instruments[i], i));
    perFeed.push(list);
  }
  return { venue, books, sources: perFeed.flat(), perFeed };
}
