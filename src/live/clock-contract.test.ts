import { describe, expect, it } from 'vitest';
import type { TimerEvent } from '../engine/clock.ts';
import type { DrivableClock } from '../engine/engine-options.ts';
import { SimClock } from '../engine/sim-clock.ts';
import { LiveClock } from './live-clock.ts';

const T0 = 1_700_000_000_000_000;

/** A clock and a way to move it to `ts`: replay advances the simulated time; live, the wall clock moves and the engine advances. */
interface Driven {
  clock: DrivableClock;
  advance(ts: number, onTimer: (t: TimerEvent) => void): void;
  close(): void;
}

const clocks: Array<[string, () => Driven]> = [
  ['SimClock', () => {
    const clock = new SimClock(T0);
    return { clock, advance: (ts, on) => clock.advanceTo(ts, on), close: () => {} };
  }],
  ['LiveClock (wall time under test control)', () => {
    let wall = T0;
    const clock = new LiveClock(() => wall);
    return { clock, advance: (ts, on) => { wall = ts; clock.advanceTo(ts, on); }, close: () => clock.close() };
  }],
  ['LiveClock on the events\' timeline (paper; the wall clock runs ahead)', () => {
    let wall = T0;
    const clock = new LiveClock(() => wall, 'events');
    return { clock, advance: (ts, on) => { wall = ts + 5_000; clock.advanceTo(ts, on); }, close: () => clock.close() };
  }],
];

/** The rules every Clock follows, replayed or live (see Clock and DrivableClock). */
describe.each(clocks)('clock contract: %s', (_name, make) => {
  it('inside onTimer, now() is the timer\'s due time; afterwards the time advanced to', () => {
    const { clock, advance, close } = make();
    const seen: number[][] = [];
    clock.setTimer('a', T0 + 100);
    advance(T0 + 250, (t) => seen.push([t.ts - T0, clock.now() - T0]));
    expect(seen).toEqual([[100, 100]]);
    expect(clock.now()).toBe(T0 + 250);
    close();
  });

  it('timers fire in time order, same-time timers in the order they were set; a reset replaces', () => {
    const { clock, advance, close } = make();
    const fired: string[] = [];
    clock.setTimer('b', T0 + 200);
    clock.setTimer('a', T0 + 200);
    clock.setTimer('c', T0 + 100);
    clock.setTimer('d', T0 + 50);
    clock.setTimer('d', T0 + 300); // replaces the first 'd'
    advance(T0 + 300, (t) => fired.push(`${t.name}@${t.ts - T0}`));
    expect(fired).toEqual(['c@100', 'b@200', 'a@200', 'd@300']);
    close();
  });

  it('a timer set in the past fires at the next advance, due at the time it was set', () => {
    const { clock, advance, close } = make();
    advance(T0 + 500, () => {});
    clock.setTimer('past', T0 + 100);
    expect(clock.nextTimerTs()).toBe(T0 + 500);
    const seen: number[][] = [];
    advance(T0 + 600, (t) => seen.push([t.ts - T0, clock.now() - T0]));
    expect(seen).toEqual([[500, 500]]);
    close();
  });

  it('cancel: true for a pending timer, false after; a cancelled timer never fires', () => {
    const { clock, advance, close } = make();
    clock.setTimer('x', T0 + 10);
    expect(clock.cancelTimer('x')).toBe(true);
    expect(clock.cancelTimer('x')).toBe(false);
    expect(clock.nextTimerTs()).toBe(Infinity);
    const fired: string[] = [];
    advance(T0 + 100, (t) => fired.push(t.name));
    expect(fired).toEqual([]);
    close();
  });

  it('repeating timers keep their schedule (no drift) and see their due times', () => {
    const { clock, advance, close } = make();
    const seen: number[] = [];
    clock.setTimer('tick', T0 + 100, 100);
    advance(T0 + 350, () => seen.push(clock.now() - T0));
    advance(T0 + 420, () => seen.push(clock.now() - T0));
    expect(seen).toEqual([100, 200, 300, 400]);
    close();
  });

  it('time never goes backwards, through timers set from timer callbacks too', () => {
    const { clock, advance, close } = make();
    const times: number[] = [];
    clock.setTimer('first', T0 + 100);
    const on = (t: TimerEvent) => {
      times.push(clock.now());
      if (t.name === 'first') clock.setTimer('earlier', T0 + 50); // in the past: due now
    };
    advance(T0 + 200, on);
    times.push(clock.now());
    advance(T0 + 300, on);
    times.push(clock.now());
    expect(times.map((t) => t - T0)).toEqual([100, 100, 200, 300]);
    for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThanOrEqual(times[k - 1]);
    close();
  });

  it('refuses timers at a non-finite time', () => {
    const { clock, close } = make();
    expect(() => clock.setTimer('bad', Number.NaN)).toThrow(/finite/);
    close();
  });
});
