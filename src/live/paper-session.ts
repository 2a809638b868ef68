import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { BarView, QuoteView, TradeView } from '../core/events.ts';
import type { Instrument } from '../core/instrument.ts';
import { Engine } from '../engine/engine.ts';
import { MemoryLogger } from '../engine/logger.ts';
import { RiskEngine, type RiskLimits } from '../engine/risk-engine.ts';
import type { StrategyDefinition } from '../engine/strategy.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import type { ExecutionClient } from '../engine/execution-client.ts';
import type { FeeModel } from '../sim/fee-model.ts';
import { constantLatency, type LatencyModel } from '../sim/latency-model.ts';
import { riskAverseQueue, type QueueModel } from '../sim/queue-model.ts';
import { BookDiff } from './book-diff.ts';
import { SessionRecorder } from './session-recorder.ts';
import { LiveClock } from './live-clock.ts';

/** The slice of a ccxt.pro exchange a live session uses (public market streams). */
export interface MarketStreams {
  watchOrderBook(symbol: string, limit?: number): Promise<{ bids: number[][]; asks: number[][]; timestamp?: number }>;
  watchTrades(symbol: string): Promise<Array<{ id?: string; timestamp?: number; price: number; amount: number; side?: string }>>;
  /** Best bid/ask stream (Binance bookTicker); used when `quotes` is on. */
  watchBidsAsks?(symbols: string[]): Promise<Record<string, { bid?: number; bidVolume?: number; ask?: number; askVolume?: number }>>;
  /** Candles [openTimeMs, o, h, l, c, v] (Binance kline stream); used when `barTimeframe` is set. */
  watchOHLCV?(symbol: string, timeframe: string): Promise<number[][]>;
  close(): Promise<unknown>;
}

export interface PaperSessionOptions {
  strategy: StrategyDefinition;
  /** Validated strategy params. */
  params: unknown;
  exchange: MarketStreams;
  /** ccxt symbol, e.g. BTC/USDT. */
  symbol: string;
  instrument: Instrument;
  cash: number;
  fees: FeeModel;
  latency?: LatencyModel;
  queue?: QueueModel;
  risk?: RiskLimits;
  /** Stop after this many market events (tests) … */
  maxEvents?: number;
  /** … or after this long. */
  maxMillis?: number;
  /** Book depth requested from the exchange. */
  depth?: number;
  /** Also stream top-of-book quotes (strategy `onQuote`; recorded as quotes-*.parquet). */
  quotes?: boolean;
  /** Also stream bars of this ccxt timeframe ('1s', '1m', …): each candle reaches `onBar` once it has closed. */
  barTimeframe?: string;
  /** Record the session (market events, orders, fills) into this folder. */
  record?: string;
  /**
   * No market event for this long (ms, default 5,000) marks the feed stale: every open
   * order is cancelled (nothing rests unattended) and new orders are paused until events
   * flow again.
   */
  staleMillis?: number;
  /** Exchange clock, for the clock-skew measurement (e.g. ccxt's fetchTime). */
  exchangeTime?: () => Promise<number>;
  /** Signals that trip the kill switch and end the session (default SIGINT, SIGTERM). */
  killSignals?: readonly NodeJS.Signals[];
  /**
   * Live mode: where orders go instead of the simulated venue, and what to adopt from the
   * venue before the strategy starts (open orders, balances).
   */
  live?: {
    execution: (clock: LiveClock, logger: MemoryLogger) => ExecutionClient & { close(): Promise<void>; settle(timeoutMs: number): Promise<string[]> };
    reconcile?: (engine: Engine, clock: LiveClock) => Promise<void>;
    /** Client order id prefix, unique per session (ids stay unique across restarts). */
    orderIdPrefix: string;
    /** Cancel every open order when the session ends (so nothing rests unattended). */
    cancelAtEnd?: boolean;
  };
}

/** Latency percentiles in µs. */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** What a session produced. */
export interface PaperSessionResult {
  readonly engine: Engine;
  readonly events: number;
  readonly reconnects: number;
  readonly logger: MemoryLogger;
  /** Book update handed to Lockstep by ccxt → order(s) handed to the venue, per decision. */
  readonly tickToTrade: LatencyStats;
  /** Event-loop delay (µs) sampled during the session. */
  readonly eventLoopLag: LatencyStats;
  /** Garbage-collection pauses. */
  readonly gc: { count: number; totalMs: number; maxMs: number };
  /** Times the feed went stale (orders cancelled, trading paused). */
  readonly staleEpisodes: number;
  /** Exchange clock minus local clock at start (ms, NaN when not measured). */
  readonly clockSkewMs: number;
}

function stats(xs: number[]): LatencyStats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN);
  return { count: s.length, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: s.length ? s[s.length - 1] : Number.NaN };
}

/**
 * Paper trading: the live order book and trades (through ccxt.pro) become the same
 * normalized events a replay produces, drive the same engine and strategy, and orders
 * fill in the simulated L2 venue against the live book. Time is the local receive time;
 * a stream that fails (socket dropped, sequence gap) is watched again, which makes ccxt
 * reconnect and re-snapshot, and the book is rebuilt from that snapshot.
 */
