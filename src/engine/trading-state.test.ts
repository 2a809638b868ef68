import { describe, expect, it } from 'vitest';
import { TradingMode, TradingState } from './trading-state.js';

describe('TradingState', () => {
  it('kill is final: the flag and the mode agree, a second kill and every other transition are refused', () => {
    const s = new TradingState();
    expect(s.killed).toBe(false);
    expect(s.kill('loss limit', 42)).toBe(true);
    expect([s.mode, s.killed, s.killedAt]).toEqual([TradingMode.killed, true, 42]);
    expect(s.kill('again', 43)).toBe(false);
    expect(s.pause('stale feed')).toBe(false);
    expect(s.resume()).toBe(false);
    expect(s.warmUp()).toBe(false);
    s.endWarmUp();
    expect([s.mode, s.killed, s.killedAt, s.reason]).toEqual([TradingMode.killed, true, 42, 'loss limit']);
    expect(s.refusal()).toBe('trading halted: kill switch: loss limit');
  });

  it('a kill during warm-up or a pause wins over the later end of warm-up or resume', () => {
    const warming = new TradingState();
    warming.warmUp();
    warming.kill('max drawdown', 1);
    warming.endWarmUp();
    expect([warming.mode, warming.killed]).toEqual([TradingMode.killed, true]);
    const paused = new TradingState();
    paused.pause('disconnected');
    expect(paused.killed).toBe(false);
    paused.kill('operator', 2);
    expect(paused.resume()).toBe(false);
    expect([paused.mode, paused.killed]).toEqual([TradingMode.killed, true]);
  });

  it('pause and resume leave the kill flag down', () => {
    const s = new TradingState();
    expect(s.pause('stale feed')).toBe(true);
    expect(s.refusal()).toBe('trading paused: stale feed');
    expect(s.resume()).toBe(true);
    expect([s.mode, s.killed, s.refusal()]).toEqual([TradingMode.active, false, null]);
  });
});
