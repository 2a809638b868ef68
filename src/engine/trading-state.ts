/** Whether the engine sends new orders. */
export const TradingMode = {
  /** New orders go out. */
  active: 'active',
  /** History replays through the strategy before the session's first decision: orders are not sent. */
  warmingUp: 'warming-up',
  /** New orders are refused until resumed (a stale feed, a disconnect); can be lifted. */
  paused: 'paused',
  /** The kill switch tripped: new orders refused and the strategy no longer called; final. */
  killed: 'killed',
} as const;
export type TradingMode = (typeof TradingMode)[keyof typeof TradingMode];

/** One state field with its reason, changed only through the transitions below. */
export class TradingState {
  private current: TradingMode = TradingMode.active;
  /**
   * True once the kill switch tripped (final, as the mode). Kept beside the mode because the
   * engine reads it per event, where comparing the mode's string costs the bar loop a
   * module-binding check and a string comparison; only `kill()` sets either.
   */
  private halted = false;
  /** Why the mode is not active (null while active). */
  reason: string | null = null;
  /** Engine time the kill switch tripped (NaN before). */
  killedAt = Number.NaN;

  /** Active, warming up, paused or killed. */
  get mode(): TradingMode {
    return this.current;
  }

  /** Whether the kill switch tripped (final). */
  get killed(): boolean {
    return this.halted;
  }

  /** active → paused; false when not active. */
  pause(reason: string): boolean {
    if (this.mode !== TradingMode.active) return false;
    this.current = TradingMode.paused;
    this.reason = reason;
    return true;
  }

  /** active → warming-up (before the first decision); false when not active. */
  warmUp(): boolean {
    if (this.mode !== TradingMode.active) return false;
    this.current = TradingMode.warmingUp;
    this.reason = 'warming up on history: orders are not sent';
    return true;
  }

  /** warming-up → active (unless the kill switch tripped meanwhile). */
  endWarmUp(): void {
    if (this.mode !== TradingMode.warmingUp) return;
    this.current = TradingMode.active;
    this.reason = null;
  }

  /** paused → active; false when not paused. */
  resume(): boolean {
    if (this.mode !== TradingMode.paused) return false;
    this.current = TradingMode.active;
    this.reason = null;
    return true;
  }

  /** any → killed (once); false when already killed. */
  kill(reason: string, ts: number): boolean {
    if (this.halted) return false;
    this.current = TradingMode.killed;
    this.halted = true;
    this.reason = reason;
    this.killedAt = ts;
    return true;
  }

  /** Why a new order is refused now, or null. */
  refusal(): string | null {
    if (this.mode === TradingMode.active) return null;
    if (this.mode === TradingMode.warmingUp) return this.reason;
    return this.mode === TradingMode.killed ? `trading halted: kill switch: ${this.reason}` : `trading paused: ${this.reason}`;
  }
}
