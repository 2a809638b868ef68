import type { QuoteView, TradeView } from '../core/events.ts';
import { singleBarView } from '../data/column-bar-view.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Engine } from '../engine/engine.ts';
import type { Logger } from '../engine/logger.ts';
import type { FeedStatus } from '../engine/session-parts.ts';
import { BookDiff } from './book-diff.ts';
import type { LiveClock } from './live-clock.ts';
import type { SessionRecorder } from './session-recorder.ts';

/** The slice of a ccxt.pro exchange a live session uses (public market streams). */
export interface MarketStreams {
  watchOrderBook(symbol: string, limit?: number): Promise<{ bids: number[][]; asks: number[][]; timestamp?: number }>;
  watchTrades(symbol: string): Promise<Array<{ id?: string; timestamp?: number; price: number; amount: number; side?: string }>>;
  /** Best bid/ask stream (Binance bookTicker); used when `quotes` is on. */
  watchBidsAsks?(symbols: string[]): Promise<Record<string, { bid?: number; bidVolume?: number; ask?: number; askVolume?: number }>>;
  /** Candles [openTimeMs, o, h, l, c, v] (Binance kline stream); used when `bars` is set. */
  watchOHLCV?(symbol: string, timeframe: string): Promise<number[][]>;
  /** Recent candles over REST (warm-up history); the last may still be open. */
  fetchOHLCV?(symbol: string, timeframe: string, since?: number, limit?: number): Promise<number[][]>;
  close(): Promise<unknown>;
}

export interface StreamOptions {
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly depth?: number;
  readonly quotes: boolean;
  readonly barTimeframe?: string;
  readonly maxEvents?: number;
  readonly maxMillis?: number;
  /** No market event for this long (ms) cancels open orders and pauses trading until events flow again. */
  readonly staleMillis: number;
  readonly recorder: SessionRecorder | null;
  readonly logger: Logger;
  /** After the kill switch trips, the session ends once no order is open, or after this long (ms). */
  readonly killDrainMillis: number;
  /** Trading paused for a stale feed this long (ms), or the venue silent this long, trips the kill switch. */
  readonly maxOutageMillis: number;
  /** How long the venue has not answered while it has work (live order routing; 0: answering or idle). */
  readonly venueSilentMillis?: () => number;
  /** Before trading resumes after a stale feed (live: re-read every open order from the venue). */
  readonly beforeResume?: () => Promise<void>;
}

/**
 * Drives an engine from a ccxt.pro exchange's public streams: the order book (diffed into
 * the engine's deltas), trades, and optionally best bid/ask and closed candles become the
 * same normalized events a replay produces. Time is the local receive time, strictly
 * increasing per event, so a recording replays in exactly the order the engine saw. A
 * failed watch is watched again (ccxt reconnects and re-snapshots); a feed silent for
 * `staleMillis` cancels every open order and pauses new ones until data flows again.
 */
export class StreamDriver {
  events = 0;
  reconnects = 0;
  staleEpisodes = 0;
  /** Book update received → order(s) handed to the venue, per decision (µs). */
  readonly decisions: number[] = [];
  private stopped = false;
  private lastStamp = 0;
  private lastEventWall = Date.now();
  private readonly diff = new BookDiff();
  private readonly t0 = Date.now();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private killedAt: number | null = null;
  /** Candles opening at or before this time (ms) were replayed as warm-up history: not delivered again. */
  private barsAfter = -Infinity;
  /** Wall time trading was paused for a stale feed (NaN while not). */
  private staleSince = Number.NaN;
  private resuming = false;

  constructor(private readonly ex: MarketStreams, private readonly o: StreamOptions, private readonly engine: Engine, private readonly clock: LiveClock) {}

  /** Candles up to this open time (ms) reached the strategy as warm-up history. */
  skipBarsUntil(openMs: number): void {
    this.barsAfter = openMs;
  }

  /** Figures for the status line. */
  status(): FeedStatus {
    const d = this.decisions;
    return { uptimeSeconds: (Date.now() - this.t0) / 1000, events: this.events, feedLagMillis: Date.now() - this.lastEventWall, lastTickToTradeMicros: d.length ? d[d.length - 1] : Number.NaN };
  }

  /** Ends the session: pending watches are abandoned as they return. */
  stop(): void {
    this.stopped = true;
  }

