import { appendFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BarView, BookDeltaView, QuoteView, TradeView } from '../core/events.ts';
import type { Fill } from '../core/fill.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Order } from '../core/order.ts';
import { instrumentSpecOf, writeInstrumentSpec } from '../data/instrument-spec.ts';
import { microsColumn, writeParquetFile } from '../data/parquet-write.ts';
import { allocDeltas, allocQuotes, allocTrades, DeltaFlag, type DeltaBatch, type QuoteBatch, type TickBatch, type TradeBatch } from '../data/tick-batch.ts';
import { writeTickParquet } from '../data/tick-parquet.ts';
import { makeDir } from '../core/files.ts';
import { allocBarBatch, type BarBatch } from '../data/bar-batch.ts';
import { CONTROL_FILE, partName, WARMUP_FILE, type SessionControl } from '../data/session-files.ts';

const PART = 65_536;
/** Bars come a few a minute: parts of this many, or whatever a flush finds. */
const BAR_PART = 4096;

/** What a session records as parts: the tick kinds, and the live bars the strategy got. */
type PartKind = TickBatch['kind'] | 'bars';

/**
 * Records a live or paper session into a folder: the market events exactly as the engine
 * saw them (normalized deltas-/trades-/quotes- Parquet parts, and bars- parts of the live
 * bars stamped when they reached the strategy, so `lockstep backtest --data DIR` replays
 * them in the order the strategy saw them), and at the end the orders, fills and session facts.
 */
export class SessionRecorder {
  private deltas: DeltaBatch = allocDeltas(PART);
  private trades: TradeBatch = allocTrades(PART);
  private quotes: QuoteBatch = allocQuotes(PART);
  private bars: BarBatch = allocBarBatch(BAR_PART);
  /** Parts written so far, per kind. */
  private readonly parts: Record<PartKind, number> = { deltas: 0, trades: 0, quotes: 0, bars: 0 };
  private writing: Promise<unknown> = Promise.resolve();
  private lastFlush = Date.now();

  /** Buffered market events are written at least every `flushMillis` (a crash loses at most that much of the market). */
  constructor(readonly dir: string, private readonly flushMillis = 2000) {}

  /** Writes the buffered parts when they have waited `flushMillis` (a snapshot group is never split). */
  private maybeFlush(): void {
    const now = Date.now();
    if (now - this.lastFlush < this.flushMillis) return;
    this.lastFlush = now;
    if (this.deltas.length === 0 || this.deltas.flags[this.deltas.length - 1] & DeltaFlag.last) this.flushDeltas();
    this.flushTrades();
    this.flushQuotes();
    this.flushBars();
  }

  /**
   * Starts the recording: session.json holds the resolved config and the venue's
   * instrument (a replay runs exactly that), instrument.json the instrument's spec (so
   * `lockstep backtest --data DIR` needs no flags).
   */
  async open(facts: { mode: string; strategy: string; config: unknown; instrument: Instrument }): Promise<void> {
    await makeDir(this.dir);
    await writeFile(join(this.dir, 'session.json'), JSON.stringify({ ...facts, started: new Date().toISOString() }, null, 2));
    await writeInstrumentSpec(this.dir, instrumentSpecOf(facts.instrument));
  }

  /**
   * The account as the strategy starts (after start-up reconciliation in live mode):
   * position, its average price, cash, and the ids of orders adopted from the exchange.
   * A replay starts from this state, its clock at the session's (what the strategy's
   * onStart read), and leaves the adopted orders out of the parity.
   */
  async start(state: { position: number; avgPrice: number; cash: number; adoptedOrders: string[]; clock: number }): Promise<void> {
    await writeFile(join(this.dir, 'start.json'), JSON.stringify(state, null, 2));
  }

  delta(d: BookDeltaView): void {
    const b = this.deltas;
    const i = b.length++;
    b.ts[i] = d.ts; b.tsLocal[i] = d.tsLocal; b.side[i] = d.side; b.price[i] = d.price; b.qty[i] = d.qty;
    b.flags[i] = (d.isSnapshot ? DeltaFlag.snapshot : 0) | (d.clear ? DeltaFlag.clear : 0) | (d.last ? DeltaFlag.last : 0);
    if (b.length === PART && d.last) this.flushDeltas();
    else if (b.length === PART) this.grow();
    else if (d.last) this.maybeFlush();
  }

  trade(t: TradeView): void {
    const b = this.trades;
    const i = b.length++;
    b.ts[i] = t.ts; b.tsLocal[i] = t.tsLocal; b.price[i] = t.price; b.qty[i] = t.qty; b.aggressor[i] = t.aggressor;
    if (b.length === PART) this.flushTrades();
    else this.maybeFlush();
  }

  quote(q: QuoteView): void {
    const b = this.quotes;
    const i = b.length++;
    b.ts[i] = q.ts; b.tsLocal[i] = q.tsLocal; b.bidPrice[i] = q.bidPrice; b.bidSize[i] = q.bidSize; b.askPrice[i] = q.askPrice; b.askSize[i] = q.askSize;
    if (b.length === PART) this.flushQuotes();
    else this.maybeFlush();
  }

