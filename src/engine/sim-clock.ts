import { assert } from '../core/assert.ts';
import type { Micros } from '../core/time.ts';
import type { Clock, TimerEvent } from './clock.ts';
import { TimerQueue } from './timer-queue.ts';

/**
 * Replay clock: time moves only when the event loop advances it to the next event's
 * timestamp, and never backwards. Due timers fire (in time order) during the advance.
 */
export class SimClock implements Clock {
  /**
   * Initialized here, not only in the constructor: a field declared without a value holds
   * undefined until the constructor runs, and V8 then stores it as a tagged field, so every
   * later time written (each event) allocated a new heap number.
   */
  private current: Micros = 0;
  private readonly timers = new TimerQueue();
  /** Cached earliest timer time so the hot path is one comparison. */
  private nextTimer: Micros = Infinity;

  constructor(start: Micros = 0) {
    this.current = start;
  }

  now(): Micros {
    return this.current;
  }

  setTimer(name: string, at: Micros, intervalMicros = 0): void {
    assert(Number.isFinite(at), `timer "${name}" needs a finite time, got ${at}`);
    assert(intervalMicros >= 0, `timer "${name}" interval must be >= 0`);
    this.timers.set(name, Math.max(at, this.current), intervalMicros);
    this.nextTimer = this.timers.peekTs();
  }

  cancelTimer(name: string): boolean {
    const had = this.timers.cancel(name);
    this.nextTimer = this.timers.peekTs();
    return had;
  }

  nextTimerTs(): Micros {
    return this.nextTimer;
  }

  /**
   * Moves time to `ts`, first firing every timer due at or before it through `onTimer`.
   * Throws when asked to go backwards: replayed data must be in time order.
   */
  advanceTo(ts: Micros, onTimer: (t: TimerEvent) => void): void {
    if (ts < this.current) {
      assert(false, `SimClock cannot go backwards: now ${this.current}, asked ${ts}`);
    }
    while (this.nextTimer <= ts) {
      const t = this.timers.pop();
      this.current = t.ts;
      this.nextTimer = this.timers.peekTs();
      onTimer(t);
    }
    this.current = ts;
  }

  /** Fires every timer still pending up to `until` (end of a run). */
  drainTimers(until: Micros, onTimer: (t: TimerEvent) => void): void {
    if (until > this.current) this.advanceTo(until, onTimer);
  }
}
