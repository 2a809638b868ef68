import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../core/instrument.ts';
import { InstrumentSlots } from './instrument-slots.ts';

const btcBinance = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE' });
const btcBybit = defineInstrument({ symbol: 'BTCUSDT', venue: 'BYBIT' });
const eth = defineInstrument({ symbol: 'ETHUSDT', venue: 'BINANCE' });

describe('InstrumentSlots', () => {
  it('finds a slot by id, by instrument, and by a symbol only one instrument has', () => {
    const s = new InstrumentSlots([btcBinance, btcBybit, eth]);
    expect(s.of('BTCUSDT.BYBIT')).toBe(1);
    expect(s.of(eth)).toBe(2);
    expect(s.of('ETHUSDT')).toBe(2);
  });

  it('refuses a symbol two instruments share, a missing instrument among several, and an unknown one, naming the run\'s', () => {
    const s = new InstrumentSlots([btcBinance, btcBybit, eth]);
    expect(() => s.of('BTCUSDT')).toThrow('unknown instrument "BTCUSDT"; the run has BTCUSDT.BINANCE, BTCUSDT.BYBIT, ETHUSDT.BINANCE');
    expect(() => s.of(undefined)).toThrow('this run has several instruments: name the instrument');
    expect(() => s.of('SOLUSDT.BINANCE')).toThrow('unknown instrument "SOLUSDT.BINANCE"');
  });

  it('implies the only instrument; refuses a list with an instrument twice', () => {
    expect(new InstrumentSlots([eth]).of(undefined)).toBe(0);
    expect(new InstrumentSlots([eth]).implied).toBe(0);
    expect(new InstrumentSlots([eth, btcBinance]).implied).toBe(-1);
    expect(() => new InstrumentSlots([eth, btcBinance, eth])).toThrow('instrument ETHUSDT.BINANCE is listed twice');
  });
});