  private done(): boolean {
    const o = this.o;
    return this.stopped || this.killDrained() || (o.maxEvents !== undefined && this.events >= o.maxEvents) || (o.maxMillis !== undefined && Date.now() - this.t0 >= o.maxMillis);
  }

  /**
   * A tripped kill switch ends the session once its cancels and flatten orders have ended
   * (market data keeps flowing meanwhile: paper fills need the book), or after the drain time.
   */
  private killDrained(): boolean {
    if (this.engine.killReason === null) return false;
    this.killedAt ??= Date.now();
    return this.engine.openOrders().length === 0 || Date.now() - this.killedAt >= this.o.killDrainMillis;
  }

  /** Runs every stream until the session ends; resolves with the number of market events. */
  async run(): Promise<number> {
    this.startWatchdog();
    const deadline = this.o.maxMillis !== undefined ? setTimeout(() => this.close(), this.o.maxMillis) : null;
    const loops = [this.books(), this.trades()];
    if (this.o.quotes) loops.push(this.quotesLoop());
    if (this.o.barTimeframe) loops.push(this.barsLoop());
    try {
      await Promise.race(loops);
    } finally {
      this.stopped = true;
      if (deadline) clearTimeout(deadline);
      if (this.watchdog) clearInterval(this.watchdog);
    }
    return this.events;
  }

  /** Stops and closes the streams (unblocks watches waiting on a quiet market). */
  close(): void {
    this.stopped = true;
    void this.ex.close();
  }

  /** Every market event gets a strictly later local time than the one before (µs). */
  private stamp(): number {
    this.lastEventWall = Date.now();
    if (!Number.isNaN(this.staleSince)) this.resume();
    return (this.lastStamp = Math.max(this.clock.wall(), this.lastStamp + 1));
  }

  /** Data flows again: the venue's view is re-read first, then trading resumes. */
  private resume(): void {
    if (this.resuming) return;
    this.resuming = true;
    const outage = Date.now() - this.staleSince;
    void (this.o.beforeResume?.() ?? Promise.resolve()).catch((e: unknown) => {
      this.o.logger.warn('re-reading orders after the outage failed', { error: String(e).slice(0, 200) });
    }).then(() => {
      this.resuming = false;
      if (Number.isNaN(this.staleSince)) return;
      this.staleSince = Number.NaN;
      this.o.logger.info('market data back', { outageMillis: outage });
      this.engine.resumeTrading();
      this.o.recorder?.control({ kind: 'resume', ts: this.clock.now() });
    });
  }

