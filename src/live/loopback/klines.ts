/** Kline intervals the loopback serves, with their length in ms. */
const INTERVALS: ReadonlyArray<readonly [string, number]> = [['1s', 1000], ['1m', 60_000]];

/** Finished candles kept per interval for REST requests. */
const MAX_HISTORY = 5000;

interface Candle { t: number; o: number; h: number; l: number; c: number; v: number; n: number }

/**
 * Binance kline streams (`<symbol>@kline_<interval>`) built from the loopback's own
 * trades: each trade updates the current candle of every interval and pushes it; a trade
 * in a later period first pushes the finished candle with `x: true`.
 */
export class KlineStreams {
  private readonly current = new Map<string, Candle>();
  /** Finished candles per interval, oldest first (the last MAX_HISTORY). */
  private readonly done = new Map<string, Candle[]>();

  constructor(private readonly symbol: string) {}

  onTrade(time: number, price: number, qty: number, publish: (stream: string, event: unknown) => void): void {
    for (const [interval, ms] of INTERVALS) {
      const stream = `${this.symbol.toLowerCase()}@kline_${interval}`;
      const push = (c: Candle, closed: boolean) => publish(stream, {
        e: 'kline', E: time, s: this.symbol, k: {
          t: c.t, T: c.t + ms - 1, s: this.symbol, i: interval, f: 0, L: 0, o: String(c.o), c: String(c.c), h: String(c.h), l: String(c.l),
          v: String(c.v), n: c.n, x: closed, q: '0', V: '0', Q: '0', B: '0',
        },
      });
      const start = Math.floor(time / ms) * ms;
      let k = this.current.get(interval);
      if (k && start > k.t) {
        push(k, true);
        this.keep(interval, k);
      }
      if (!k || start > k.t) {
        k = { t: start, o: price, h: price, l: price, c: price, v: 0, n: 0 };
        this.current.set(interval, k);
      }
      k.h = Math.max(k.h, price); k.l = Math.min(k.l, price); k.c = price; k.v += qty; k.n++;
      push(k, false);
    }
  }

  private keep(interval: string, k: Candle): void {
    const list = this.done.get(interval) ?? [];
    list.push(k);
    if (list.length > MAX_HISTORY) list.splice(0, list.length - MAX_HISTORY);
    this.done.set(interval, list);
  }

  /**
   * `GET /api/v3/klines` as Binance answers it: candles of `interval` opening in
   * [startTime, endTime], oldest first, at most `limit` (default 500, max 1000; without
   * startTime the latest), the current unfinished candle included, each
   * [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, "0"].
   */
  rest(interval: string, limit = 500, startTime?: number, endTime?: number): unknown[][] {
    const ms = INTERVALS.find(([i]) => i === interval)?.[1];
    if (ms === undefined) throw new RangeError(`interval ${interval} is not served (${INTERVALS.map(([i]) => i).join(', ')})`);
    const open = this.current.get(interval);
    const all = [...(this.done.get(interval) ?? []), ...(open ? [open] : [])]
      .filter((c) => (startTime === undefined || c.t >= startTime) && (endTime === undefined || c.t <= endTime));
    const n = Math.min(Math.max(1, limit), 1000);
    const picked = startTime === undefined ? all.slice(-n) : all.slice(0, n);
    return picked.map((c) => [c.t, String(c.o), String(c.h), String(c.l), String(c.c), String(c.v), c.t + ms - 1, '0', c.n, '0', '0', '0']);
  }
}
