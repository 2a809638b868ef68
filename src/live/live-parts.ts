import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { L2BookKeeper } from '../book/book-keeper.ts';
import type { SessionConfig } from '../config/session-config.ts';
import { ConfigError } from '../core/errors.ts';
import type { Instrument } from '../core/instrument.ts';
import type { Engine } from '../engine/engine.ts';
import type { ExecutionClient } from '../engine/execution-client.ts';
import type { Logger } from '../engine/logger.ts';
import type { SessionParts } from '../engine/session-parts.ts';
import { L2Venue } from '../sim/l2-venue.ts';
import { feeModelOf, latencyModelOf, queueModelOf } from '../sim/models-from-config.ts';
import type { CcxtExecution, CcxtExecutionOptions } from './ccxt-execution.ts';
import type { CcxtTrading } from './ccxt-order.ts';
import type { CcxtAccount, positionGap } from './ccxt-reconcile.ts';
import { LiveClock } from './live-clock.ts';
import { StreamDriver, type MarketStreams } from './market-streams.ts';
import { SessionRecorder } from './session-recorder.ts';
import { JournaledVenue, SessionJournal } from './session-journal.ts';
import type { StrayOrder } from './venue-audit.ts';
import { removeSessionLock, writeSessionLock } from './session-lock.ts';
import { makeDirSync } from '../core/files.ts';

/** Latency percentiles in µs. */
export interface LatencyStats {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** What a paper/live session measured, besides the result every mode has. */
export interface LiveStats {
  readonly mode: 'paper' | 'live';
  readonly record: string | null;
  readonly reconnects: number;
  /** Times the feed went stale (orders cancelled, trading paused). */
  readonly staleEpisodes: number;
  /** Exchange clock minus local clock at start (ms, NaN when not measured). */
  readonly clockSkewMs: number;
  /** Book update handed to Lockstep by ccxt → order(s) handed to the venue, per decision. */
  readonly tickToTrade: LatencyStats;
  /** Event-loop delay sampled during the session (µs). */
  readonly eventLoopLag: LatencyStats;
  readonly gc: { count: number; totalMs: number; maxMs: number };
  /** Orders still open at the venue when the session ended (ids). */
  readonly leftOpen: readonly string[];
  /**
   * Orders the exchange listed as open (checked every 30 s and at the end; live) that the
   * session had counted as ended: its view of them diverged. Cancelled by the check (at the
   * end unless orders are kept); one not confirmed cancelled at the end is in `leftOpen` too.
   */
  readonly strays: readonly StrayOrder[];
  /**
   * The end-of-session position check (live): the exchange's holding of the base asset
   * minus the session's position (less fees charged in the base asset). 0 when they agree
   * to within half a lot; NaN when not checked (paper) or the balance could not be read.
   * Anything else is fills the session never counted (or trading on the account by others).
   */
  readonly positionGap: number;
  /**
   * Commissions the exchange charged in assets other than the base and the quote (live;
   * quantities by asset, e.g. BNB on Binance with its discount on). Each is valued at the
   * exchange's price of its asset in the quote and is in the session's fees and P&L, except
   * those in `unvaluedFees`. Empty in paper mode.
   */
  readonly feesInOtherAssets: Readonly<Record<string, number>>;
  /** The part of `feesInOtherAssets` no price could be read for (quantities by asset): not in the session's fees or P&L. */
  readonly unvaluedFees: Readonly<Record<string, number>>;
}

/** A ccxt.pro exchange as a session uses it. */
export type LiveExchange = MarketStreams & CcxtTrading & Partial<CcxtAccount> & { fetchTime?(): Promise<number> };

/** What a paper/live session is given besides its config. */
export interface LiveEnv {
  /** The connected exchange (its markets loaded). */
  readonly exchange: LiveExchange;
  /** The resolved instrument (the venue's rules). */
  readonly instrument: Instrument;
  /** Signals that trip the kill switch and end the session (default SIGINT, SIGTERM). */
  readonly killSignals?: readonly NodeJS.Signals[];
  /** Live order routing tuning (tests poll faster). */
  readonly execution?: CcxtExecutionOptions;
  /** Session folder, resolved (null: no recording). */
  readonly record: string | null;
  /** True for a ccxt network failure (ccxt.pro rejects some of its own promises on a lost socket with nobody awaiting them). */
  readonly isNetworkError?: (e: unknown) => boolean;
  /** Live: the classes that route and reconcile orders (loaded with ccxt only when needed). */
  readonly live?: {
    readonly CcxtExecution: typeof CcxtExecution;
    readonly reconcile: (ex: CcxtAccount, symbol: string, base: string, quote: string, instrument: Instrument, engine: Engine, exec: CcxtExecution, now: number) => Promise<{ adopted: number }>;
    readonly positionGap: typeof positionGap;
  };
}

/** How long a killed session waits for its cancels and flatten orders to end before it closes anyway. */
const KILL_DRAIN_MILLIS = 2000;

function openJournal(dir: string): SessionJournal {
  makeDirSync(dir);
  return new SessionJournal(dir);
}

function stats(xs: readonly number[]): LatencyStats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN);
  return { count: s.length, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: s.length ? s[s.length - 1] : Number.NaN };
}