  private startWatchdog(): void {
    const ms = this.o.staleMillis;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      if (!this.stopped && this.killDrained()) this.close(); // a quiet market must not hold a killed session open
      else if (this.engine.killReason === null && this.outage(now) !== null) this.killForOutage(this.outage(now)!);
      else if (this.engine.pausedReason === null && now - this.lastEventWall > ms) {
        this.staleEpisodes++;
        this.staleSince = now;
        const reason = `no market data for ${ms} ms`;
        this.o.recorder?.control({ kind: 'pause', ts: this.clock.now(), reason });
        this.engine.pauseTrading(reason);
        this.engine.cancelOpenOrders();
      }
    }, Math.min(250, ms / 4));
    this.watchdog.unref?.();
  }

  /** An outage lasted too long: the kill switch trips (recorded, so a replay trips it at the same point). */
  private killForOutage(reason: string): void {
    this.o.recorder?.control({ kind: 'kill', ts: this.clock.now(), reason });
    this.engine.kill(reason);
  }

  /** Why the outage has lasted too long, or null. */
  private outage(now: number): string | null {
    const max = this.o.maxOutageMillis;
    if (!Number.isNaN(this.staleSince) && now - this.staleSince > max) return `outage: no market data for over ${max / 1000} s`;
    const silent = this.o.venueSilentMillis?.() ?? 0;
    return silent > max ? `outage: the venue has not answered for over ${max / 1000} s` : null;
  }

  /** Watches one stream until the session ends, handing each update to `handle`; a failed watch is retried. */
  /**
   * Watches one stream until the session ends. A failed watch (socket reset, connection
   * refused, venue restarting) is retried with exponential backoff (20 ms to 2 s); the first
   * failure of a run of them is a warning, the recovery an info line — never a crash.
   */
  private async watchLoop<T>(name: string, watch: () => Promise<T>, handle: (update: T) => void, onReconnect: () => void = () => {}): Promise<void> {
    let failures = 0;
    while (!this.done()) {
      let update: T;
      try {
        update = await watch();
      } catch (e) {
        if (this.done()) break;
        if (failures++ === 0) {
          this.reconnects++;
          this.o.logger.warn(`${name} stream failed; watching again`, { error: String(e).slice(0, 200) });
        }
        onReconnect();
        await new Promise((r) => setTimeout(r, Math.min(2000, 20 * 2 ** Math.min(failures, 7))));
        continue;
      }
      if (this.stopped) break; // the session ended while this watch was pending
      if (failures > 0) this.o.logger.info(`${name} stream back`, { failedWatches: failures });
      failures = 0;
      handle(update);
    }
  }

  private books(): Promise<void> {
    const { symbol, instrument, depth, recorder } = this.o;
    return this.watchLoop('order book', () => this.ex.watchOrderBook(symbol, depth), (ob) => {
      const received = performance.now();
      const before = this.engine.orderLog.length;
      const now = this.stamp();
      for (const d of this.diff.diff(ob.bids, ob.asks, now, now, instrument.id, 0)) {
        recorder?.delta(d);
        this.engine.onBookDelta(d);
        this.events++;
      }
      if (this.engine.orderLog.length > before) this.decisions.push((performance.now() - received) * 1000);
    }, () => this.diff.reset()); // the reconnect brings a new snapshot
  }

  private trades(): Promise<void> {
    const { symbol, instrument, recorder } = this.o;
    let lastId: string | undefined;
    let lastTs = -Infinity;
    return this.watchLoop('trade', () => this.ex.watchTrades(symbol), (list) => {
      // ccxt keeps a rolling cache: deliver only trades not seen yet.
      let start = 0;
      if (lastId !== undefined) {
        const k = list.findIndex((x) => x.id === lastId);
        start = k >= 0 ? k + 1 : list.findIndex((x) => (x.timestamp ?? 0) > lastTs);
        if (start < 0) start = list.length;
      }
      for (const x of list.slice(start)) {
        const now = this.stamp();
        const v: TradeView = { instrumentId: instrument.id, instrumentIndex: 0, ts: now, tsLocal: now, price: x.price, qty: x.amount, aggressor: x.side === 'buy' ? 1 : x.side === 'sell' ? -1 : 0 };
        recorder?.trade(v);
        this.engine.onTrade(v);
        this.events++;
        lastId = x.id;
        lastTs = x.timestamp ?? lastTs;
      }
    });
  }

  private quotesLoop(): Promise<void> {
    const { symbol, instrument, recorder } = this.o;
    return this.watchLoop('quote', () => this.ex.watchBidsAsks!([symbol]), (all) => {
      const t = all[symbol];
      if (!t || !(t.bid! > 0) || !(t.ask! > 0)) return;
      const now = this.stamp();
      const v: QuoteView = { instrumentId: instrument.id, instrumentIndex: 0, ts: now, tsLocal: now, bidPrice: t.bid!, bidSize: t.bidVolume ?? 0, askPrice: t.ask!, askSize: t.askVolume ?? 0 };
      recorder?.quote(v);
      this.engine.onQuote(v);
      this.events++;
    });
  }

  /** A candle is complete once a later one appears: then it goes to the strategy, once. */
  private barsLoop(): Promise<void> {
    const { symbol, instrument, recorder, barTimeframe } = this.o;
    let barOpen = -Infinity;
    let last: number[] | null = null;
    // One reused view over the candle's own columns: the kind of bar a backtest's strategy gets.
    const bar = singleBarView(instrument.id, 0);
    return this.watchLoop('bar', () => this.ex.watchOHLCV!(symbol, barTimeframe!), (candles) => {
      for (const c of candles) {
        if (c[0] < barOpen) continue;
        if (c[0] > barOpen && last !== null && last[0] === barOpen && barOpen > this.barsAfter) {
          const now = this.stamp();
          bar.set(now, last[1], last[2], last[3], last[4], last[5]);
          recorder?.bar(bar.view);
          this.engine.onBar(bar.view);
          this.events++;
        }
        barOpen = c[0];
        last = c;
      }
    });
  }
}
