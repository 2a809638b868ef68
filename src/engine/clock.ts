import type { Micros } from '../core/time.ts';

/** A timer firing, handed to `Strategy.onTimer`. */
export interface TimerEvent {
  /** Name given when the timer was set. */
  readonly name: string;
  /** Time the timer was due (the clock reads this while it fires). */
  readonly ts: Micros;
}

/** The only source of time for strategies and the engine; simulated in replay, wall time live. */
export interface Clock {
  /** Current time in microseconds since the epoch. */
  now(): Micros;
  /**
   * Sets (or resets) the named timer to fire at `at`, then every `intervalMicros` if given.
   * Timers due at the same time as a market event fire before it.
   */
  setTimer(name: string, at: Micros, intervalMicros?: number): void;
  /** Cancels the named timer; false when no such timer was pending. */
  cancelTimer(name: string): boolean;
  /** Time of the earliest pending timer, Infinity when none. */
  nextTimerTs(): Micros;
}
