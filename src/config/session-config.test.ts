import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { parseSessionConfig, sessionConfigJsonSchema } from './session-config.ts';

const backtest = { strategy: 'ma-cross', data: [{ file: 'bars.csv', instrument: { symbol: 'SYN' } }] };

/** The error message of parsing `input`, or '' when it parses. */
function refusal(input: unknown): string {
  try {
    parseSessionConfig(input);
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

describe('session config', () => {
  it('resolves a plain backtest to the documented defaults (written out here by hand)', () => {
    const c = parseSessionConfig(backtest);
    expect(c).toEqual({
      mode: 'backtest', strategy: 'ma-cross', params: {}, data: backtest.data, cash: 10_000,
      commission: { type: 'none' }, slippage: { type: 'none' }, fillTiming: 'next-open', maxVolumeShare: 0,
      checkCash: true, checkSubmit: false, reversal: 'close-then-refuse', shortMargin: 0, onBadRow: 'error', seed: 1,
      latency: { entryMicros: 0, responseMicros: 0 }, queue: 'risk-averse', queuePower: 3, onCrossedBook: 'error',
      onKill: 'flatten', offGrid: 'round', emulate: [],
      session: { staleMillis: 5000, maxOutageSeconds: 30, keepOrders: false, statusEverySeconds: 10 },
      logLevel: 'info',
    });
    expect(Object.isFrozen(c.session)).toBe(true);
    expect(Object.isFrozen(c.commission)).toBe(true);
  });

  it('gives an absent session section exactly what the section\'s schema makes of an empty one', () => {
    const absent = parseSessionConfig(backtest).session;
    const empty = parseSessionConfig({ ...backtest, session: {} }).session;
    expect(JSON.stringify(absent)).toBe(JSON.stringify(empty)); // same keys, same order
  });

  it('hands every run defaults of its own (a frozen default of one parse is not the next one\'s)', () => {
    const a = parseSessionConfig(backtest);
    const b = parseSessionConfig(backtest);
    expect(a.session).not.toBe(b.session);
    expect(a.latency).not.toBe(b.latency);
  });

  it('still validates the sections built on first use, naming the field', () => {
    expect(refusal({ ...backtest, commission: { type: 'rate', rate: 2 } })).toMatch(/commission\.rate/);
    expect(refusal({ ...backtest, slippage: { type: 'pips', pips: 1 } })).toMatch(/slippage/);
    expect(refusal({ ...backtest, latency: { file: '' } })).toMatch(/latency/);
    expect(refusal({ ...backtest, session: { staleMillis: -1 } })).toMatch(/session\.staleMillis/);
    expect(refusal({ ...backtest, session: { sessionMillis: 1 } })).toMatch(/sessionMillis/);
    expect(parseSessionConfig({ ...backtest, commission: { type: 'rate', rate: 0.001 } }).commission).toEqual({ type: 'rate', rate: 0.001 });
    expect(parseSessionConfig({ ...backtest, latency: { file: 'lat.csv' } }).latency).toEqual({ file: 'lat.csv' });
  });

  it('describes those sections in its JSON Schema, with their defaults', () => {
    const props = sessionConfigJsonSchema().properties as Record<string, Record<string, unknown>>;
    expect(props.commission.default).toEqual({ type: 'none' });
    expect((props.commission.oneOf as unknown[]).length).toBe(5); // none, rate, per-contract, maker-taker, instrument
    expect((props.slippage.oneOf as unknown[]).length).toBe(4);
    expect((props.latency.anyOf as unknown[]).length).toBe(2);
    expect(props.session.default).toEqual({ staleMillis: 5000, maxOutageSeconds: 30, keepOrders: false, statusEverySeconds: 10 });
    expect(Object.keys(props.session.properties as object)).toEqual(['maxSeconds', 'maxEvents', 'staleMillis', 'maxOutageSeconds', 'keepOrders', 'record', 'statusEverySeconds']);
  });
});
