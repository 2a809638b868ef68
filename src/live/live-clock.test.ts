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

  it('events timeline (paper): now() is the latest event\'s time, not the wall clock; events are stamped from the wall clock', () => {
    let t = 500;
    const c = new LiveClock(() => t, 'events');
    expect(c.now()).toBe(500); // before the first event: the session's start (onStart sees it)
    t = 5_000;
    expect(c.wall()).toBe(5_000);
    c.advanceTo(1_000, () => {});
    expect(c.now()).toBe(1_000); // the handler ran late (wall 5,000): it still sees the event's time
    t = 4_000; // the wall clock is stepped back
    expect(c.wall()).toBe(5_000);
    c.advanceTo(900, () => {}); // never backwards
    expect(c.now()).toBe(1_000);
  });

  it('events timeline: a timer due between the event\'s time and the late wall clock waits for a later event, as in a replay', () => {
    let t = 0;
    const c = new LiveClock(() => t, 'events');
    const fired: string[] = [];
    c.setTimer('quote', 1_500);
    t = 2_000;
    c.advanceTo(1_200, (e) => fired.push(`${e.name}@${c.now()}`));
    expect(fired).toEqual([]); // the wall clock (wall timeline) would have fired it before the event
    c.advanceTo(1_600, (e) => fired.push(`${e.name}@${c.now()}`));
    expect(fired).toEqual(['quote@1500']);
    expect(c.now()).toBe(1_600);
    const w = new LiveClock(() => t);
    const wallFired: string[] = [];
    w.setTimer('quote', 1_500);
    w.advanceTo(1_200, (e) => wallFired.push(e.name));
    expect(wallFired).toEqual(['quote']);
    c.close();
    w.close();
  });

  it('events timeline: a wake-up carries the due timer\'s time, not the wall clock\'s', async () => {
    const c = new LiveClock(wallMicros, 'events');
    const woke = new Promise<number>((resolve) => { c.onWake = resolve; });
    const due = wallMicros() + 20_000; // 20 ms
    c.setTimer('soon', due);
    expect(await woke).toBe(due);
    c.close();
  });
});