/** Event-loop lag and garbage-collection pauses while a session runs. */
class RuntimeMonitor {
  private readonly lag = monitorEventLoopDelay({ resolution: 1 });
  readonly gc = { count: 0, totalMs: 0, maxMs: 0 };
  private readonly obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { this.gc.count++; this.gc.totalMs += e.duration; this.gc.maxMs = Math.max(this.gc.maxMs, e.duration); }
  });
  constructor() {
    this.lag.enable();
    this.obs.observe({ entryTypes: ['gc'] });
  }
  lagStats(): LatencyStats {
    const l = this.lag;
    return { count: l.count, p50: l.percentile(50) / 1000, p99: l.percentile(99) / 1000, p999: l.percentile(99.9) / 1000, max: l.max / 1000 };
  }
  stop(): void {
    this.lag.disable();
    this.obs.disconnect();
  }
}

/** Where a session records (default reports/<mode>-<wall time>; null: a paper session told not to record). */
export function sessionFolder(cfg: SessionConfig, now = new Date()): string | null {
  if (cfg.session.record === false) return null;
  return resolve(cfg.session.record ?? join('reports', `${cfg.mode}-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}`));
}

/**
 * The paper and live modes of a session: the wall clock; the exchange's public streams as
 * market data; orders filled by the simulated L2 venue against the live book (paper) or
 * sent to the exchange through ccxt (live: open orders and balances adopted at start, open
 * orders cancelled at the end unless kept). Records the session as it runs; a signal or
 * `lockstep kill` trips the kill switch.
 */
