import { ConfigError, LockstepError } from '../core/errors.ts';
import { parseDateTime } from '../core/time.ts';
import { Catalog, DEFAULT_CATALOG, safeName } from '../data/catalog.ts';
import { barMicros, parseDownloadKind } from '../data/catalog-kinds.ts';
import { connectHistoryExchange, sessionInstrument } from '../live/connect-exchange.ts';
import { downloadHistory } from '../live/history-download.ts';
import { Progress } from '../optimize/progress.ts';
import { parseFlags } from './parse-flags.ts';
import { intFlag } from './study-flags.ts';
import { UsageError } from './usage-error.ts';

export const DOWNLOAD_HELP = `lockstep data download --venue V --symbol S --kind bars:1m|mark:1m|trades|funding --from T [--to T]
                       [--as NAME] [--catalog DIR] [--url URL] [--sandbox] [--flush-rows N]

Downloads history from an exchange through ccxt (fetchOHLCV, fetchTrades,
fetchFundingRateHistory, fetchMarkOHLCV) into the catalog DIR/VENUE/NAME/KIND/DATE/
(default data/catalog; KIND bars-1m, mark-1m, trades or funding), with the instrument's
rules from loadMarkets in DIR/VENUE/NAME/instrument.json. --venue is a ccxt exchange id,
--symbol its unified symbol (BTC/USDT, BTC/USDT:USDT), NAME the catalog's folder for it
(default the venue's market id, e.g. BTCUSDT). Times: --from/--to dates or ISO times (UTC);
--to defaults to now (bars: the last finished bar).
Incremental: only windows the catalog does not cover yet are fetched; every --flush-rows
rows (default 100000) are committed as parts whose sidecars record the window and the
bars the venue did not send (gaps, never filled in). A killed download resumes where its
last part ends, with no duplicate or missing row at the seam. ccxt's rate limiter paces the
requests; progress and ETA go to stderr. --url points ccxt at a loopback exchange
(lockstep venue serve); --sandbox uses the venue's test network.
Exit codes: 2 usage, 4 the venue refused or did not answer.`;

/** A venue that refused or did not answer (exit 4). */
class VenueError extends LockstepError {
  constructor(message: string) {
    super('venue', message);
  }
}

const timeFlag = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const t = parseDateTime(v);
  if (!Number.isFinite(t)) throw new UsageError(`--${flag} "${v}" is not a date or ISO time (e.g. 2022-01-01 or 2022-01-01T12:00:00Z)`);
  return Math.floor(t / 1000);
};

export async function downloadCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseFlags(argv, {
    venue: { type: 'string' }, symbol: { type: 'string' }, kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, as: { type: 'string' },
    catalog: { type: 'string' }, url: { type: 'string' }, sandbox: { type: 'boolean' }, 'flush-rows': { type: 'string' },
  }, 'data download');
  if (!values.venue || !values.symbol || !values.kind || !values.from) throw new UsageError('data download: --venue, --symbol, --kind and --from are required (see lockstep data download --help)');
  const kind = parseDownloadKind(values.kind);
  const from = timeFlag(values.from, 'from')!;
  const step = (barMicros(kind) ?? 1000) / 1000;
  const now = Math.floor(Date.now() / step) * step;
  const to = Math.min(timeFlag(values.to, 'to') ?? now, now);
  if (!(to > from)) throw new UsageError(`data download: --from ${values.from} is not before --to ${values.to ?? 'now'}`);
  const flushRows = intFlag(values['flush-rows'], 'flush-rows');
  if (flushRows !== undefined && flushRows < 1) throw new UsageError('--flush-rows expects a positive integer');
  if (values.url && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(values.url)) throw new UsageError(`--url "${values.url}" is not an http(s) base URL like http://127.0.0.1:8080`);
  const ex = await venueCall(() => connectHistoryExchange(values.venue!, { url: values.url?.replace(/\/$/, ''), sandbox: values.sandbox === true }), values.venue);
  const market = ex.markets[values.symbol];
  if (!market) throw new ConfigError(`${values.venue} has no market ${values.symbol}; some of its symbols: ${Object.keys(ex.markets).slice(0, 8).join(', ')}`, 'usage');
  const name = safeName(values.as ?? market.id, '--as');
  const catalog = new Catalog(values.catalog ?? DEFAULT_CATALOG);
  const instrument = sessionInstrument(ex, { exchange: values.venue, symbol: values.symbol } as Parameters<typeof sessionInstrument>[1]);
  const hours = Math.max(1, Math.ceil((to - from) / 3_600_000));
  const progress = new Progress(`download ${values.venue} ${name} ${kind} (hours)`, hours, (t) => process.stderr.write(t), process.stderr.isTTY === true);
  const t0 = performance.now();
  const r = await venueCall(() => downloadHistory(ex, {
    catalog, venue: values.venue!, symbol: name, market: values.symbol!, kind, from, to, instrument, ...(flushRows ? { flushRows } : {}),
    onProgress: (p) => progress.update(Math.floor((p.doneMs / Math.max(1, p.totalMs)) * hours), `${p.rows.toLocaleString('en-US')} rows`),
  }), values.venue);
  for (const f of r.cleaned) out(`removed ${f} (left by a killed import or download)`);
  const iso = (ms: number) => new Date(ms).toISOString();
  if (r.fetched.length === 0) out(`${catalog.streamDir(values.venue, name, kind)} already covers ${iso(from)} … ${iso(to)}: nothing to fetch`);
  else out(`${r.rows.toLocaleString('en-US')} rows → ${catalog.streamDir(values.venue, name, kind)} (${r.fetched.map(([a, b]) => `${iso(a)} … ${iso(b)}`).join(', ')}; ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (r.gaps.length > 0) out(`the venue sent nothing for ${r.gaps.length} window(s) (recorded as gaps, not filled), first ${iso(r.gaps[0][0])} … ${iso(r.gaps[0][1])}`);
  return 0;
}

/** Runs a ccxt call; the venue's refusals and network failures become exit-4 errors naming the venue. */
async function venueCall<T>(f: () => Promise<T>, venue: string): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof LockstepError) throw e;
    const { BaseError } = await import('ccxt');
    if (e instanceof BaseError) throw new VenueError(`${venue}: ${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 300)}`);
    throw e;
  }
}
