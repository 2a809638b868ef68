import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from 'lockstep';
import { allocDeltas, DeltaFlag } from '../../src/data/tick-batch.ts';
import { writeSynthL2 } from '../../src/data/synth-files.ts';
import { writeTickParquet } from '../../src/data/tick-parquet.ts';
import { loopbackSession, startLoopback } from '../../test/loopback-session.ts';
import { tempDir } from '../../test/tmp.ts';
import { sessionLeft, strategy } from './index.ts';
import { asDepths, EwmaVariance, glftDepths, IntensityEstimator, optimalSpread, reservationPrice } from './quote-math.ts';

const tmp = tempDir();

describe('Avellaneda–Stoikov quote math (hand-computed values)', () => {
  it('reservation price r = s − q·γ·σ²·(T−t)', () => {
    // 100 − 2·0.1·4·0.5 = 99.6
    expect(reservationPrice(100, 2, 0.1, 4, 0.5)).toBeCloseTo(99.6, 12);
    expect(reservationPrice(100, 0, 0.1, 4, 0.5)).toBe(100);
  });

  it('optimal spread δ = γσ²(T−t) + (2/γ)·ln(1 + γ/κ)', () => {
    // 0.1·4·0.5 + 20·ln(1 + 0.1/1.5) = 0.2 + 20·0.0645385211 = 1.4907704228
    expect(optimalSpread(0.1, 4, 0.5, 1.5)).toBeCloseTo(1.4907704228, 9);
  });

  it('A–S depths: bid below at shift + δ/2, ask above at δ/2 − shift (long inventory lowers both quotes)', () => {
    const d = asDepths(2, 0.1, 4, 0.5, 1.5);
    expect(d.bid).toBeCloseTo(0.4 + 1.4907704228 / 2, 9);
    expect(d.ask).toBeCloseTo(1.4907704228 / 2 - 0.4, 9);
  });

  it('GLFT closed form: c1 = ln(1+γ/κ)/γ, c2 = √(γ/(2κA)·(1+γ/κ)^(1+κ/γ))', () => {
    // γ 0.1, σ 2, κ 1.5, A 10, q 1: c1 = 0.6453852, c2 = 0.0967544 → bid c1 + 1.5·σ·c2, ask c1 − 0.5·σ·c2
    const d = glftDepths(1, 0.1, 2, 1.5, 10);
    expect(d.bid).toBeCloseTo(0.9356473670, 8);
    expect(d.ask).toBeCloseTo(0.5486311595, 8);
    // Flat inventory: symmetric around the mid.
    const f = glftDepths(0, 0.1, 2, 1.5, 10);
    expect(f.bid).toBeCloseTo(f.ask, 12);
  });

  it('EWMA variance of mid changes, per second', () => {
    const v = new EwmaVariance(10, 0.5);
    for (let i = 0; i < 50; i++) v.sample(i % 2 ? 100.1 : 100);
    // Every change is ±0.1 → 0.01 per 0.5 s sample → 0.02 per second.
    expect(v.perSecond()).toBeCloseTo(0.02, 10);
  });

  it('the intensity fit recovers κ and A of λ(δ) = A·e^(−κδ)', () => {
    // 6000 trades over 600 s (A = 10/s) at distances with P(d ≥ δ) = e^(−50δ), taken at the quantiles.
    const est = new IntensityEstimator(0.01, 8, 1e9);
    const n = 6000;
    for (let i = 0; i < n; i++) est.onTrade((i + 1) * 0.1, -Math.log(1 - (i + 0.5) / n) / 50);
    const fit = est.fit()!;
    expect(fit.kappa).toBeGreaterThan(48);
    expect(fit.kappa).toBeLessThan(52);
    expect(fit.a).toBeGreaterThan(9.5);
    expect(fit.a).toBeLessThan(10.5);
  });

  it('T − t runs to the next multiple of the horizon', () => {
    expect(sessionLeft(1e15, 60)).toBeCloseTo(20, 9); // 1e9 s = 16,666,666·60 + 40
  });
});

