import { L2BookKeeper } from '../book/book-keeper.ts';
import type { BacktestConfig } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import { defineInstrument, type Instrument } from '../core/instrument.ts';
import { parseDateTime } from '../core/time.ts';
import type { BarBatch } from '../data/bar-batch.ts';
import { BarSource } from '../data/bar-source.ts';
import { BadRowHandler } from '../data/bad-rows.ts';
import { BarHistory } from '../data/bar-history.ts';
import type { BarView } from '../core/events.ts';
import { inferBarTickSize, inferTickSize, readInstrumentSpec, type InstrumentSpec } from '../data/instrument-spec.ts';
import { openBarsAuto } from '../data/open-bars-threaded.ts';
import type { BarStream } from '../data/read-bars.ts';
import type { Engine } from '../engine/engine.ts';
import { runEventLoop } from '../engine/event-loop.ts';
import type { EventSource } from '../engine/event-source.ts';
import type { ExecutionClient } from '../engine/execution-client.ts';
import type { FeedSummary, SessionParts } from '../engine/session-parts.ts';
import { SimClock } from '../engine/sim-clock.ts';
import { BarBroker } from '../sim/bar-broker.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import { recordedWarmUp } from '../data/session-files.ts';
import { feeModelOf, latencyModelOf, queueModelOf, slippageModelOf } from '../sim/models-from-config.ts';
import { constantLatency } from '../sim/latency-model.ts';
import { isTickFeed, tickSources, type ReaderThreads } from './tick-feeds.ts';
import { packedMap } from '../core/array-edit.ts';

/** A run's state at a checkpoint. */
export interface RunProgress {
  /** Market events processed so far. */
  readonly events: number;
  /** Equity curve so far (copies). */
  readonly ts: Float64Array;
  readonly equity: Float64Array;
}

/** Thrown when a checkpoint asks the run to stop. */
export class RunStopped extends Error {
  constructor(readonly progress: RunProgress) {
    super(`run stopped at a checkpoint after ${progress.events} events`);
    this.name = 'RunStopped';
  }
}

/** How a backtest's data arrives besides the config. */
export interface BacktestPartsOptions {
  /** In-memory bars per feed, replayed instead of reading the files (benchmarks, optimizer workers). */
  feeds?: ReadonlyArray<readonly BarBatch[]>;
  /** Called between batches with the run so far; true stops the run with RunStopped (pruning). */
  checkpoint?: (progress: RunProgress) => boolean | Promise<boolean>;
  /** The clock's time before the first event (default: 1 µs before it; see RunBacktestOptions.clockStart). */
  clockStart?: number;
}

/** A batch stream whose first batch can be read ahead (to infer the price grid) and is then replayed in order. */
class Peeked<B> implements AsyncIterable<B> {
  private first: IteratorResult<B> | null = null;
  private replayed = false;
  private readonly it: AsyncIterator<B>;
  constructor(src: AsyncIterable<B>) {
    this.it = src[Symbol.asyncIterator]();
  }
  async peek(): Promise<B | null> {
    this.first ??= await this.it.next();
    return this.first.done ? null : this.first.value;
  }
  /** Ends the underlying stream (its files are closed), whether or not it was read to the end. */
  async close(): Promise<void> {
    await this.it.return?.();
  }
  [Symbol.asyncIterator](): AsyncIterator<B> {
    return { next: () => {
      if (this.first !== null && !this.replayed) {
        this.replayed = true;
        return Promise.resolve(this.first);
      }
      return this.it.next();
    } };
  }
}

/** Bars kept before `from` for a strategy's warm-up (per feed). */
const WARMUP_CAP = 10_000;

