import { createInterface } from 'node:readline/promises';
import { toJson } from '../backtest/write-result.ts';
import { parseSessionConfig, type SessionConfig, type SessionConfigInput } from '../config/session-config.ts';
import type { Engine } from '../engine/engine.ts';
import type { Credentials } from '../live/connect-exchange.ts';
import { runLive, type LiveResult } from '../session/run-live.ts';
import { formatLog, formatSummary } from './format-summary.ts';
import { enumFlag, keyValues, numberFlag, parseFlags, readConfigFile } from './parse-flags.ts';
import { uselessRun } from '../backtest/run-outcome.ts';
import { StatusLine } from './status-line.ts';
import { readKeysJson } from './key-files.ts';
import { UsageError } from './usage-error.ts';

export const LIVE_HELP = `lockstep live --mode paper|live --venue EXCHANGE --symbol SYM --strategy S [options]
lockstep live --config FILE [--mode paper|live] [options]

Runs a strategy — the same folder, params and config file as in backtests — on a live
market through ccxt. Paper mode fills orders in the simulated L2 venue against the live
order book; live mode sends real orders. Tick size, lot size, minimum order value and fees
come from the venue's market info. The same risk limits and kill switch as in backtests.

  --config FILE         session config (the file lockstep backtest --config takes; flags override)
  --mode paper|live     required (or the file's mode)
  --venue EXCHANGE      ccxt exchange id, e.g. binance (required)
  --symbol SYM          unified symbol, e.g. BTC/USDT (required)
  --url URL             exchange base URL (a loopback exchange from lockstep venue serve)
  --sandbox             the exchange's sandbox/testnet (ccxt setSandboxMode)
  --strategy S --param k=v (repeatable)
  --cash N              paper cash (default 10000)
  --maker-fee X --taker-fee Y   paper fees (default: the venue's own)
  --latency-entry US --latency-response US   paper order latency
  --queue risk-averse|probabilistic          paper queue model
  --tick-size X --lot-size X   must agree with the venue's market info, unless --override-instrument
  --on-kill flatten|cancel     after the kill switch cancelled every order: close positions (default) or not
  --off-grid round|refuse      prices/quantities off the venue's grid: round (default) or refuse
  --max-seconds N       stop after N seconds; --max-events N  stop after N market events
  --stale-ms N          no market data for N ms cancels open orders and pauses trading (default 5000)
  --record DIR          session folder (default reports/<mode>-<time>): market events as tick
                        Parquet (replayable with lockstep backtest --data DIR), orders, fills
  --keep-orders         live mode: leave open orders at the exchange when the session ends
  --quotes              also stream best bid/ask (strategy onQuote; recorded as quotes-*.parquet)
  --bars TF             also stream bars of ccxt timeframe TF (1s, 1m, …): closed candles reach onBar
  --status-every N      a status line every N seconds (default 10; refreshed in place on a terminal)
  --log-level debug|info|warn|error   strategy and engine log lines on stderr (default info)
  --keys-file FILE      live mode API credentials, JSON {"apiKey": …, "secret": …} outside the repo
                        (else LOCKSTEP_API_KEY and LOCKSTEP_API_SECRET; never printed or saved)
  --i-understand-live   live mode against a real exchange (not 127.0.0.1): required, or answer yes
  --show-config         print the resolved config (file + flags, defaults filled in) and exit
  --json                print one JSON object (the result, as backtests print it, plus the live figures)
  Ctrl-C, SIGTERM or \`lockstep kill\` trips the kill switch: open orders cancelled, positions
  flattened (--on-kill), session ended.`;

