import type { EventSink, EventSource } from '../engine/event-source.ts';
import type { SessionControl } from '../data/session-files.ts';

/** What a recorded session's stale-feed episodes act on (the engine). */
export interface ControlTarget {
  advanceClock(ts: number): void;
  pauseTrading(reason: string): void;
  cancelOpenOrders(): void;
  resumeTrading(): void;
  kill(reason: string): void;
}

/**
 * A recorded session's own actions (see SessionControl), replayed where they happened: after
 * the market events of their time (this source comes after the session's market sources,
 * which win ties), the engine is paused with every open order cancelled, resumed, or killed —
 * as the live session's watchdog or a signal did. They are the session's actions, not market
 * events: none counts as one.
 */
export class ControlSource implements EventSource {
  private i = 0;

  constructor(readonly name: string, private readonly controls: readonly SessionControl[], private readonly target: () => ControlTarget | null) {}

  needsLoad(): boolean {
    return false;
  }

  async load(): Promise<void> {}

  peekTs(): number {
    return this.i < this.controls.length ? this.controls[this.i].ts : Infinity;
  }

  emitUntil(limit: number, inclusive: boolean, _sink: EventSink): number {
    const engine = this.target();
    while (this.i < this.controls.length) {
      const c = this.controls[this.i];
      if (c.ts > limit || (c.ts === limit && !inclusive)) break;
      this.i++;
      if (engine === null) continue; // no engine to act on (never during a run): passed over, so the loop moves on
      engine.advanceClock(c.ts);
      if (c.kind === 'pause') {
        engine.pauseTrading(c.reason ?? 'stale market data (recorded)');
        engine.cancelOpenOrders();
      } else if (c.kind === 'kill') {
        engine.kill(c.reason ?? 'kill (recorded)');
      } else {
        engine.resumeTrading();
      }
    }
    return 0;
  }
}