/** The backtest mode of a session: a simulated clock, a simulated venue, and data files replayed in time order. */
export async function backtestParts(cfg: BacktestConfig, o: BacktestPartsOptions, readers: ReaderThreads): Promise<SessionParts> {
  const clock = new SimClock(o.clockStart ?? 0);
  const load = { seconds: 0 };
  let engineRef: Engine | null = null;
  const wrap = batchWrap(load, o.checkpoint, () => engineRef);
  const ticks = await tickRun(cfg, o);
  const specs = o.feeds ? cfg.data.map(() => null) : await Promise.all(cfg.data.map((f) => readInstrumentSpec(specFeed(f.file))));
  const provisional = cfg.data.map((f, i) => instrumentOf(f.instrument, specs[i], 0.01));
  const feed = ticks ? await tickFeed(cfg, provisional, wrap, readers, () => engineRef) : await barFeed(cfg, provisional, wrap, o);
  const instruments = await Promise.all(cfg.data.map(async (f, i) => {
    if (f.instrument.tickSize !== undefined || specs[i]?.tickSize !== undefined) return provisional[i];
    return instrumentOf(f.instrument, specs[i], await feed.tickSize(i));
  }));
  // One set of books: the venue applies each delta to the books the strategy reads.
  const books = ticks ? new L2BookKeeper(instruments.length, cfg.onCrossedBook) : undefined;
  const venue = books ? l2Venue(cfg, instruments, clock, books) : barBroker(cfg, instruments);
  return {
    clock, instruments, venue, ...(books ? { books } : {}),
    expectedEvents: o.feeds ? o.feeds.reduce((n, f) => n + f.reduce((t, b) => t + b.length, 0), 0) : 0,
    equityIntervalMicros: ticks ? 1_000_000 : 0, onIllegalOrderEvent: 'throw',
    prepare: async (engine) => {
      engineRef = engine;
      cfg.data.forEach((f, i) => { if (f.position && f.position.qty !== 0) engine.portfolio.adopt(i, f.position.qty, f.position.avgPrice, engine.portfolio.cash); });
      if (o.clockStart === undefined) await startBeforeFirstEvent(feed.sources, clock);
    },
    warmUp: async (engine, n) => {
      if (!feed.history) return null; // no `from`: the run starts where the data starts
      const perFeed = await feed.history(n, instruments);
      engine.warmUp(perFeed.flat().sort((a, b) => a.ts - b.ts || a.instrumentIndex - b.instrumentIndex));
      return Math.min(...perFeed.map((h) => h.length));
    },
    drive: (engine) => runEventLoop(feed.sources, engine),
    finish: async () => {
      if (venue instanceof L2Venue) venue.drain(); // as a paper session ends
    },
    close: () => feed.close(),
    feeds: () => feed.summary(instruments),
    loadSeconds: () => load.seconds,
  };
}

/**
 * Sets the clock 1 µs before the run's first event, as a live session starts before its first
 * event arrives: `onStart` reads that time, and timers and orders set there are timed from it
 * (from 0, a timer due "a minute after the start" fell due in 1970 and a repeating one fired
 * once per interval since then, and a DAY order expired on the first bar). Loads each source's
 * first batch, as the event loop's first step does.
 */
async function startBeforeFirstEvent(sources: readonly EventSource[], clock: SimClock): Promise<void> {
  let first = Infinity;
  for (const s of sources) {
    while (s.needsLoad()) await s.load();
    first = Math.min(first, s.peekTs());
  }
  if (first < Infinity && first - 1 > clock.now()) clock.advanceTo(first - 1, noTimers);
}

/** No timer can be due before the strategy has started. */
function noTimers(): void {
  throw new Error('a timer fell due before the run started');
}

/** A run replays either bars or ticks. */
async function tickRun(cfg: BacktestConfig, o: BacktestPartsOptions): Promise<boolean> {
  if (o.feeds) return false;
  const flags = await Promise.all(cfg.data.map(isTickFeed));
  if (flags.some(Boolean) && !flags.every(Boolean)) throw new ConfigError('a run replays either bars or tick data, not both');
  return flags[0];
}