export async function runPaperSession(o: PaperSessionOptions): Promise<PaperSessionResult> {
  const clock = new LiveClock();
  const logger = new MemoryLogger(() => clock.now());
  const live = o.live?.execution(clock, logger);
  const venue = live ?? new L2Venue({ instruments: [o.instrument], clock, fees: o.fees, latency: o.latency ?? constantLatency(0, 0), queue: o.queue ?? riskAverseQueue });
  const engine = new Engine({
    instruments: [o.instrument], cash: o.cash, strategy: o.strategy.create(o.params as never), venue, clock, logger,
    ...(o.live ? { orderIdPrefix: o.live.orderIdPrefix, onIllegalOrderEvent: 'log' as const } : {}),
    books: new L2BookKeeper(1, 'ignore'), equityIntervalMicros: 1_000_000, ...(o.risk ? { risk: new RiskEngine(o.risk) } : {}),
  });
  clock.onWake = (now) => engine.advanceClock(now);
  const diff = new BookDiff();
  // Every market event gets a strictly later local time than the one before (µs), so the
  // recording replays in exactly the order the engine saw (no ties between kinds).
  let lastStamp = 0;
  let lastEventWall = Date.now();
  const stamp = (): number => {
    lastEventWall = Date.now();
    if (engine.pausedReason !== null && staleEpisodes > 0) engine.resumeTrading();
    return (lastStamp = Math.max(clock.now(), lastStamp + 1));
  };
  let staleEpisodes = 0;
  const staleMs = o.staleMillis ?? 5000;
  const watchdog = setInterval(() => {
    if (engine.pausedReason === null && Date.now() - lastEventWall > staleMs) {
      staleEpisodes++;
      engine.pauseTrading(`no market data for ${staleMs} ms`);
      engine.cancelOpenOrders();
    }
  }, Math.min(250, staleMs / 4));
  watchdog.unref?.();
  let clockSkewMs = Number.NaN;
  if (o.exchangeTime) {
    try {
      const t0 = Date.now();
      const server = await o.exchangeTime();
      clockSkewMs = server - (t0 + Date.now()) / 2;
      logger.info('clock skew measured', { clockSkewMs });
    } catch (e) {
      logger.warn('clock skew not measured', { error: String(e) });
    }
  }
  const decisions: number[] = [];
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const gc = { count: 0, totalMs: 0, maxMs: 0 };
  const gcObs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { gc.count++; gc.totalMs += e.duration; gc.maxMs = Math.max(gc.maxMs, e.duration); }
  });
  gcObs.observe({ entryTypes: ['gc'] });
  let events = 0;
  let reconnects = 0;
  let stopped = false;
  const t0 = Date.now();
  const done = () => stopped || (o.maxEvents !== undefined && events >= o.maxEvents) || (o.maxMillis !== undefined && Date.now() - t0 >= o.maxMillis);
  const recorder = o.record ? new SessionRecorder(o.record) : null;
  await recorder?.open({
    mode: o.live ? 'live' : 'paper', strategy: o.strategy.name, params: o.params, symbol: o.symbol, instrument: o.instrument, cash: o.cash,
    fees: o.fees.name, latency: o.latency?.name ?? 'constant(0,0)', queue: (o.queue ?? riskAverseQueue).name, risk: o.risk ?? null,
  });
  // A signal (Ctrl-C, `lockstep kill`) trips the kill switch: open orders cancelled, session ended.
  const onSignal = (sig: NodeJS.Signals) => {
    engine.kill(`signal ${sig}`);
    stopped = true;
    void o.exchange.close();
  };
  const signals = o.killSignals ?? ['SIGINT', 'SIGTERM'];
  for (const sig of signals) process.on(sig, onSignal);
  if (o.live?.reconcile) await o.live.reconcile(engine, clock);
  const pv = engine.portfolio.view(0);
  await recorder?.start({ position: pv.qty, avgPrice: pv.avgPrice, cash: engine.portfolio.cash, adoptedOrders: engine.orders.map((x) => x.id) });
  engine.start();
  /**
   * Runs a market stream until the session ends: each update that arrives before the end is
   * handed to `handle`; a failed watch is watched again after a short backoff.
   */
  const watchLoop = <T>(name: string, watch: () => Promise<T>, handle: (update: T) => void) => (async () => {
    while (!done()) {
      let update: T;
      try {
        update = await watch();
      } catch (e) {
        if (done()) break;
        reconnects++;
        logger.warn(`${name} stream failed; watching again`, { error: String(e) });
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (stopped) break; // the session ended while this watch was pending
      handle(update);
    }
  })();
  const books = (async () => {
    while (!done()) {
      let ob;
      try {
        ob = await o.exchange.watchOrderBook(o.symbol, o.depth);
      } catch (e) {
        if (done()) break;
        reconnects++;
        logger.warn('order book stream failed; watching again (reconnect + re-snapshot)', { error: String(e) });
        diff.reset();
        await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** Math.min(reconnects, 6))));
        continue;
      }
      if (stopped) break; // the session ended while this watch was pending
      const received = performance.now();
      const ordersBefore = engine.orders.length;
      const now = stamp();
      for (const d of diff.diff(ob.bids, ob.asks, now, now, o.instrument.id, 0)) {
        recorder?.delta(d);
        engine.onBookDelta(d);
        events++;
      }
      if (engine.orders.length > ordersBefore) decisions.push((performance.now() - received) * 1000);
    }
  })();
  let lastId: string | undefined;
  let lastTs = -Infinity;
  const trades = watchLoop('trade', () => o.exchange.watchTrades(o.symbol), (list) => {
    // ccxt keeps a rolling cache: deliver only trades not seen yet.
    let start = 0;
    if (lastId !== undefined) {
      const k = list.findIndex((x) => x.id === lastId);
      start = k >= 0 ? k + 1 : list.findIndex((x) => (x.timestamp ?? 0) > lastTs);
      if (start < 0) start = list.length;
    }
    for (const x of list.slice(start)) {
      const now = stamp();
      const v: TradeView = { instrumentId: o.instrument.id, instrumentIndex: 0, ts: now, tsLocal: now, price: x.price, qty: x.amount, aggressor: x.side === 'buy' ? 1 : x.side === 'sell' ? -1 : 0 };
      recorder?.trade(v);
      engine.onTrade(v);
      events++;
      lastId = x.id;
      lastTs = x.timestamp ?? lastTs;
    }
  });
  const quoteStream = o.quotes ? watchLoop('quote', () => o.exchange.watchBidsAsks!([o.symbol]), (all) => {
    const t = all[o.symbol];
    if (!t || !(t.bid! > 0) || !(t.ask! > 0)) return;
    const now = stamp();
    const v: QuoteView = { instrumentId: o.instrument.id, instrumentIndex: 0, ts: now, tsLocal: now, bidPrice: t.bid!, bidSize: t.bidVolume ?? 0, askPrice: t.ask!, askSize: t.askVolume ?? 0 };
    recorder?.quote(v);
    engine.onQuote(v);
    events++;
  }) : null;
  // A candle is complete once a later one appears: then it goes to the strategy, once.
  let barOpen = -Infinity;
  let lastCandle: number[] | null = null;
  const barStream = o.barTimeframe ? watchLoop('bar', () => o.exchange.watchOHLCV!(o.symbol, o.barTimeframe!), (candles) => {
    for (const c of candles) {
      if (c[0] < barOpen) continue;
      if (c[0] > barOpen && lastCandle !== null && lastCandle[0] === barOpen) {
        const now = stamp();
        const v: BarView = { instrumentId: o.instrument.id, instrumentIndex: 0, ts: now, tsLocal: now, open: lastCandle[1], high: lastCandle[2], low: lastCandle[3], close: lastCandle[4], volume: lastCandle[5] };
        recorder?.bar(v);
        engine.onBar(v);
        events++;
      }
      barOpen = c[0];
      lastCandle = c;
    }
  }) : null;
  // At the deadline, closing the streams unblocks watchers waiting on a quiet market.
  const timer = o.maxMillis !== undefined ? setTimeout(() => { stopped = true; void o.exchange.close(); }, o.maxMillis) : null;
  await Promise.race([books, trades, ...(quoteStream ? [quoteStream] : []), ...(barStream ? [barStream] : [])]);
  stopped = true;
  if (timer) clearTimeout(timer);
  engine.stop();
  // Paper: let requests still travelling to the simulated venue (cancels after a kill) arrive.
  if (!live) {
    const later = clock.now() + 60_000_000;
    (venue as L2Venue).sync(later, later);
  }
  if (o.live?.cancelAtEnd) {
    engine.cancelOpenOrders();
    const open = (await live?.settle(5000)) ?? [];
    if (open.length > 0) logger.error('orders still open at the exchange after the end-of-session cancel', { orders: open });
  } else if (live) {
    await live.settle(1000);
  }
  await live?.close();
  clock.close();
  for (const sig of signals) process.off(sig, onSignal);
  clearInterval(watchdog);
  lag.disable();
  gcObs.disconnect();
  const lagStats = { count: lag.count, p50: lag.percentile(50) / 1000, p99: lag.percentile(99) / 1000, p999: lag.percentile(99.9) / 1000, max: lag.max / 1000 };
  await recorder?.close(engine.orders, engine.fills, { events, reconnects, staleEpisodes, clockSkewMs, killSwitch: engine.killReason, position: engine.portfolio.position(0), equity: engine.portfolio.equity() });
  await o.exchange.close();
  await Promise.allSettled([books, trades]);
  return { engine, events, reconnects, logger, tickToTrade: stats(decisions), eventLoopLag: lagStats, gc, staleEpisodes, clockSkewMs };
}
