import { ConfigError } from '../core/errors.ts';
import { allocBarBatch, type BarBatch } from './bar-batch.ts';
import type { TradeBatch } from './tick-batch.ts';

/** How trades are grouped into bars. */
export type BarRule =
  /** Time bars of `micros` (UTC-aligned), stamped at their open. */
  | { every: number }
  /** A bar closes once it holds at least `volume` units. */
  | { volume: number }
  /** A bar closes once it holds at least `dollar` of notional. */
  | { dollar: number };

/**
 * Resamples trades (local-time order) into OHLCV bars. Time bars without trades are not
 * emitted; volume and dollar bars close on the trade that reaches the threshold (the
 * trade is not split). Bars are stamped at their first trade (volume/dollar) or at the
 * interval start (time).
 */
export async function resampleTrades(trades: AsyncIterable<TradeBatch> | Iterable<TradeBatch>, rule: BarRule): Promise<BarBatch> {
  const size = 'every' in rule ? rule.every : 'volume' in rule ? rule.volume : rule.dollar;
  if (!(size > 0)) throw new ConfigError('bar size must be > 0');
  const out: number[][] = [];
  let cur: number[] | null = null; // ts, o, h, l, c, v, acc
  let curKey = Number.NaN;
  const close = () => { if (cur) out.push(cur); cur = null; };
  for await (const b of trades) {
    for (let i = 0; i < b.length; i++) {
      const p = b.price[i];
      const q = b.qty[i];
      const t = b.tsLocal[i];
      if ('every' in rule) {
        const key = Math.floor(t / rule.every) * rule.every;
        if (key !== curKey) { close(); curKey = key; }
        cur ??= [key, p, p, p, p, 0, 0];
      } else {
        cur ??= [t, p, p, p, p, 0, 0];
      }
      if (p > cur[2]) cur[2] = p;
      if (p < cur[3]) cur[3] = p;
      cur[4] = p;
      cur[5] += q;
      cur[6] += 'dollar' in rule ? p * q : q;
      if (!('every' in rule) && cur[6] >= size - 1e-12) close();
    }
  }
  close();
  const bars = allocBarBatch(out.length);
  out.forEach((r, i) => { bars.ts[i] = r[0]; bars.open[i] = r[1]; bars.high[i] = r[2]; bars.low[i] = r[3]; bars.close[i] = r[4]; bars.volume[i] = r[5]; });
  bars.length = out.length;
  bars.row = null;
  bars.firstRow = 1;
  return bars;
}
