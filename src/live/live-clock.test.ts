import { describe, expect, it } from 'vitest';
import type { TimerEvent } from '../engine/clock.ts';
import { LiveClock, wallMicros } from './live-clock.ts';

describe('LiveClock', () => {
  it('reads wall time in µs and never goes backwards', () => {
    let t = 1_000;
    const c = new LiveClock(() => t);
    expect(c.now()).toBe(1_000);
    t = 500; // the wall clock is stepped back
    expect(c.now()).toBe(1_000);
    const w = wallMicros();
    expect(Math.abs(w - Date.now() * 1000)).toBeLessThan(5_000_000);
  });

  it('fires due timers in time order when advanced, repeating ones again', () => {
    let t = 0;
    const c = new LiveClock(() => t);
    const fired: string[] = [];
    c.setTimer('b', 200);
    c.setTimer('a', 100, 150);
    t = 260;
    c.advanceTo(260, (e: TimerEvent) => fired.push(`${e.name}@${e.ts}`));
    expect(fired).toEqual(['a@100', 'b@200', 'a@250']);
    c.close();
  });

  it('wakes the live loop when a timer falls due without events', async () => {
    const c = new LiveClock();
    const woke = new Promise<number>((resolve) => { c.onWake = resolve; });
    c.setTimer('soon', c.now() + 20_000); // 20 ms
    const at = await woke;
    expect(at).toBeGreaterThanOrEqual(c.nextTimerTs());
    const fired: string[] = [];
    c.advanceTo(at, (e) => fired.push(e.name));
    expect(fired).toEqual(['soon']);
    c.close();
  });
});