const OPTIONS = {
  config: { type: 'string' }, strategy: { type: 'string' }, venue: { type: 'string' }, symbol: { type: 'string' }, mode: { type: 'string' },
  param: { type: 'string', multiple: true }, url: { type: 'string' }, sandbox: { type: 'boolean' }, 'tick-size': { type: 'string' },
  'lot-size': { type: 'string' }, 'override-instrument': { type: 'boolean' }, cash: { type: 'string' }, 'maker-fee': { type: 'string' },
  'taker-fee': { type: 'string' }, 'latency-entry': { type: 'string' }, 'latency-response': { type: 'string' }, queue: { type: 'string' },
  'on-kill': { type: 'string' }, 'off-grid': { type: 'string' }, 'max-seconds': { type: 'string' }, 'max-events': { type: 'string' },
  'stale-ms': { type: 'string' }, record: { type: 'string' }, 'keep-orders': { type: 'boolean' }, quotes: { type: 'boolean' },
  bars: { type: 'string' }, 'status-every': { type: 'string' }, 'log-level': { type: 'string' }, 'keys-file': { type: 'string' },
  'i-understand-live': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, 'show-config': { type: 'boolean' },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>['values'];

/** The session config of `lockstep live`: the file's, with the flags on top (the schema validates it). */
export async function liveConfigFromFlags(v: Flags): Promise<SessionConfig> {
  const base = v.config ? await readConfigFile(v.config) : {};
  const n = (k: keyof Flags) => numberFlag(v[k] as string | undefined, k);
  const mode = enumFlag(v.mode, ['paper', 'live'], 'mode') ?? base.mode;
  if (mode !== 'paper' && mode !== 'live') throw new UsageError('live: --mode paper or --mode live is required (see lockstep live --help)');
  const venue = { ...(base.venue as Record<string, unknown> | undefined) };
  if (v.venue) venue.exchange = v.venue;
  if (v.symbol) venue.symbol = v.symbol;
  if (!venue.exchange) throw new UsageError('live: --venue EXCHANGE is required (e.g. --venue binance); there is no default exchange');
  if (!venue.symbol) throw new UsageError('live: --symbol is required (e.g. --symbol BTC/USDT)');
  if (v.url) venue.url = v.url;
  if (v.sandbox) venue.sandbox = true;
  if (v.quotes) venue.quotes = true;
  if (v.bars) venue.bars = v.bars;
  if (v['override-instrument']) venue.overrideInstrument = true;
  const instrument = { ...(venue.instrument as Record<string, unknown> | undefined) };
  if (n('tick-size') !== undefined) instrument.tickSize = n('tick-size');
  if (n('lot-size') !== undefined) instrument.lotSize = n('lot-size');
  if (Object.keys(instrument).length > 0) venue.instrument = instrument;
  const session = { ...(base.session as Record<string, unknown> | undefined) };
  for (const [flag, key] of [['max-seconds', 'maxSeconds'], ['max-events', 'maxEvents'], ['stale-ms', 'staleMillis'], ['status-every', 'statusEverySeconds']] as const) {
    if (n(flag) !== undefined) session[key] = n(flag);
  }
  if (v.record) session.record = v.record;
  if (v['keep-orders']) session.keepOrders = true;
  // The same file serves backtests: a session takes its market from the venue, not the data files.
  const { data: _data, ...rest } = base;
  void _data;
  const cfg: Record<string, unknown> = { ...rest, mode, venue, session };
  if (v.strategy) cfg.strategy = v.strategy;
  if (!cfg.strategy) throw new UsageError('live: --strategy is required (see lockstep live --help)');
  cfg.params = { ...(base.params as object | undefined), ...keyValues(v.param, 'param') };
  if (n('cash') !== undefined) cfg.cash = n('cash');
  if (n('maker-fee') !== undefined || n('taker-fee') !== undefined) cfg.commission = { type: 'maker-taker', maker: n('maker-fee') ?? 0, taker: n('taker-fee') ?? 0 };
  if (n('latency-entry') !== undefined || n('latency-response') !== undefined) cfg.latency = { entryMicros: n('latency-entry') ?? 0, responseMicros: n('latency-response') ?? 0 };
  if (v.queue) cfg.queue = enumFlag(v.queue, ['risk-averse', 'probabilistic'], 'queue');
  if (v['on-kill']) cfg.onKill = enumFlag(v['on-kill'], ['cancel', 'flatten'], 'on-kill');
  if (v['off-grid']) cfg.offGrid = enumFlag(v['off-grid'], ['round', 'refuse'], 'off-grid');
  if (v['log-level']) cfg.logLevel = enumFlag(v['log-level'], ['debug', 'info', 'warn', 'error'], 'log-level');
  return parseSessionConfig(cfg as SessionConfigInput);
}

/** Live-mode credentials from --keys-file or the environment; the file is named on error, its content never. */
export function liveCredentials(keysFile: string | undefined): Credentials | null {
  if (keysFile) {
    const k = readKeysJson(keysFile, 'live', '{"apiKey": "…", "secret": "…"}');
    if (typeof k.apiKey !== 'string' || typeof k.secret !== 'string' || !k.apiKey || !k.secret) {
      throw new UsageError(`live: the keys file ${keysFile} needs string fields apiKey and secret`);
    }
    return { apiKey: k.apiKey, secret: k.secret };
  }
  const { LOCKSTEP_API_KEY: apiKey, LOCKSTEP_API_SECRET: secret } = process.env;
  return apiKey && secret ? { apiKey, secret } : null;
}

/** True for a URL on this machine (a loopback exchange): real money is never at stake there. */
function loopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** Live against a real exchange needs --i-understand-live, or "yes" typed on a terminal. */
async function confirmRealMoney(cfg: SessionConfig, flag: boolean, err: (s: string) => void): Promise<void> {
  if (cfg.mode !== 'live' || loopbackUrl(cfg.venue!.url) || flag) return;
  if (!process.stdin.isTTY) {
    throw new UsageError(`live: --mode live sends real orders to ${cfg.venue!.exchange}${cfg.venue!.sandbox ? ' (sandbox)' : ''}; pass --i-understand-live to confirm`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`Send real orders to ${cfg.venue!.exchange} ${cfg.venue!.symbol}${cfg.venue!.sandbox ? ' (sandbox)' : ''}? Type yes: `);
  rl.close();
  if (answer.trim() !== 'yes') throw new UsageError('live: not confirmed; nothing was sent');
  err('confirmed: live orders will be sent');
}

/** What the session is about to trade with, printed before its first order. */
function readyLines(cfg: SessionConfig, engine: Engine): string {
  const inst = engine.ctx.instruments[0];
  const pos = engine.portfolio.view(0);
  const risk = cfg.risk ? Object.entries(cfg.risk).map(([k, x]) => `${k} ${x}`).join(', ') : 'none';
  return [
    `${cfg.mode} session: ${cfg.venue!.exchange}${cfg.venue!.sandbox ? ' (sandbox)' : ''} ${cfg.venue!.symbol}${cfg.venue!.url ? ` at ${cfg.venue!.url}` : ''}, strategy ${cfg.strategy}`,
    `  instrument ${inst.id}: tick ${inst.tickSize}, lot ${inst.lotSize}, min notional ${inst.minNotional}, fees maker ${inst.makerFee} / taker ${inst.takerFee}`,
    `  account: cash ${engine.portfolio.cash.toFixed(2)}, position ${pos.qty}, open orders adopted ${engine.openOrders().length}`,
    `  risk limits: ${risk}; on kill: ${cfg.onKill}; off-grid: ${cfg.offGrid}`,
  ].join('\n');
}

export async function liveCommand(argv: string[], out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const { values: v } = parseFlags(argv, OPTIONS, 'live');
  if (v.help) {
    out(LIVE_HELP);
    return 0;
  }
  const cfg = await liveConfigFromFlags(v);
  if (v['show-config']) {
    out(JSON.stringify(cfg, null, 2));
    return 0;
  }
  const credentials = cfg.mode === 'live' ? liveCredentials(v['keys-file']) : null;
  if (cfg.mode === 'live' && !credentials) throw new UsageError('live: --mode live needs API credentials in LOCKSTEP_API_KEY and LOCKSTEP_API_SECRET or --keys-file FILE');
  await confirmRealMoney(cfg, v['i-understand-live'] === true, err);
  const status = new StatusLine(cfg.session.statusEverySeconds, err);
  let result: LiveResult;
  try {
    result = await runLive(cfg, {
      ...(credentials ? { credentials } : {}),
      onLog: (r) => status.print(formatLog(r)),
      onStart: (engine, feed) => { err(readyLines(cfg, engine)); status.follow(engine, feed); },
    });
  } finally {
    status.stop();
  }
  if (v.json) out(toJson(result));
  else out(formatSummary(result, result.live.record));
  const useless = uselessRun(result);
  if (useless !== null) {
    err(`lockstep live: ${useless}`);
    return 1;
  }
  for (const line of otherAssetFees(result.live)) err(`lockstep live: ${line}`);
  // The session's view diverged from the exchange's: never a clean exit, even when the check cancelled the orders.
  const diverged = divergence(result.live);
  for (const line of diverged) err(`lockstep live: ${line}`);
  if (result.live.leftOpen.length > 0) err(`lockstep live: ${result.live.leftOpen.length} order(s) could not be confirmed cancelled at the exchange: ${result.live.leftOpen.join(', ')}`);
  return diverged.length > 0 || result.live.leftOpen.length > 0 ? 4 : 0;
}

/** Commissions charged in other assets (BNB): their quantities, and those no price was read for (left out of the fees and P&L). */
export function otherAssetFees(live: Pick<LiveResult['live'], 'feesInOtherAssets' | 'unvaluedFees'>): string[] {
  if (Object.keys(live.feesInOtherAssets).length === 0) return [];
  const line = `commissions charged in other assets: ${assetAmounts(live.feesInOtherAssets)}, valued at the exchange's prices in the fees and P&L above`;
  return [Object.keys(live.unvaluedFees).length === 0 ? line : `${line}, except ${assetAmounts(live.unvaluedFees)} (no price read: not in them)`];
}

/** Quantities by asset, at most 8 decimals: "0.00000334 BNB, 0.1 FTT". */
function assetAmounts(r: Readonly<Record<string, number>>): string {
  return Object.entries(r).map(([a, q]) => `${q.toFixed(8).replace(/\.?0+$/, '')} ${a}`).join(', ');
}

/** What the end-of-session checks found the session's view of orders and position to differ from the exchange's. */
function divergence(live: LiveResult['live']): string[] {
  const out: string[] = [];
  const strays = live.strays;
  if (strays.length > 0) {
    const each = strays.map((s) => `${s.clientOrderId}: ${s.status}, executed ${s.filled} of ${s.amount}, the session counted ${s.sessionFilled}${s.cancelled ? '; cancelled now' : ''}`);
    out.push(`${strays.length} order(s) the session counted as ended were open at the exchange at the end (${each.join('; ')}); see the session's log`);
  }
  if (Number.isFinite(live.positionGap) && live.positionGap !== 0) {
    out.push(`the exchange holds ${live.positionGap > 0 ? 'more' : 'less'} of the base asset than the session's position (by ${Math.abs(live.positionGap)}): fills the session never counted, or trading on the account by others; see the session's log`);
  }
  return out;
}
