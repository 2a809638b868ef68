import { readInstrumentSpec } from '../data/instrument-spec.ts';
import { startLoopbackVenue } from '../live/loopback/start-venue.ts';
import type { FeeAsset } from '../live/loopback/spot-orders.ts';
import { loadHistoryArchive } from '../live/loopback/history-archive.ts';
import { parseKeyPairs, readKeysJson } from './key-files.ts';
import { isHelp, keyValues, numberFlag, parseFlags, portFlag } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const VENUE_HELP = `lockstep venue serve [--data DIR] [--history-bars FILE] [--history-trades FILE] [--port N] [--speed X] [--symbol BTCUSDT --base BTC --quote USDT]
    [--tick-size X --step-size X --min-notional X] [--balance USDT=100000 ...] [--fee-asset BNB=600] [--keys-file FILE]

Starts a loopback exchange on 127.0.0.1 speaking Binance's spot REST and websocket API
(the subset ccxt uses) whose market replays the tick files in DIR (deltas-*, trades-*) at
X × real time (without --data: a synthetic market). --history-bars (1-minute bars, any bar
file Lockstep reads) and --history-trades (Binance's trades Parquet) are recorded history
served by the REST history endpoints (spot klines and aggTrades; klines, markPriceKlines and
fundingRate of the USDT perpetual of the same id, funding derived from the bars every 8 h):
what lockstep data download --url fetches. API keys come from --keys-file (JSON {"key": "secret"}, keep it outside
the repository) or LOCKSTEP_LOOPBACK_KEYS (key:secret,key2:secret2); they are never
printed. The filters it serves (PRICE_FILTER, LOT_SIZE, NOTIONAL) come from the flags, else
the data's instrument.json, else tick 0.01 and step 0.001 (no minimum value). --fee-asset
ASSET=PRICE charges commissions in ASSET at PRICE quote units each, out of its balance (as
Binance does with its BNB discount on; give the accounts some with --balance), and serves
that price as the ticker of ASSET's market in the quote (BNBUSDT), which lockstep live values
them at. Prints
"listening on URL" and serves until interrupted (the market stays still after the data ends).`;

export async function venueCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'serve' || rest.some(isHelp)) {
    out(VENUE_HELP);
    return sub === undefined || isHelp(sub) || rest.some(isHelp) ? 0 : 2;
  }
  const { values } = parseFlags(rest, {
    data: { type: 'string' }, port: { type: 'string' }, speed: { type: 'string' }, symbol: { type: 'string' }, base: { type: 'string' },
    quote: { type: 'string' }, 'tick-size': { type: 'string' }, 'step-size': { type: 'string' }, balance: { type: 'string', multiple: true },
    'keys-file': { type: 'string' }, 'min-notional': { type: 'string' }, 'history-bars': { type: 'string' }, 'history-trades': { type: 'string' },
    'fee-asset': { type: 'string' },
  }, 'venue serve');
  const feeAsset = values['fee-asset'] === undefined ? undefined : feeAssetFlag(values['fee-asset']);
  const port = portFlag(values.port);
  const keys = new Map<string, string>();
  if (values['keys-file']) {
    for (const [k, secret] of Object.entries(readKeysJson(values['keys-file'], 'venue serve', '{"key": "secret", …}'))) {
      if (typeof secret !== 'string' || !secret) throw new UsageError(`venue serve: key ${k} in ${values['keys-file']} needs a non-empty string secret`);
      keys.set(k, secret);
    }
  }
  for (const [k, secret] of parseKeyPairs(process.env.LOCKSTEP_LOOPBACK_KEYS ?? '', 'LOCKSTEP_LOOPBACK_KEYS')) keys.set(k, secret);
  const balances = Object.fromEntries(Object.entries(keyValues(values.balance ?? ['USDT=100000', 'BTC=10'], 'balance')).map(([a, v]) => [a, Number(v)]));
  const spec = values.data ? await readInstrumentSpec(values.data) : null;
  const wantsHistory = values['history-bars'] !== undefined || values['history-trades'] !== undefined;
  const history = wantsHistory ? await loadHistoryArchive({ bars: values['history-bars'], trades: values['history-trades'] }) : undefined;
  const venue = await startLoopbackVenue({
    ...(values.data ? { data: values.data } : {}), ...(history ? { history } : {}), speed: numberFlag(values.speed, 'speed'), keys: Object.fromEntries(keys), balances,
    symbol: values.symbol, base: values.base, quote: values.quote,
    tickSize: numberFlag(values['tick-size'], 'tick-size') ?? spec?.tickSize, stepSize: numberFlag(values['step-size'], 'step-size') ?? spec?.lotSize,
    minNotional: numberFlag(values['min-notional'], 'min-notional') ?? spec?.minNotional, port, ...(feeAsset ? { feeAsset } : {}),
  });
  out(`listening on ${venue.url} (${keys.size} API key${keys.size === 1 ? '' : 's'})`);
  const stopped = new Promise<null>((resolve) => {
    process.once('SIGINT', () => resolve(null));
    process.once('SIGTERM', () => resolve(null));
  });
  const n = await Promise.race([venue.replayed, stopped]);
  if (n !== null) {
    out(`replayed ${n.toLocaleString('en-US')} events; still serving until interrupted`);
    await stopped;
  }
  await venue.close();
  return 0;
}

/** `--fee-asset BNB=600`: the asset commissions are charged in and its price in quote units. */
function feeAssetFlag(v: string): FeeAsset {
  const m = /^([A-Za-z0-9]+)=(.+)$/.exec(v);
  const price = m ? Number(m[2]) : Number.NaN;
  if (!m || !(price > 0 && Number.isFinite(price))) throw new UsageError(`venue serve: --fee-asset "${v}": write ASSET=PRICE, the price in quote units above 0 (e.g. BNB=600)`);
  return { asset: m[1], price };
}