/** Where a feed's instrument spec is stored (a catalog feed: its symbol folder). */
function specFeed(file: string): string {
  if (!file.startsWith('catalog://')) return file;
  const [path, query = ''] = file.slice('catalog://'.length).split('?');
  const root = new URLSearchParams(query).get('root') ?? 'data/catalog';
  return `${root}/${path}`;
}

/** The instrument: the config's fields, else the stored spec's, else the inferred tick, else the defaults. */
function instrumentOf(given: BacktestConfig['data'][number]['instrument'], spec: InstrumentSpec | null, tick: number): Instrument {
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return defineInstrument({ ...spec, tickSize: spec?.tickSize ?? tick, ...defined, symbol: given.symbol });
}

type BatchWrap = <B>(batches: AsyncIterable<B>) => AsyncIterable<B>;

/** Times each batch's read and runs the checkpoint between batches. */
function batchWrap(load: { seconds: number }, checkpoint: BacktestPartsOptions['checkpoint'], engine: () => Engine | null): BatchWrap {
  const check = checkpoint === undefined ? null : async (): Promise<void> => {
    const e = engine()!;
    const c = e.equity.curve();
    const progress = { events: e.events, ts: c.ts.slice(), equity: c.equity.slice() };
    if (await checkpoint(progress)) throw new RunStopped(progress);
  };
  return <B>(batches: AsyncIterable<B>): AsyncIterable<B> => ({
    [Symbol.asyncIterator]() {
      const it = batches[Symbol.asyncIterator]();
      let first = true;
      return {
        async next() {
          if (!first && check) await check();
          first = false;
          const t0 = performance.now();
          const r = await it.next();
          load.seconds += (performance.now() - t0) / 1000;
          return r;
        },
      };
    },
  });
}

/** The sources of a run, the tick inferred from a feed's first batch, and the per-feed summary. */
interface Feed {
  readonly sources: EventSource[];
  /** The tick of feed `i` inferred from the prices of its first batch (1 when it has none). */
  tickSize(i: number): Promise<number>;
  /** Bar runs starting at `from`: the last `n` bars before it, per feed, as the strategy's warm-up. */
  history?(n: number, instruments: readonly Instrument[]): Promise<BarView[][]>;
  summary(instruments: readonly Instrument[]): FeedSummary[];
  /** Ends the readers (files closed), also when the run never started. */
  close(): Promise<void>;
}

async function barFeed(cfg: BacktestConfig, instruments: readonly Instrument[], wrap: BatchWrap, o: BacktestPartsOptions): Promise<Feed> {
  const window = {
    ...(cfg.from !== undefined ? { from: parseDateTime(cfg.from) } : {}),
    ...(cfg.to !== undefined ? { to: parseDateTime(cfg.to) } : {}),
  };
  const histories = cfg.data.map(() => (window.from !== undefined && !o.feeds ? new BarHistory(WARMUP_CAP) : null));
  const streams = o.feeds
    ? cfg.data.map((f, i) => memoryStream(f.file, o.feeds![i] ?? []))
    : await Promise.all(cfg.data.map((f, i) => openBarsAuto(f.file, { onBadRow: cfg.onBadRow, ...window, ...(histories[i] ? { history: histories[i]! } : {}) })));
  // Packed whichever tier builds them (see packedMap): a holey `peeked` deoptimized this function's optimized code.
  const peeked = packedMap(streams, (st) => new Peeked(st.batches));
  const sources = packedMap(streams, (st, i) => new BarSource(st.file, wrap(peeked[i]), instruments[i], i, st.recycle));
  return {
    sources,
    close: async () => { await Promise.all(peeked.map((p) => p.close())); },
    tickSize: async (i) => {
      const b = await peeked[i].peek();
      return b === null ? inferTickSize([]) : inferBarTickSize(b);
    },
    summary: (inst) => streams.map((st, i) => ({
      file: st.file, format: st.format, instrumentId: inst[i].id, bars: sources[i].emitted, badRows: st.badRows.report, outsideWindow: st.filtered.count,
      dataFirst: st.filtered.first, dataLast: st.filtered.last,
    })),
    ...(window.from !== undefined && !o.feeds ? {
      history: async (n: number, inst: readonly Instrument[]) => Promise.all(histories.map(async (h, i) => {
        await peeked[i].peek(); // every row before `from` has been read once the first one after it is
        return h!.last(n).map((b) => ({ ...b, tsLocal: b.ts, instrumentId: inst[i].id, instrumentIndex: i }));
      })),
    } : {}),
  };
}

