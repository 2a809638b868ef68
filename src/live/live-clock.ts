import { assert } from '../core/assert.ts';
import type { Micros } from '../core/time.ts';
import type { TimerEvent } from '../engine/clock.ts';
import type { DrivableClock } from '../engine/engine-options.ts';
import { TimerQueue } from '../engine/timer-queue.ts';

/** Wall time in µs with sub-millisecond resolution (performance clock anchored at its origin). */
export function wallMicros(): Micros {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Which time a live session's `now()` reads. `wall`: the wall clock (live trading: orders
 * go out when the code runs). `events`: the receive stamp of the market event being
 * handled, or the due time of a timer (paper trading: the simulated venue then sees the
 * same times as the replay of the recording, so a paper session is a function of its
 * recorded stream and its replay matches it fill for fill, however loaded the machine).
 */
export type LiveTimeline = 'wall' | 'events';

/**
 * The live clock: `now()` is wall time, or event time (see LiveTimeline); timers are kept
 * like the simulated clock's and fire in order when the engine advances (on every event),
 * and an armed `setTimeout` wakes the live loop (`onWake`) when a timer falls due with no
 * market event to carry it. Inside a timer callback `now()` is the timer's due time, or
 * the latest time the clock already reported if that is later (time never goes
 * backwards) — the same rule as the simulated clock, so a timer that wakes on time sees
 * the time a replay would show.
 */
export class LiveClock implements DrivableClock {
  private readonly timers = new TimerQueue();
  private handle: ReturnType<typeof setTimeout> | null = null;
  private last = 0;
  /** The latest wall time read (the wall clock may be stepped back; this never is). */
  private lastWall = 0;
  /** While a timer callback runs: the time it sees. */
  private firing: Micros | null = null;
  /** Called when the earliest timer is due and no event advanced the clock. */
  onWake: ((now: Micros) => void) | null = null;

  constructor(private readonly source: () => Micros = wallMicros, readonly timeline: LiveTimeline = 'wall') {
    // Before the first event, event time is the session's start: what the strategy's onStart reads.
    if (timeline === 'events') this.last = source();
  }

  now(): Micros {
    if (this.firing !== null) return this.firing;
    if (this.timeline === 'events') return this.last;
    return (this.last = this.wall());
  }

  /** Wall time, never backwards and never before `now()`: what stamps an event as it is received. */
  wall(): Micros {
    const t = this.source();
    if (t > this.lastWall) this.lastWall = t;
    return Math.max(this.lastWall, this.last);
  }

  setTimer(name: string, at: Micros, intervalMicros = 0): void {
    assert(Number.isFinite(at), `timer "${name}" needs a finite time, got ${at}`);
    assert(intervalMicros >= 0, `timer "${name}" interval must be >= 0`);
    // A time already past means "as soon as possible": due now, as in replay.
    this.timers.set(name, Math.max(at, this.now()), intervalMicros);
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
    // Wall timeline: the wall clock is read without marking it seen, timers fire at their own
    // due time. Event timeline: only the event's time counts, as in a replay.
    const limit = this.timeline === 'events' ? ts : Math.max(ts, this.source());
    while (this.timers.peekTs() <= limit) {
      const t = this.timers.pop();
      this.firing = this.last = Math.max(t.ts, this.last);
      try {
        onTimer(t);
      } finally {
        this.firing = null;
      }
    }
    if (this.timeline === 'events' && ts > this.last) this.last = ts;
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
    const delayMs = Math.max(0, Math.ceil((next - this.source()) / 1000));
    this.handle = setTimeout(() => {
      this.handle = null;
      // setTimeout has millisecond granularity and may fire a little early: wait again.
      const wall = this.source();
      const due = this.timers.peekTs();
      if (wall < due) this.arm();
      else this.onWake?.(this.timeline === 'events' ? due : wall); // event timeline: the timer's time, as a replay shows it
    }, delayMs);
    this.handle.unref?.();
  }
}
