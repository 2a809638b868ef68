import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, SymbolResolver, type SessionConfigInput } from 'lockstep';
import { writeSynthL2 } from '../../src/data/synth-files.ts';
import { tempDir } from '../../test/tmp.ts';
import { crossEdgeBps, strategy } from './index.ts';

const tmp = tempDir();
let dir = '';

beforeAll(async () => {
  dir = tmp.file('pair');
  await writeSynthL2(dir, { events: 300_000, seed: 3, pair: true });
});

const config = (params: Record<string, unknown> = {}): SessionConfigInput => ({
  strategy: 'cross-venue-arb', params, cash: 1e6, commission: { type: 'instrument' },
  data: [
    { file: join(dir, 'A'), instrument: { symbol: 'BTCUSDT', venue: 'BINANCE', lotSize: 0.001, takerFee: 0.0001 }, latency: { entryMicros: 1000, responseMicros: 1000 } },
    { file: join(dir, 'B'), instrument: { symbol: 'XBTUSDT', venue: 'KRAKEN', lotSize: 0.001, takerFee: 0.0002 }, latency: { entryMicros: 5000, responseMicros: 5000 } },
  ],
});

describe('symbol resolver', () => {
  const r = new SymbolResolver([
    { unified: 'BTC/USDT', venue: 'BINANCE', symbol: 'BTCUSDT' },
    { unified: 'BTC/USDT', venue: 'KRAKEN', symbol: 'XBTUSDT' },
    { unified: 'ETH/USDT', venue: 'BINANCE', symbol: 'ETHUSDT' },
  ]);
  it('maps unified ↔ venue symbols and instrument ids', () => {
    expect(r.venueSymbol('BTC/USDT', 'KRAKEN')).toBe('XBTUSDT');
    expect(r.unified('KRAKEN', 'XBTUSDT')).toBe('BTC/USDT');
    expect(r.instrumentId('ETH/USDT', 'BINANCE')).toBe('ETHUSDT.BINANCE');
    expect(r.venues('BTC/USDT')).toEqual(['BINANCE', 'KRAKEN']);
  });
  it('names what is missing or contradictory', () => {
    expect(() => r.venueSymbol('ETH/USDT', 'KRAKEN')).toThrow(/ETH\/USDT is not listed on KRAKEN/);
    expect(() => r.add({ unified: 'BTC/USDT', venue: 'KRAKEN', symbol: 'BTCUSD' })).toThrow(/already mapped to XBTUSDT/);
    expect(() => r.add({ unified: 'SOL/USDT', venue: 'KRAKEN', symbol: 'XBTUSDT' })).toThrow(/already mapped to BTC\/USDT/);
  });
});

describe('cross-venue-arb', () => {
  it('edge after taker fees (hand-computed)', () => {
    // Sell 100.20 with 1 bp fee, buy 100.12 with 2 bp: (100.18998 − 100.140024) / 100.12 = 4.9896 bps
    expect(crossEdgeBps(100.2, 0.0001, 100.12, 0.0002)).toBeCloseTo(((100.2 * 0.9999 - 100.12 * 1.0002) / 100.12) * 1e4, 12);
    expect(crossEdgeBps(100.2, 0.0001, 100.12, 0.0002)).toBeCloseTo(4.98961, 4);
    expect(crossEdgeBps(100, 0, 100, 0)).toBe(0);
  });

  it('on two synchronized venues: both legs at a locked-in edge, per-venue latency, bounded inventory, net position hedged', async () => {
    const r = await runBacktest(config({ maxInventory: 0.5 }), { strategy });
    const arb = r.orders.filter((o) => o.tag === 'arb');
    expect(arb.length).toBeGreaterThan(20);
    // Legs are sent in pairs at the same time: the buy leg at the ask, the sell leg at the bid.
    let pairs = 0;
    for (let k = 0; k + 1 < arb.length; k += 2) {
      const [buy, sell] = arb[k].side === 'buy' ? [arb[k], arb[k + 1]] : [arb[k + 1], arb[k]];
      expect(buy.createdTs).toBe(sell.createdTs);
      expect(buy.instrumentId).not.toBe(sell.instrumentId);
      const fee = (o: typeof buy) => (o.instrumentId.endsWith('KRAKEN') ? 0.0002 : 0.0001);
      expect(crossEdgeBps(sell.price, fee(sell), buy.price, fee(buy))).toBeGreaterThan(1);
      if (buy.status === 'filled' && sell.status === 'filled') {
        pairs++;
        // IOC limits: never worse than the prices the edge was computed on.
        expect(buy.avgFillPrice).toBeLessThanOrEqual(buy.price + 1e-9);
        expect(sell.avgFillPrice).toBeGreaterThanOrEqual(sell.price - 1e-9);
      }
    }
    expect(pairs).toBeGreaterThan(5);
    // Each venue's answers come back after its own round trip: 2 ms on BINANCE, 10 ms on KRAKEN (at least).
    for (const f of r.fills) {
      const o = r.orders.find((x) => x.id === f.orderId)!;
      expect(f.ts - o.createdTs).toBeGreaterThanOrEqual(f.instrumentId.endsWith('KRAKEN') ? 10_000 : 2000);
    }
    // Inventory per venue within the limit; the net position is flat again after every hedge.
    const pos: Record<string, number> = {};
    for (const f of r.fills) {
      pos[f.instrumentId] = (pos[f.instrumentId] ?? 0) + (f.side === 'buy' ? f.qty : -f.qty);
      expect(Math.abs(pos[f.instrumentId])).toBeLessThanOrEqual(0.5 + 1e-9);
    }
    const net = Object.values(pos).reduce((a, b) => a + b, 0);
    expect(Math.abs(net)).toBeLessThanOrEqual(0.1 + 1e-9);
  }, 60_000);

  it('explicit listings map the unified symbol to each venue; a wrong one is named', async () => {
    const ok = await runBacktest(config({ listings: { KRAKEN: 'XBTUSDT', BINANCE: 'BTCUSDT' } }), { strategy });
    expect(ok.orders.length).toBeGreaterThan(0);
    await expect(runBacktest(config({ listings: { KRAKEN: 'XBTUSD', BINANCE: 'BTCUSDT' } }), { strategy })).rejects.toThrow(/XBTUSD\.KRAKEN|unknown instrument/i);
  }, 60_000);
});