  /** The bar history the strategy was warmed up with (`warmup.parquet`: a replay warms up with exactly these). */
  async warmUp(bars: readonly BarView[]): Promise<void> {
    await writeParquetFile(join(this.dir, WARMUP_FILE), {
      timestamp: microsColumn(bars.map((b) => b.ts)), open: Float64Array.from(bars, (b) => b.open), high: Float64Array.from(bars, (b) => b.high),
      low: Float64Array.from(bars, (b) => b.low), close: Float64Array.from(bars, (b) => b.close), volume: Float64Array.from(bars, (b) => b.volume),
    });
  }

  /** A stale-feed pause or resume, at the session's time (written at once: a replay repeats it where it happened). */
  control(c: SessionControl): void {
    appendFileSync(join(this.dir, CONTROL_FILE), `${JSON.stringify(c)}\n`);
  }

  /** A live bar as the strategy got it (its time is when it arrived: a replay delivers it at that point of the market). */
  bar(v: BarView): void {
    const b = this.bars;
    const i = b.length++;
    b.ts[i] = v.tsLocal; b.open[i] = v.open; b.high[i] = v.high; b.low[i] = v.low; b.close[i] = v.close; b.volume[i] = v.volume;
    if (b.length === BAR_PART) this.flushBars();
    else this.maybeFlush();
  }

  /** Writes what is buffered plus the orders, fills and final facts. */
  async close(orders: readonly Order[], fills: readonly Fill[], facts: Record<string, unknown>): Promise<void> {
    this.flushDeltas();
    this.flushTrades();
    this.flushQuotes();
    this.flushBars();
    await this.writing;
    await writeParquetFile(join(this.dir, 'fills.parquet'), {
      seq: Float64Array.from(fills, (f) => f.seq), ts: microsColumn(fills.map((f) => f.ts)), orderId: fills.map((f) => f.orderId),
      side: fills.map((f) => f.side), price: Float64Array.from(fills, (f) => f.price), qty: Float64Array.from(fills, (f) => f.qty),
      fee: Float64Array.from(fills, (f) => f.fee), liquidity: fills.map((f) => f.liquidity),
    });
    await writeParquetFile(join(this.dir, 'orders.parquet'), {
      id: orders.map((o) => o.id), side: orders.map((o) => o.side), type: orders.map((o) => o.type), qty: Float64Array.from(orders, (o) => o.qty),
      price: Float64Array.from(orders, (o) => o.price), status: orders.map((o) => o.status), filledQty: Float64Array.from(orders, (o) => o.filledQty),
      createdTs: microsColumn(orders.map((o) => o.createdTs)),
    });
    await writeFile(join(this.dir, 'summary.json'), JSON.stringify({ ...facts, ended: new Date().toISOString() }, null, 2));
  }

  /** A snapshot group may run past a part: keep it whole by growing the buffer. */
  private grow(): void {
    const b = allocDeltas(this.deltas.ts.length * 2);
    const o = this.deltas;
    b.length = o.length; b.ts.set(o.ts); b.tsLocal.set(o.tsLocal); b.side.set(o.side); b.price.set(o.price); b.qty.set(o.qty); b.flags.set(o.flags);
    this.deltas = b;
  }

  private flushDeltas(): void {
    const batch = this.deltas;
    if (batch.length > 0) this.deltas = allocDeltas(PART);
    this.writePart({ kind: 'deltas', batch });
  }

  private flushQuotes(): void {
    const batch = this.quotes;
    if (batch.length > 0) this.quotes = allocQuotes(PART);
    this.writePart({ kind: 'quotes', batch });
  }

  private flushTrades(): void {
    const batch = this.trades;
    if (batch.length > 0) this.trades = allocTrades(PART);
    this.writePart({ kind: 'trades', batch });
  }

  /** Bars as a bar file the bar readers take: timestamp, open, high, low, close, volume. */
  private flushBars(): void {
    const b = this.bars;
    if (b.length === 0) return;
    this.bars = allocBarBatch(BAR_PART);
    const n = b.length;
    this.queuePart('bars', (file) => writeParquetFile(file, {
      timestamp: microsColumn(b.ts.subarray(0, n)), open: b.open.slice(0, n), high: b.high.slice(0, n), low: b.low.slice(0, n), close: b.close.slice(0, n), volume: b.volume.slice(0, n),
    }));
  }

  private writePart(part: TickBatch): void {
    if (part.batch.length > 0) this.queuePart(part.kind, (file) => writeTickParquet(file, part));
  }

  /** Queues the next `KIND-NNNNN.parquet` part (writes stay in order). */
  private queuePart(kind: PartKind, write: (file: string) => Promise<void>): void {
    const name = partName(kind, this.parts[kind]++);
    // Written under a hidden name and renamed when complete: a crash never leaves a torn part a replay would read.
    const tmp = join(this.dir, `.${name}.tmp`);
    this.writing = this.writing.then(() => write(tmp)).then(() => rename(tmp, join(this.dir, name)));
  }
}
