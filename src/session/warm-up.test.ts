import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { strategy as smaCross } from '../../strategies/sma-cross/index.ts';
import { loopbackConfig, loopbackRun } from '../../test/loopback-session.ts';
import { tempDir } from '../../test/tmp.ts';
import { defineStrategy } from '../engine/strategy.ts';
import { startLoopbackVenue } from '../live/loopback/start-venue.ts';
import { runBacktest } from './run-backtest.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'data/sample/2006-day-001.csv');
const tmp = tempDir();

/** Dates and closes straight from the CSV; SMA(15) crosses computed here with backtrader's rule (last non-zero sign). */
function upCrosses(): { dates: string[]; open: number[]; crosses: number[]; sign: number[] } {
  const rows = readFileSync(SAMPLE, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const close = rows.map((r) => Number(r[4]));
  const sign: number[] = [];
  const crosses: number[] = [];
  let last = 0;
  for (let i = 0; i < close.length; i++) {
    if (i < 14) { sign.push(0); continue; }
    const sma = close.slice(i - 14, i + 1).reduce((a, b) => a + b, 0) / 15;
    const d = Math.sign(close[i] - sma);
    if (d > 0 && last < 0) crosses.push(i);
    if (d !== 0) last = d;
    sign.push(d);
  }
  return { dates: rows.map((r) => r[0]), open: rows.map((r) => Number(r[1])), crosses, sign };
}

describe('warm-up: history before the first decision', () => {
  it('a backtest from a later date replays the 15 bars before it: its first buy is the up-cross a full run sees, inside the first 15 bars', async () => {
    const x = upCrosses();
    const k = x.crosses.find((i) => i > 60)!; // an up-cross well inside the year
    const from = k - 2; // two bars before it: without history the SMA is not even ready there
    expect(x.sign[from - 1]).not.toBe(0);
    const cfg = { strategy: 'sma-cross', data: [{ file: SAMPLE, instrument: { symbol: 'IDX' } }], from: x.dates[from], cash: 1e6 };
    const warm = await runBacktest(cfg, { strategy: smaCross });
    expect(warm.logs.some((l) => l.message.startsWith('warm-up done') && (l.fields as { bars: number }).bars === 15)).toBe(true);
    expect(new Date(warm.orders[0].createdTs / 1000).toISOString().slice(0, 10)).toBe(x.dates[k]);
    expect(warm.fills[0].price).toBe(x.open[k + 1]); // filled at the next open
    expect(warm.rejections.total).toBe(0); // nothing decided on history was counted as refused
    // The same strategy without declared history cannot decide before 15 bars of the window.
    const cold = await runBacktest(cfg, { strategy: { ...smaCross, history: undefined } });
    expect(cold.orders[0].createdTs).toBeGreaterThan(warm.orders[0].createdTs);
  });

  it('a live session fetches closed candles from the venue first; a backtest over the same candles from the same bar makes the same first decision', async () => {
    const venue = await startLoopbackVenue({ events: 600_000, seed: 23, keys: {}, balances: {} });
    try {
      const ccxt = (await import('ccxt')).default;
      const { pointCcxtAt } = await import('./../live/ccxt-base-url.ts');
      const c = new ccxt.binance({ options: { fetchMarkets: ['spot'], fetchCurrencies: false, fetchMargins: false } });
      await pointCcxtAt(c, venue.url);
      // At least 3 closed 1 s candles at the venue (and the open one) before the session starts.
      for (let k = 0; k < 200 && (await c.fetchOHLCV('BTC/USDT', '1s', undefined, 10)).length < 5; k++) await new Promise((r) => setTimeout(r, 100));
      type Decision = { ts: number; close: number; sma: number };
      const first: Decision[] = [];
      const warmedBars: number[] = [];
      /** Decides on its first bar after the warm-up, from the SMA(3) of the closes: history decides it. */
      const def = defineStrategy({
        name: 'sma3-first', description: 'buys once, recording the SMA it decided on', params: z.strictObject({}),
        history: () => ({ bars: 3 }),
        create: () => {
          const closes: number[] = [];
          return {
            onBar: (b, ctx) => {
              closes.push(b.close);
              if (first.length > 0 || closes.length < 3) return;
              const sma = (closes.at(-1)! + closes.at(-2)! + closes.at(-3)!) / 3;
              const r = ctx.buy(0.01);
              if (r.ok) first.push({ ts: b.ts, close: b.close, sma });
              else warmedBars.push(b.ts);
            },
          };
        },
      });
      const cfgLive = loopbackConfig(venue.url, 'paper', 'sma3-first', { venue: { exchange: 'binance', symbol: 'BTC/USDT', url: venue.url, bars: '1s' }, session: { maxSeconds: 3.5, maxEvents: 1e9 } });
      const live = await loopbackRun(cfgLive, def);
      const done = live.logs.find((l) => l.message.startsWith('warm-up done'));
      expect(done?.fields).toMatchObject({ bars: 3 });
      expect(first).toHaveLength(1);
      const liveDecision = first.pop()!;
      // The venue's candles (REST, independently of the session), as a bar file stamped at each candle's close.
      const candles = (await c.fetchOHLCV('BTC/USDT', '1s', undefined, 1000)).slice(0, -1); // the last one is still open
      const csv = ['timestamp,open,high,low,close,volume', ...candles.map((k) => [new Date(Number(k[0]) + 1000).toISOString(), k[1], k[2], k[3], k[4], k[5]].join(','))].join('\n');
      const file = tmp.file('candles.csv', `${csv}\n`);
      // The session's first live candle closed right after the last warm-up one.
      const firstLive = (done!.fields as { to: number }).to + 1_000_000;
      const bt = await runBacktest({
        strategy: 'sma3-first', data: [{ file, instrument: { symbol: 'BTCUSDT', lotSize: 0.001 } }], from: new Date(firstLive / 1000).toISOString(), cash: 100_000,
      }, { strategy: def });
      expect(bt.orders.length).toBe(1);
      const btDecision = first.pop()!;
      expect(btDecision.ts).toBe(firstLive);
      expect(btDecision.close).toBe(liveDecision.close);
      expect(btDecision.sma).toBeCloseTo(liveDecision.sma, 12);
    } finally {
      await venue.close();
    }
  }, 60_000);
});
