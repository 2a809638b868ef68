import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { CcxtExecution, type CcxtTrading } from '../live/ccxt-execution.ts';
import { reconcileFromExchange, type CcxtAccount } from '../live/ccxt-reconcile.ts';
import { loadStrategy, parseStrategyParams } from '../backtest/load-strategy.ts';
import { toJson } from '../backtest/write-result.ts';
import { defineInstrument } from '../core/instrument.ts';
import { runPaperSession, type MarketStreams } from '../live/paper-session.ts';
import { makerTakerFee } from '../sim/fee-model.ts';
import { constantLatency } from '../sim/latency-model.ts';
import { probabilisticQueue, riskAverseQueue } from '../sim/queue-model.ts';
import { keyValues, numberFlag, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const LIVE_HELP = `lockstep live --strategy S --venue binance --symbol BTC/USDT --mode paper [options]

Runs a strategy — the same folder and params as in backtests — on a live market through
ccxt. Paper mode fills orders in the simulated L2 venue against the live order book; live
mode sends real orders (client ids unique per session, open orders and balances adopted at
start, open orders cancelled at the end). API keys only from LOCKSTEP_API_KEY and
LOCKSTEP_API_SECRET, or --keys-file (JSON {"apiKey": …, "secret": …} outside the repo).

  --param k=v           strategy parameter (repeatable)
  --url URL             exchange base URL (e.g. a loopback exchange from lockstep venue serve)
  --tick-size X --lot-size X   instrument grid (default 0.01 / 0.001)
  --cash N              paper cash (default 10000)
  --maker-fee X --taker-fee Y  paper fees (default 0 / 0.001)
  --latency-entry US --latency-response US   paper order latency
  --queue risk-averse|probabilistic
  --max-seconds N       stop after N seconds; --max-events N  stop after N market events
  --keys-file FILE      live mode API credentials (never logged or saved)
  --record DIR          session folder (default reports/<mode>-<time>): market events as tick
                        Parquet (replayable with lockstep backtest --data DIR), orders, fills
  Ctrl-C, SIGTERM or \`lockstep kill\` trips the kill switch: open orders cancelled, session ended.
  --keep-orders         live mode: leave open orders at the exchange when the session ends
  --stale-ms N          no market data for N ms cancels open orders and pauses trading (default 5000)
  --json                print one JSON object (orders, fills, position, events)`;

export async function liveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v } = parseFlags(argv, {
    strategy: { type: 'string' }, venue: { type: 'string' }, symbol: { type: 'string' }, mode: { type: 'string' }, param: { type: 'string', multiple: true },
    url: { type: 'string' }, 'tick-size': { type: 'string' }, 'lot-size': { type: 'string' }, cash: { type: 'string' }, 'maker-fee': { type: 'string' },
    'taker-fee': { type: 'string' }, 'latency-entry': { type: 'string' }, 'latency-response': { type: 'string' }, queue: { type: 'string' },
    'max-seconds': { type: 'string' }, 'max-events': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    'keys-file': { type: 'string' }, 'keep-orders': { type: 'boolean' }, record: { type: 'string' }, 'stale-ms': { type: 'string' },
  }, 'live');
  if (v.help) {
    out(LIVE_HELP);
    return 0;
  }
  if (!v.strategy || !v.symbol) throw new UsageError('live: --strategy and --symbol are required (see lockstep live --help)');
  if (v.mode !== 'paper' && v.mode !== 'live') throw new UsageError('live: --mode must be paper or live');
  let creds: { apiKey: string; secret: string } | null = null;
  if (v.mode === 'live') {
    if (v['keys-file']) {
      const k = JSON.parse(readFileSync(v['keys-file'], 'utf8')) as { apiKey?: string; secret?: string };
      if (k.apiKey && k.secret) creds = { apiKey: k.apiKey, secret: k.secret };
    } else if (process.env.LOCKSTEP_API_KEY && process.env.LOCKSTEP_API_SECRET) {
      creds = { apiKey: process.env.LOCKSTEP_API_KEY, secret: process.env.LOCKSTEP_API_SECRET };
    }
    if (!creds) throw new UsageError('live: --mode live needs API credentials in LOCKSTEP_API_KEY and LOCKSTEP_API_SECRET or --keys-file FILE');
  }
  const venueId = v.venue ?? 'binance';
  const ccxt = createRequire(import.meta.url)('ccxt') as { pro: Record<string, new (o: unknown) => unknown> };
  const Ex = ccxt.pro[venueId];
  if (!Ex) throw new UsageError(`live: ccxt has no exchange "${venueId}"`);
  const exchange = new Ex({ ...(creds ?? {}), enableRateLimit: true, options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } }) as MarketStreams & {
    urls: { api: Record<string, unknown> }; loadHttpProxyAgent(): Promise<void>; loadMarkets(): Promise<unknown>;
  };
  if (v.url) {
    const api = exchange.urls.api;
    api.public = `${v.url}/api/v3`;
    api.private = `${v.url}/api/v3`;
    (api.ws as Record<string, string>).spot = `${v.url.replace(/^http/, 'ws')}/ws`;
    await exchange.loadHttpProxyAgent();
  }
  await exchange.loadMarkets();
  const def = await loadStrategy(v.strategy);
  const params = parseStrategyParams(def, keyValues(v.param, 'param'));
  const n = (k: keyof typeof v) => numberFlag(v[k] as string | undefined, k);
  const instrument = defineInstrument({ symbol: v.symbol.replace('/', ''), venue: venueId.toUpperCase(), tickSize: n('tick-size') ?? 0.01, lotSize: n('lot-size') ?? 0.001 });
  const maxSeconds = n('max-seconds');
  const maxEvents = n('max-events');
  const [baseAsset, quoteAsset] = v.symbol.split('/');
  const record = resolve(v.record ?? join('reports', `${v.mode}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`));
  let exec: CcxtExecution | null = null;
  const r = await runPaperSession({
    strategy: def, params, exchange, symbol: v.symbol, instrument, record,
    exchangeTime: () => (exchange as unknown as { fetchTime(): Promise<number> }).fetchTime(),
    ...(n('stale-ms') !== undefined ? { staleMillis: n('stale-ms')! } : {}), cash: n('cash') ?? 10_000, fees: makerTakerFee(n('maker-fee') ?? 0, n('taker-fee') ?? 0.001),
    latency: constantLatency(n('latency-entry') ?? 0, n('latency-response') ?? 0), queue: v.queue === 'probabilistic' ? probabilisticQueue(3) : riskAverseQueue,
    ...(maxSeconds !== undefined ? { maxMillis: maxSeconds * 1000 } : {}), ...(maxEvents !== undefined ? { maxEvents } : {}),
    ...(v.mode === 'live' ? {
      live: {
        orderIdPrefix: `ls${Date.now().toString(36)}-`,
        execution: (clock, logger) => (exec = new CcxtExecution(exchange as unknown as CcxtTrading, v.symbol!, instrument, clock, logger)),
        reconcile: async (engine, clock) => { await reconcileFromExchange(exchange as unknown as CcxtAccount, v.symbol!, baseAsset, quoteAsset, instrument, engine, exec!, clock.now()); },
        cancelAtEnd: !v['keep-orders'],
      },
    } : {}),
  });
  const e = r.engine;
  const summary = {
    mode: v.mode, strategy: { name: def.name, params }, events: r.events, reconnects: r.reconnects, orders: e.orders.length, fills: e.fills,
    position: e.portfolio.position(0), cash: e.portfolio.cash, equity: e.portfolio.equity(), killSwitch: e.killReason, record, staleEpisodes: r.staleEpisodes, clockSkewMs: r.clockSkewMs,
    tickToTradeMicros: r.tickToTrade,
  };
  if (v.json) out(toJson(summary));
  else out(`${v.mode} session: ${r.events} events, ${e.orders.length} orders, ${e.fills.length} fills, position ${summary.position}, equity ${summary.equity.toFixed(2)}`);
  return 0;
}