export function liveParts(cfg: SessionConfig, env: LiveEnv, logger: Logger): SessionParts & { stats(): LiveStats } {
  const venueCfg = cfg.venue!;
  const mode = cfg.mode as 'paper' | 'live';
  // Paper: time is the events' receive stamps, so the simulated venue is a function of the recorded stream (its replay matches whatever the machine's load).
  const clock = new LiveClock(undefined, mode === 'paper' ? 'events' : 'wall');
  const instrument = env.instrument;
  const recorder = env.record ? new SessionRecorder(env.record) : null;
  const journal = env.record ? openJournal(env.record) : null;
  let exec: CcxtExecution | null = null;
  /** Commissions in assets other than the base and the quote (live), and those of them not valued, copied for the summary and the stats. */
  const otherFees = () => ({ feesInOtherAssets: { ...(exec?.chargedFees.other ?? {}) }, unvaluedFees: { ...(exec?.chargedFees.unvalued ?? {}) } });
  // Paper: the simulated venue applies each delta to the books the strategy reads.
  const books = new L2BookKeeper(1, 'ignore');
  const routed: ExecutionClient = mode === 'live'
    ? (exec = new env.live!.CcxtExecution(env.exchange, venueCfg.symbol, instrument, logger, env.execution ?? {}))
    : new L2Venue({
      instruments: [instrument], clock, books, latency: latencyModelOf(cfg.latency), queue: queueModelOf(cfg), checkCash: cfg.checkCash, shortMargin: cfg.shortMargin,
      fees: feeModelOf(cfg.commission),
    });
  // Every command and venue event is journaled as it happens: a crash loses nothing written before it.
  const venue: ExecutionClient = journal ? new JournaledVenue(routed, journal) : routed;
  let driver: StreamDriver | null = null;
  let monitor: RuntimeMonitor | null = null;
  let clockSkewMs = Number.NaN;
  let leftOpen: string[] = [];
  let strays: StrayOrder[] = [];
  let gap = Number.NaN;
  const signals = env.killSignals ?? ['SIGINT', 'SIGTERM'];
  let onSignal: ((sig: NodeJS.Signals) => void) | null = null;
  // A lost socket makes ccxt.pro reject promises nobody awaits (its connection futures): a
  // network fault, handled by the watch loops' reconnects, never a crash. Anything else
  // still fails the process as Node would.
  const onUnhandled = (reason: unknown) => {
    if (env.isNetworkError?.(reason)) logger.debug('ccxt network error outside a request (the streams reconnect)', { error: String(reason).slice(0, 200) });
    else setImmediate(() => { throw reason; });
  };
  return {
    clock, logTime: () => clock.wall(), instruments: [instrument], venue, books, equityIntervalMicros: 1_000_000, onIllegalOrderEvent: 'log',
    ...(mode === 'live' ? { orderIdPrefix: `ls${Date.now().toString(36)}-` } : {}),
    async prepare(engine) {
      clock.onWake = (now) => engine.advanceClock(now);
      clockSkewMs = await measureSkew(env.exchange, logger);
      await recorder?.open({ mode, strategy: cfg.strategy, config: cfg, instrument });
      if (env.record) writeSessionLock(env.record); // `lockstep kill` finds the session by it
      if (mode === 'live') await env.live!.reconcile(env.exchange as CcxtAccount, venueCfg.symbol, ...assets(venueCfg.symbol), instrument, engine, exec!, clock.now());
      const pv = engine.portfolio.view(0);
      await recorder?.start({ position: pv.qty, avgPrice: pv.avgPrice, cash: engine.portfolio.cash, adoptedOrders: engine.orders.map((x) => x.id), clock: clock.now() });
      journal?.note('start', { mode, position: pv.qty, avgPrice: pv.avgPrice, cash: engine.portfolio.cash, adoptedOrders: engine.orders.map((x) => x.id) });
      driver = new StreamDriver(env.exchange, {
        symbol: venueCfg.symbol, instrument, quotes: venueCfg.quotes, recorder, logger, staleMillis: cfg.session.staleMillis, killDrainMillis: KILL_DRAIN_MILLIS,
        maxOutageMillis: cfg.session.maxOutageSeconds * 1000,
        ...(exec ? { venueSilentMillis: () => exec!.silentMillis(), beforeResume: () => exec!.refreshOpen() } : {}),
        ...(venueCfg.depth ? { depth: venueCfg.depth } : {}), ...(venueCfg.bars ? { barTimeframe: venueCfg.bars } : {}),
        ...(cfg.session.maxEvents ? { maxEvents: cfg.session.maxEvents } : {}), ...(cfg.session.maxSeconds ? { maxMillis: cfg.session.maxSeconds * 1000 } : {}),
      }, engine, clock);
      // A signal (Ctrl-C, `lockstep kill`) trips the kill switch; the driver ends the session once it has done its work.
      // A second signal ends it at once (the end-of-session cancel still runs).
      onSignal = (sig) => {
        if (engine.killReason === null) {
          recorder?.control({ kind: 'kill', ts: clock.now(), reason: `signal ${sig}` }); // a replay trips it at the same point
          engine.kill(`signal ${sig}`);
        }
        else driver?.close();
      };
      for (const sig of signals) process.on(sig, onSignal);
      process.on('unhandledRejection', onUnhandled);
      monitor = new RuntimeMonitor();
    },
    warmUp: async (engine, n) => {
      const tf = venueCfg.bars;
      if (!tf || !env.exchange.fetchOHLCV) {
        logger.warn('no warm-up: the strategy asks for bar history; set venue.bars (--bars TF) to fetch it from the venue', { bars: n });
        return 0;
      }
      const candles = await closedCandles(env.exchange, venueCfg.symbol, tf, n);
      if (candles.length === 0) return 0;
      driver!.skipBarsUntil(candles[candles.length - 1][0]);
      const ms = timeframeMillis(tf);
      const bars = candles.map((c) => ({
        instrumentId: instrument.id, instrumentIndex: 0, ts: (c[0] + ms) * 1000, tsLocal: (c[0] + ms) * 1000, open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5],
      }));
      await recorder?.warmUp(bars);
      engine.warmUp(bars);
      return candles.length;
    },
    drive: () => driver!.run(),
    async finish(engine) {
      if (exec === null) {
        // Paper: requests and answers still travelling (cancels after a kill, fills just made) arrive, as a replay ends.
        (routed as L2Venue).drain();
      } else {
        const cancel = !cfg.session.keepOrders;
        if (cancel) engine.cancelOpenOrders();
        await exec.settle(cancel ? 5000 : 1000);
        // What is open after the client's last look at every order (an answer may come after settle gave up).
        const open = await exec.close();
        strays = await exec.audit(cancel);
        gap = await env.live!.positionGap(env.exchange as CcxtAccount, assets(venueCfg.symbol)[0], engine.portfolio.position(0), exec.chargedFees.base, instrument.lotSize, logger);
        if (cancel) leftOpen = [...open, ...strays.filter((s) => !s.cancelled).map((s) => s.clientOrderId)];
        if (leftOpen.length > 0) logger.error('orders still open at the exchange after the end-of-session cancel', { orders: leftOpen });
      }
      journal?.note('end', { killSwitch: engine.killReport(), leftOpen, strays, positionGap: gap, position: engine.portfolio.position(0) });
      await recorder?.close(engine.orders, engine.fills, {
        events: driver?.events ?? 0, reconnects: driver?.reconnects ?? 0, staleEpisodes: driver?.staleEpisodes ?? 0, clockSkewMs,
        killSwitch: engine.killReport(), position: engine.portfolio.position(0), equity: engine.portfolio.equity(),
        ...otherFees(),
      });
    },
    async close() {
      for (const sig of signals) if (onSignal) process.off(sig, onSignal);
      process.off('unhandledRejection', onUnhandled);
      monitor?.stop();
      journal?.close();
      if (env.record) removeSessionLock(env.record);
      clock.close();
      await env.exchange.close();
    },
    feeds: () => [{ file: `${venueCfg.exchange}:${venueCfg.symbol}`, format: mode, instrumentId: instrument.id, bars: driver?.events ?? 0, badRows: { skipped: 0, examples: [] }, outsideWindow: 0 }],
    loadSeconds: () => 0,
    feedStatus: () => driver?.status() ?? null,
    stats: () => ({
      mode, record: env.record, reconnects: driver?.reconnects ?? 0, staleEpisodes: driver?.staleEpisodes ?? 0, clockSkewMs,
      tickToTrade: stats(driver?.decisions ?? []), eventLoopLag: monitor?.lagStats() ?? stats([]), gc: monitor?.gc ?? { count: 0, totalMs: 0, maxMs: 0 }, leftOpen, strays, positionGap: gap,
      ...otherFees(),
    }),
  };
}