async function tickFeed(cfg: BacktestConfig, instruments: readonly Instrument[], wrap: BatchWrap, readers: ReaderThreads, engine: () => Engine | null): Promise<Feed> {
  const firsts: Array<Peeked<{ price: Float64Array; length: number }> | null> = cfg.data.map(() => null);
  const s = await tickSources(cfg, instruments, (batches, i, kind) => {
    if (kind === 'quotes' || kind === 'bars' || firsts[i] !== null) return wrap(batches);
    const p = new Peeked(batches);
    firsts[i] = p as unknown as Peeked<{ price: Float64Array; length: number }>;
    return wrap(p);
  }, readers, engine);
  // A recorded session's warm-up: the strategy is warmed up with the bars it was warmed up with live.
  const warm = await Promise.all(cfg.data.map((f) => (f.file.startsWith('catalog://') ? null : recordedWarmUp(f.file))));
  return {
    sources: s.sources,
    close: async () => { await Promise.all(firsts.map((p) => p?.close())); },
    ...(warm.some((w) => w !== null) ? {
      history: async (n: number, inst: readonly Instrument[]) => warm.map((w, i) => (w ?? []).slice(-n).map((b) => ({ ...b, instrumentId: inst[i].id, instrumentIndex: i }))),
    } : {}),
    tickSize: async (i) => {
      const b = await firsts[i]?.peek();
      return inferTickSize(b ? [b.price.subarray(0, Math.min(b.length, 50_000))] : []);
    },
    summary: (inst) => cfg.data.map((f, i) => ({
      file: f.file, format: 'ticks', instrumentId: inst[i].id, bars: s.perFeed[i].reduce((n, src) => n + (src as unknown as { emitted: number }).emitted, 0),
      badRows: s.badRows[i].report, outsideWindow: 0,
    })),
  };
}

function barBroker(cfg: BacktestConfig, instruments: readonly Instrument[]): ExecutionClient {
  return new BarBroker({
    instruments, fillTiming: cfg.fillTiming, fees: feeModelOf(cfg.commission), slippage: slippageModelOf(cfg.slippage),
    maxVolumeShare: cfg.maxVolumeShare, checkCash: cfg.checkCash, checkSubmit: cfg.checkSubmit, reversal: cfg.reversal,
    shortMargin: cfg.shortMargin,
  });
}

function l2Venue(cfg: BacktestConfig, instruments: readonly Instrument[], clock: SimClock, books: L2BookKeeper): L2Venue {
  return new L2Venue({
    instruments, clock, books, fees: feeModelOf(cfg.commission), latency: latencyModelOf(cfg.latency), checkCash: cfg.checkCash, shortMargin: cfg.shortMargin,
    latencyBySlot: cfg.data.map((f) => (f.latency ? constantLatency(f.latency.entryMicros, f.latency.responseMicros) : undefined)),
    queue: queueModelOf(cfg),
  });
}

function memoryStream(file: string, batches: readonly BarBatch[]): BarStream {
  async function* gen(): AsyncGenerator<BarBatch> {
    for (const b of batches) yield b;
  }
  return { file, format: 'memory', batches: gen(), badRows: new BadRowHandler('error'), filtered: { count: 0, first: Number.NaN, last: Number.NaN } };
}
