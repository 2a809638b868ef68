import { join, resolve } from 'node:path';
import { loadStrategy, parseStrategyParams } from '../engine/load-strategy.ts';
import { ConfigError } from '../core/errors.ts';
import { defineInstrument } from '../core/instrument.ts';
import { makerTakerFee } from '../sim/fee-model.ts';
import { constantLatency } from '../sim/latency-model.ts';
import { probabilisticQueue, riskAverseQueue } from '../sim/queue-model.ts';
import type { CcxtExecution, CcxtTrading } from './ccxt-execution.ts';
import type { CcxtAccount } from './ccxt-reconcile.ts';
import { runPaperSession, type MarketStreams } from './paper-session.ts';
import { pointCcxtAt } from './ccxt-base-url.ts';

/** A paper or live session: `lockstep live` as an object (notebooks, scripts). */
export interface LiveOptions {
  /** Strategy folder name or module path — the same as in backtests. */
  strategy: string;
  params?: Record<string, unknown>;
  mode: 'paper' | 'live';
  /** ccxt exchange id (default binance). */
  venue?: string;
  /** Unified symbol, e.g. BTC/USDT. */
  symbol: string;
  /** Base URL overriding ccxt's (a loopback exchange). */
  url?: string;
  /** Live mode credentials (from the environment or a file outside the repo; never logged). */
  credentials?: { apiKey: string; secret: string };
  tickSize?: number;
  lotSize?: number;
  /** Paper cash, fees and simulated venue. */
  cash?: number;
  makerFee?: number;
  takerFee?: number;
  latencyEntryMicros?: number;
  latencyResponseMicros?: number;
  queue?: 'risk-averse' | 'probabilistic';
  maxSeconds?: number;
  maxEvents?: number;
  /** Session folder (default reports/<mode>-<time>). */
  record?: string;
  staleMillis?: number;
  /** Live mode: leave open orders at the exchange at the end. */
  keepOrders?: boolean;
  /** Also stream top-of-book quotes (`onQuote`). */
  quotes?: boolean;
  /** Also stream closed bars of this ccxt timeframe (`onBar`), e.g. '1m'. */
  barTimeframe?: string;
}

/** What a session did. */
export interface LiveSummary {
  mode: 'paper' | 'live';
  strategy: { name: string; params: Record<string, unknown> };
  events: number;
  reconnects: number;
  orders: number;
  fills: readonly unknown[];
  position: number;
  cash: number;
  equity: number;
  killSwitch: string | null;
  record: string;
  staleEpisodes: number;
  clockSkewMs: number;
  tickToTradeMicros: unknown;
}

/** Connects through ccxt.pro, runs the strategy on the live market and returns the summary. */
export async function runLive(o: LiveOptions): Promise<LiveSummary> {
  if (o.mode === 'live' && !o.credentials) throw new ConfigError('live mode needs API credentials (LOCKSTEP_API_KEY / LOCKSTEP_API_SECRET or a keys file)');
  const venueId = o.venue ?? 'binance';
  // Loaded here, not at import: `import 'lockstep'` must not pay for ccxt (and one module build keeps its error classes one).
  const ccxt = (await import('ccxt')).default as unknown as { pro: Record<string, new (o: unknown) => unknown> };
  const { CcxtExecution } = await import('./ccxt-execution.ts');
  const { reconcileFromExchange } = await import('./ccxt-reconcile.ts');
  const Ex = ccxt.pro[venueId];
  if (!Ex) throw new ConfigError(`ccxt has no exchange "${venueId}"`);
  const exchange = new Ex({ ...(o.mode === 'live' ? o.credentials : {}), enableRateLimit: true, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } }) as MarketStreams & {
    urls: { api: Record<string, unknown> }; loadHttpProxyAgent(): Promise<void>; loadMarkets(): Promise<unknown>; close(): Promise<void>;
  };
  try {
    if (o.url) await pointCcxtAt(exchange, o.url);
    await exchange.loadMarkets();
    const def = await loadStrategy(o.strategy);
    const params = parseStrategyParams(def, o.params ?? {});
    const instrument = defineInstrument({ symbol: o.symbol.replace('/', ''), venue: venueId.toUpperCase(), tickSize: o.tickSize ?? 0.01, lotSize: o.lotSize ?? 0.001 });
    const [baseAsset, quoteAsset] = o.symbol.split('/');
    const record = resolve(o.record ?? join('reports', `${o.mode}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`));
    let exec: CcxtExecution | null = null;
    const r = await runPaperSession({
      strategy: def, params, exchange, symbol: o.symbol, instrument, record, quotes: o.quotes === true,
      ...(o.barTimeframe ? { barTimeframe: o.barTimeframe } : {}),
      exchangeTime: () => (exchange as unknown as { fetchTime(): Promise<number> }).fetchTime(),
      ...(o.staleMillis !== undefined ? { staleMillis: o.staleMillis } : {}), cash: o.cash ?? 10_000, fees: makerTakerFee(o.makerFee ?? 0, o.takerFee ?? 0.001),
      latency: constantLatency(o.latencyEntryMicros ?? 0, o.latencyResponseMicros ?? 0), queue: o.queue === 'probabilistic' ? probabilisticQueue(3) : riskAverseQueue,
      ...(o.maxSeconds !== undefined ? { maxMillis: o.maxSeconds * 1000 } : {}), ...(o.maxEvents !== undefined ? { maxEvents: o.maxEvents } : {}),
      ...(o.mode === 'live' ? {
        live: {
          orderIdPrefix: `ls${Date.now().toString(36)}-`,
          execution: (_clock, logger) => (exec = new CcxtExecution(exchange as unknown as CcxtTrading, o.symbol, instrument, logger)),
          reconcile: async (engine, clock) => { await reconcileFromExchange(exchange as unknown as CcxtAccount, o.symbol, baseAsset, quoteAsset, instrument, engine, exec!, clock.now()); },
          cancelAtEnd: !o.keepOrders,
        },
      } : {}),
    });
    const e = r.engine;
    return {
      mode: o.mode, strategy: { name: def.name, params }, events: r.events, reconnects: r.reconnects, orders: e.orders.length, fills: e.fills,
      position: e.portfolio.position(0), cash: e.portfolio.cash, equity: e.portfolio.equity(), killSwitch: e.killReason, record, staleEpisodes: r.staleEpisodes,
      clockSkewMs: r.clockSkewMs, tickToTradeMicros: r.tickToTrade,
    };
  } finally {
    await exchange.close?.();
  }
}