/** A ccxt timeframe (1s, 5m, 1h, 1d, 1w) in ms. */
export function timeframeMillis(tf: string): number {
  const m = /^(\d+)([smhdw])$/.exec(tf);
  if (!m) throw new ConfigError(`bar timeframe "${tf}": write a number and s, m, h, d or w (e.g. 1m)`);
  const unit: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  return Number(m[1]) * unit[m[2]];
}

/**
 * The last `n` finished candles of `tf`. The venue's latest candle is the one still open
 * (Binance opens each period's candle at its start): it is left out and reaches the
 * strategy from the stream once it closes.
 */
async function closedCandles(ex: LiveExchange, symbol: string, tf: string, n: number): Promise<number[][]> {
  timeframeMillis(tf); // a bad timeframe is a config error before any request
  const all = await ex.fetchOHLCV!(symbol, tf, undefined, Math.min(1000, n + 1));
  return all.slice(0, -1).slice(-n);
}

/** Base and quote assets of a unified symbol (BTC/USDT → BTC, USDT). */
function assets(symbol: string): [string, string] {
  const [base, quote] = symbol.split('/');
  return [base, quote.split(':')[0]];
}

/** Exchange clock minus local clock (ms), from the exchange's time endpoint; NaN when it has none or fails. */
async function measureSkew(ex: LiveExchange, logger: Logger): Promise<number> {
  if (!ex.fetchTime) return Number.NaN;
  try {
    const t0 = Date.now();
    const server = await ex.fetchTime();
    const skew = server - (t0 + Date.now()) / 2;
    logger.info('clock skew measured', { clockSkewMs: skew });
    return skew;
  } catch (e) {
    logger.warn('clock skew not measured', { error: String(e).slice(0, 200) });
    return Number.NaN;
  }
}
