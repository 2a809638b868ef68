import { describe, expect, it } from 'vitest';
import { withNatives } from '../../test/natives.ts';
import { defineInstrument, isMultipleOf, roundToTick } from './instrument.ts';

describe('instrument', () => {
  it('resolves defaults and derives id and settlement', () => {
    const i = defineInstrument({ symbol: 'ES', venue: 'CME', multiplier: 50, margin: 12_000 });
    expect(i).toMatchObject({ id: 'ES.CME', tickSize: 0.01, lotSize: 1, settlement: 'margin', makerFee: 0 });
    expect(Object.isFrozen(i)).toBe(true);
    expect(defineInstrument({ symbol: 'X' }).settlement).toBe('cash');
  });

  it('rejects unknown keys and bad values', () => {
    expect(() => defineInstrument({ symbol: 'X', tick: 1 } as never)).toThrow(/tick/);
    expect(() => defineInstrument({ symbol: 'X', tickSize: -1 })).toThrow();
  });

  it('checks and rounds to grids despite binary noise', () => {
    expect(isMultipleOf(0.3, 0.1)).toBe(true);
    expect(isMultipleOf(0.35, 0.1)).toBe(false);
    expect(roundToTick(100.126, 0.01)).toBe(100.13);
    expect(roundToTick(0.1 * 3, 0.1)).toBe(0.3);
  });
});

describe('roundToTick without strings', () => {
  it('equals the toFixed formulation (nearest double to the tick grid at two finer decimals) on 160k random prices and ticks', () => {
    const viaString = (price: number, tickSize: number) => {
      const r = Math.round(price / tickSize) * tickSize;
      return Number(r.toFixed(Math.min(12, Math.max(0, -Math.floor(Math.log10(tickSize)) + 2))));
    };
    let s = 12345;
    const rnd = () => { s = (s * 48271) % 2147483647; return s / 2147483647; };
    let differences = 0;
    for (const tick of [1, 0.5, 0.25, 0.1, 0.05, 0.01, 0.005, 0.001, 1e-4, 1e-5, 1e-6, 1e-8, 0.125, 0.3, 7, 1e-10]) {
      for (let k = 0; k < 10_000; k++) {
        const p = rnd() * 10 ** Math.floor(rnd() * 8) * (rnd() < 0.05 ? -1 : 1);
        const a = roundToTick(p, tick);
        const b = viaString(p, tick);
        if (!(a === b || (a === 0 && b === 0))) differences++;
      }
    }
    expect(differences).toBe(0);
    expect(roundToTick(0.1 * 3, 0.1)).toBe(0.3);
    expect(roundToTick(100.03, 0.01)).toBe(100.03);
  });

  it('has one shape (V8 map) whatever the input gave, and its fields in one order', () => {
    const out = withNatives(`
      const { defineInstrument } = await import('./src/core/instrument.ts');
      const make = () => [
        defineInstrument({ symbol: 'A' }),
        defineInstrument({ lotSize: 0.001, tickSize: 0.5, symbol: 'B', venue: 'X' }),
        defineInstrument({ symbol: 'C', margin: 5, multiplier: 50, takerFee: 0.0004, makerFee: -0.0001, minNotional: 10 }),
        defineInstrument({ minNotional: 1, symbol: 'D' }),
      ];
      // Field representations settle first (a first 1 is stored as an integer, a later 0.5 generalizes
      // it), and zod compiles its parser after some calls (its output objects then differed in map each time).
      for (let k = 0; k < 40; k++) make();
      const xs = [...make(), ...make()];
      console.log(JSON.stringify([xs.every((x) => %HaveSameMap(x, xs[0])), ...xs.map((x) => Object.keys(x).join())]));`);
    const [same, ...keys] = JSON.parse(out) as [boolean, ...string[]];
    expect(same).toBe(true);
    for (const k of keys) expect(k).toBe('symbol,venue,tickSize,lotSize,multiplier,margin,makerFee,takerFee,minNotional,id,settlement');
  }, 60_000);
});

