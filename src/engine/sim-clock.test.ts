import { describe, expect, it } from 'vitest';
import type { TimerEvent } from './clock.ts';
import { bytesAllocated } from '../../test/allocations.ts';
import { SimClock } from './sim-clock.ts';

describe('SimClock', () => {
  it('fires due timers in time order, then same-time timers in the order set', () => {
    const c = new SimClock(0);
    const fired: Array<[string, number, number]> = [];
    const on = (t: TimerEvent) => fired.push([t.name, t.ts, c.now()]);
    c.setTimer('b', 20);
    c.setTimer('a', 10);
    c.setTimer('c', 20);
    c.setTimer('late', 100);
    c.advanceTo(20, on);
    expect(fired).toEqual([['a', 10, 10], ['b', 20, 20], ['c', 20, 20]]);
    expect(c.now()).toBe(20);
    expect(c.nextTimerTs()).toBe(100);
  });

  it('repeats interval timers, resets by name and cancels', () => {
    const c = new SimClock(0);
    const fired: number[] = [];
    c.setTimer('tick', 5, 5);
    c.setTimer('x', 7);
    c.setTimer('x', 9); // replaces the first 'x'
    c.advanceTo(16, (t) => fired.push(t.name === 'x' ? -t.ts : t.ts));
    expect(fired).toEqual([5, -9, 10, 15]);
    expect(c.cancelTimer('tick')).toBe(true);
    expect(c.cancelTimer('tick')).toBe(false);
    c.advanceTo(100, () => fired.push(0));
    expect(fired).toHaveLength(4);
  });

  it('refuses to go backwards', () => {
    const c = new SimClock(50);
    expect(() => c.advanceTo(49, () => {})).toThrow(/backwards/);
  });

  it('clamps timers set in the past to now', () => {
    const c = new SimClock(50);
    c.setTimer('past', 10);
    expect(c.nextTimerTs()).toBe(50);
  });

  it('moving time allocates nothing per event (a tagged time field would: a 16-byte number each)', async () => {
    const c = new SimClock(1.6e15);
    const none = () => {};
    const n = 200_000;
    let k = 0;
    const step = (): void => { for (let i = 0; i < n; i++) c.advanceTo(1.6e15 + ++k * 60e6 + 0.5, none); };
    step(); // optimized first
    const bytes = await bytesAllocated(step);
    expect(c.now()).toBe(1.6e15 + 2 * n * 60e6 + 0.5);
    expect(bytes).toBeLessThan(n * 16 / 10); // one heap number per event would be n × 16 bytes
  });
});

