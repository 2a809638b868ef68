/** Kline intervals the loopback serves, with their length in ms. */
const INTERVALS: ReadonlyArray<readonly [string, number]> = [['1s', 1000], ['1m', 60_000]];

interface Candle { t: number; o: number; h: number; l: number; c: number; v: number; n: number }

/**
 * Binance kline streams (`<symbol>@kline_<interval>`) built from the loopback's own
 * trades: each trade updates the current candle of every interval and pushes it; a trade
 * in a later period first pushes the finished candle with `x: true`.
 */
export class KlineStreams {
  private readonly current = new Map<string, Candle>();

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
      if (k && start > k.t) push(k, true);
      if (!k || start > k.t) {
        k = { t: start, o: price, h: price, l: price, c: price, v: 0, n: 0 };
        this.current.set(interval, k);
      }
      k.h = Math.max(k.h, price); k.l = Math.min(k.l, price); k.c = price; k.v += qty; k.n++;
      push(k, false);
    }
  }
}
