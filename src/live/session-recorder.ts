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

const PART = 65_536;

/**
 * Records a live or paper session into a folder: the market events exactly as the engine
 * saw them (normalized deltas-/trades- Parquet parts, so `lockstep backtest --data DIR`
 * replays them), and at the end the orders, fills and session facts.
 */
export class SessionRecorder {
  private deltas: DeltaBatch = allocDeltas(PART);
  private trades: TradeBatch = allocTrades(PART);
  private quotes: QuoteBatch = allocQuotes(PART);
  private readonly bars: BarView[] = [];
  /** Parts written so far, per kind. */
  private readonly parts: Record<TickBatch['kind'], number> = { deltas: 0, trades: 0, quotes: 0 };
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
   * A replay starts from this state and leaves the adopted orders out of the parity.
   */
  async start(state: { position: number; avgPrice: number; cash: number; adoptedOrders: string[] }): Promise<void> {
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

  /** Live bars (kept in memory; written as bars.parquet at the end, for reference). */
  bar(v: BarView): void {
    this.bars.push({ ...v });
  }

  /** Writes what is buffered plus the orders, fills and final facts. */
  async close(orders: readonly Order[], fills: readonly Fill[], facts: Record<string, unknown>): Promise<void> {
    this.flushDeltas();
    this.flushTrades();
    this.flushQuotes();
    await this.writing;
    if (this.bars.length > 0) {
      const bs = this.bars;
      await writeParquetFile(join(this.dir, 'bars.parquet'), {
        timestamp: microsColumn(bs.map((b) => b.ts)), open: Float64Array.from(bs, (b) => b.open), high: Float64Array.from(bs, (b) => b.high),
        low: Float64Array.from(bs, (b) => b.low), close: Float64Array.from(bs, (b) => b.close), volume: Float64Array.from(bs, (b) => b.volume),
      });
    }
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

  /** Queues a filled buffer as the next `KIND-NNNNN.parquet` part (writes stay in order). */
  private writePart(part: TickBatch): void {
    if (part.batch.length === 0) return;
    const name = `${part.kind}-${String(this.parts[part.kind]++).padStart(5, '0')}.parquet`;
    // Written under a hidden name and renamed when complete: a crash never leaves a torn part a replay would read.
    const tmp = join(this.dir, `.${name}.tmp`);
    this.writing = this.writing.then(() => writeTickParquet(tmp, part)).then(() => rename(tmp, join(this.dir, name)));
  }
}
