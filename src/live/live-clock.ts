import type { Micros } from '../core/time.ts';
import type { TimerEvent } from '../engine/clock.ts';
import type { DrivableClock } from '../engine/engine.ts';
import { TimerQueue } from '../engine/timer-queue.ts';

/** Wall time in µs with sub-millisecond resolution (performance clock anchored at its origin). */
export function wallMicros(): Micros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * The live clock: `now()` is wall time; timers are kept like the simulated clock's and
 * fire in order when the engine advances (on every event), and an armed `setTimeout`
 * wakes the live loop (`onWake`) when a timer falls due with no market event to carry it.
 */
export class LiveClock implements DrivableClock {
  private readonly timers = new TimerQueue();
  private handle: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  /** Called when the earliest timer is due and no event advanced the clock. */
  onWake: ((now: Micros) => void) | null = null;

  constructor(private readonly source: () => Micros = wallMicros) {}

  now(): Micros {
    // Never backwards, even if the wall clock is stepped.
    const t = this.source();
    if (t > this.last) this.last = t;
    return this.last;
  }

  setTimer(name: string, at: Micros, intervalMicros = 0): void {
    this.timers.set(name, at, intervalMicros);
    this.arm();
  }

  cancelTimer(name: string): boolean {
    const had = this.timers.cancel(name);
    this.arm();
    return had;
  }

  nextTimerTs(): Micros {
    return this.timers.peekTs();
  }

  advanceTo(ts: Micros, onTimer: (t: TimerEvent) => void): void {
    const limit = Math.max(ts, this.now());
    while (this.timers.peekTs() <= limit) onTimer(this.timers.pop());
    this.arm();
  }

  /** Stops the wake-up timer (at shutdown). */
  close(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
  }

  private arm(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    const next = this.timers.peekTs();
    if (!Number.isFinite(next)) return;
    const delayMs = Math.max(0, Math.ceil((next - this.now()) / 1000));
    this.handle = setTimeout(() => {
      this.handle = null;
      // setTimeout has millisecond granularity and may fire a little early: wait again.
      if (this.now() < this.timers.peekTs()) this.arm();
      else this.onWake?.(this.now());
    }, delayMs);
    this.handle.unref?.();
  }
}
