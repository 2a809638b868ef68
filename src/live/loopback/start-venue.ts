import { tickFilesOf } from '../../data/tick-parquet.ts';
import { LoopbackExchange } from './loopback-exchange.ts';
import type { FeeAsset } from './spot-orders.ts';
import { replayMarket } from './replay-market.ts';
import { startSynthFeed } from './synth-feed.ts';

export interface LoopbackVenueOptions {
  /** Tick folder (deltas-*, trades-*) replayed as the market; default a synthetic market. */
  data?: string;
  /** Replay speed × real time (data only; default 1). */
  speed?: number;
  /** Synthetic market size and seed (default 300,000 events, seed 1), ~30 deltas every 2 ms. */
  events?: number;
  seed?: number;
  /** API key → secret. */
  keys?: Record<string, string>;
  balances?: Record<string, number>;
  symbol?: string;
  base?: string;
  quote?: string;
  tickSize?: number;
  stepSize?: number;
  /** NOTIONAL filter: smallest order value in quote currency (default 0: none; Binance's BTCUSDT has 5). */
  minNotional?: number;
  port?: number;
  /** Commissions charged in this asset at this price in quote units (default: in the quote). */
  feeAsset?: FeeAsset;
  /** Recorded history for the REST history endpoints (see history-archive.ts). */
  history?: import('./history-archive.ts').HistoryArchive;
}

/** A running loopback exchange on 127.0.0.1 (what `lockstep venue serve` starts), stoppable from code. */
export interface LoopbackVenue {
  readonly url: string;
  readonly exchange: LoopbackExchange;
  /** With `data`: resolves with the number of events replayed when the files are done (the market then stays still). */
  readonly replayed: Promise<number>;
  close(): Promise<void>;
}

export async function startLoopbackVenue(o: LoopbackVenueOptions = {}): Promise<LoopbackVenue> {
  const exchange = new LoopbackExchange({
    symbol: o.symbol ?? 'BTCUSDT', base: o.base ?? 'BTC', quote: o.quote ?? 'USDT', tickSize: o.tickSize ?? 0.01, stepSize: o.stepSize ?? 0.001,
    ...(o.minNotional !== undefined ? { minNotional: o.minNotional } : {}), keys: new Map(Object.entries(o.keys ?? {})), balances: o.balances ?? { USDT: 100_000, BTC: 1 },
    ...(o.history ? { history: o.history } : {}), ...(o.feeAsset ? { feeAsset: o.feeAsset } : {}),
  });
  const stop = new AbortController();
  let stopFeed = () => stop.abort();
  let replayed: Promise<number> = new Promise<number>(() => {});
  if (o.data) {
    const files = await tickFilesOf(o.data);
    replayed = replayMarket(exchange, files, o.speed ?? 1, stop.signal);
  } else {
    const feed = startSynthFeed(exchange, { events: o.events ?? 300_000, seed: o.seed ?? 1 });
    stopFeed = () => feed.stop();
  }
  const url = await exchange.listen(o.port ?? 0);
  return {
    url, exchange, replayed,
    async close() {
      stopFeed();
      stop.abort();
      if (o.data) await replayed.catch(() => undefined);
      await exchange.close();
    },
  };
}
