import { describe, expect, it } from 'vitest';
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