describe('avellaneda-stoikov on L2 data', () => {
  it('first quote on a one-level book matches the hand-computed A–S prices', async () => {
    const dir = tmp.file('one');
    mkdirSync(dir);
    const d = allocDeltas(4);
    for (let k = 0; k < 2; k++) {
      for (const [j, side, price] of [[0, 1, 99.99], [1, -1, 100.01]] as const) {
        const i = d.length++;
        d.ts[i] = 1e15 + k * 1000; d.tsLocal[i] = d.ts[i]; d.side[i] = side; d.price[i] = price; d.qty[i] = 5;
        d.flags[i] = j === 0 ? DeltaFlag.clear : DeltaFlag.last;
      }
    }
    await writeTickParquet(join(dir, 'deltas-00000.parquet'), { kind: 'deltas', batch: d });
    const r = await runBacktest({ strategy: 'avellaneda-stoikov', data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }] }, { strategy });
    // σ² = prior 0.05² = 0.0025, κ = 100, γ = 0.1, τ = 20 s (t = 1e9 s, horizon 60 s), q = 0, VAMP = mid:
    // δ/2 = (0.1·0.0025·20 + 20·ln(1.001)) / 2 = 0.0124950 → bid ⌊99.98750⌋ = 99.98, ask ⌈100.01250⌉ = 100.02
    expect(r.orders.slice(0, 2).map((o) => [o.side, o.price, o.postOnly])).toEqual([['buy', 99.98, true], ['sell', 100.02, true]]);
  });

  it('market-makes on synthetic L2 with the probabilistic queue: fills both ways, never beyond the inventory limit', async () => {
    const dir = tmp.file('synth');
    await writeSynthL2(dir, { events: 300_000, seed: 11 });
    for (const horizon of ['finite', 'infinite'] as const) {
      const r = await runBacktest({
        strategy: 'avellaneda-stoikov', params: { horizon, levels: 2, maxPosition: 0.5 }, queue: 'probabilistic',
        latency: { entryMicros: 300, responseMicros: 300 }, commission: { type: 'maker-taker', maker: -0.0001, taker: 0.0005 },
        data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }],
      }, { strategy });
      const buys = r.fills.filter((f) => f.side === 'buy').length;
      const sells = r.fills.filter((f) => f.side === 'sell').length;
      expect(buys).toBeGreaterThan(10);
      expect(sells).toBeGreaterThan(10);
      let pos = 0;
      for (const f of r.fills) {
        pos += f.side === 'buy' ? f.qty : -f.qty;
        expect(Math.abs(pos)).toBeLessThanOrEqual(0.5 + 1e-9);
      }
      // Resting quotes only: every fill is a maker fill with the rebate (negative fee).
      expect(r.orders.every((o) => o.type === 'limit' && o.postOnly)).toBe(true);
      expect(r.fills.every((f) => f.liquidity === 'maker' && f.fee <= 0)).toBe(true);
    }
  }, 60_000);
});

describe('avellaneda-stoikov on the loopback exchange (same module as the backtests)', () => {
  let lb: Awaited<ReturnType<typeof startLoopback>>;
  beforeAll(async () => { lb = await startLoopback(21); });
  afterAll(async () => { await lb?.close(); });

  it('paper mode quotes the live book and gets simulated fills', async () => {
    const r = await loopbackSession(lb.url, 'paper', strategy, { size: 0.01, maxPosition: 0.05, sessionSeconds: 5 }, { maxEvents: 3000 });
    expect(r.orders.length).toBeGreaterThan(2);
    expect(r.orders.every((o) => o.postOnly)).toBe(true);
  }, 40_000);

  it('live mode sends real post-only orders through ccxt and cancels them at the end', async () => {
    // The account holds 1 BTC (adopted at start-up): quote around it as the target inventory.
    const r = await loopbackSession(lb.url, 'live', strategy, { size: 0.01, targetPosition: 1, maxPosition: 1.05, sessionSeconds: 5, minRequoteMillis: 50 }, { maxEvents: 6000 });
    const mine = r.orders.map((o) => o.id);
    expect(mine.length).toBeGreaterThan(1);
    // Every order the exchange accepted is known there by our client id (refusals may never reach its book).
    const accepted = r.orders.filter((o) => o.status !== 'rejected').map((o) => o.id);
    expect(accepted.length).toBeGreaterThan(1);
    expect(lb.exchange.clientOrderIds().filter((id) => accepted.includes(id)).length).toBe(accepted.length);
    const atVenue = lb.exchange.clientOrderIds(true).filter((id) => mine.includes(id));
    expect(atVenue).toHaveLength(0);
  }, 40_000);
});
