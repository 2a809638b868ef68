import { readFileSync } from 'node:fs';
import { runLive } from '../live/run-live.ts';
import { toJson } from '../backtest/write-result.ts';
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
  --quotes              also stream best bid/ask (strategy onQuote; recorded as quotes-*.parquet)
  --bars TF             also stream bars of ccxt timeframe TF (1s, 1m, …): closed candles reach onBar
  --json                print one JSON object (orders, fills, position, events)`;

export async function liveCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values: v } = parseFlags(argv, {
    strategy: { type: 'string' }, venue: { type: 'string' }, symbol: { type: 'string' }, mode: { type: 'string' }, param: { type: 'string', multiple: true },
    url: { type: 'string' }, 'tick-size': { type: 'string' }, 'lot-size': { type: 'string' }, cash: { type: 'string' }, 'maker-fee': { type: 'string' },
    'taker-fee': { type: 'string' }, 'latency-entry': { type: 'string' }, 'latency-response': { type: 'string' }, queue: { type: 'string' },
    'max-seconds': { type: 'string' }, 'max-events': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    'keys-file': { type: 'string' }, 'keep-orders': { type: 'boolean' }, record: { type: 'string' }, 'stale-ms': { type: 'string' },
    quotes: { type: 'boolean' }, bars: { type: 'string' },
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
  const n = (k: keyof typeof v) => numberFlag(v[k] as string | undefined, k);
  const summary = await runLive({
    strategy: v.strategy, params: keyValues(v.param, 'param'), mode: v.mode, venue: v.venue, symbol: v.symbol, url: v.url,
    ...(creds ? { credentials: creds } : {}), tickSize: n('tick-size'), lotSize: n('lot-size'), cash: n('cash'), makerFee: n('maker-fee'),
    takerFee: n('taker-fee'), latencyEntryMicros: n('latency-entry'), latencyResponseMicros: n('latency-response'),
    queue: v.queue === 'probabilistic' ? 'probabilistic' : 'risk-averse', maxSeconds: n('max-seconds'), maxEvents: n('max-events'),
    record: v.record, staleMillis: n('stale-ms'), keepOrders: v['keep-orders'] === true, quotes: v.quotes === true,
    ...(v.bars ? { barTimeframe: v.bars } : {}),
  });
  if (v.json) out(toJson(summary));
  else out(`${v.mode} session: ${summary.events} events, ${summary.orders} orders, ${summary.fills.length} fills, position ${summary.position}, equity ${summary.equity.toFixed(2)}`);
  return 0;
}
