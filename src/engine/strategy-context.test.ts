import { describe, expect, it } from 'vitest';
import { defineInstrument, type Instrument } from '../core/instrument.ts';
import { InstrumentSlots } from './instrument-slots.ts';
import { MemoryLogger } from './logger.ts';
import { OpenOrders } from './open-orders.ts';
import { Portfolio } from './portfolio.ts';
import { SimClock } from './sim-clock.ts';
import { createContext } from './strategy-context.ts';

const btc = defineInstrument({ symbol: 'BTCUSDT', venue: 'BINANCE' });
const eth = defineInstrument({ symbol: 'ETHUSDT', venue: 'BINANCE' });

/** A Context over a portfolio holding `qty[i]` of instrument i (bought at 100), with no order path. */
function contextWith(instruments: Instrument[], qty: number[]) {
  const portfolio = new Portfolio(instruments, 1_000_000);
  qty.forEach((q, i) => portfolio.applyFill(i, q, 100, 0, 0, 0));
  const slots = new InstrumentSlots(instruments);
  const refuse = () => { throw new Error('no order path in this test'); };
  const clock = new SimClock();
  return createContext({
    clock, instruments, portfolio, open: new OpenOrders(), books: undefined,
    slotOf: slots.of, impliedSlot: slots.implied, submit: refuse, cancel: refuse, replace: refuse, contingent: refuse,
  }, new MemoryLogger(() => clock.now()));
}

describe('createContext: position', () => {
  it('reads the only instrument when none is named, as when it is named by id or symbol', () => {
    const ctx = contextWith([eth], [-3]);
    expect(ctx.position()).toBe(-3);
    expect(ctx.position(eth.id)).toBe(-3);
    expect(ctx.position('ETHUSDT')).toBe(-3);
    expect(ctx.position(eth.id)).toBe(ctx.positionView().qty);
  });

  it('reads each instrument of several by name, and refuses a call that names none', () => {
    const ctx = contextWith([btc, eth], [2, -5]);
    expect(ctx.position(btc.id)).toBe(2);
    expect(ctx.position('ETHUSDT')).toBe(-5);
    expect(() => ctx.position()).toThrow('this run has several instruments: name the instrument');
    expect(() => ctx.position('SOLUSDT')).toThrow('unknown instrument "SOLUSDT"');
  });
});
