import { describe, expect, it } from 'vitest';
import type { BarView } from '../core/events.ts';
import type { EventSink, EventSource } from '../engine/event-source.ts';
import { runEventLoop } from '../engine/event-loop.ts';
import { ControlSource, type ControlTarget } from './session-controls.ts';

/** Market events at fixed times, one batch. */
function market(times: number[]): EventSource {
  let i = 0;
  return {
    name: 'market', needsLoad: () => false, load: async () => {},
    peekTs: () => (i < times.length ? times[i] : Infinity),
    emitUntil(limit, inclusive, sink) {
      let n = 0;
      while (i < times.length && (times[i] < limit || (inclusive && times[i] === limit))) {
        sink.onBar({ ts: times[i++] } as BarView);
        n++;
      }
      return n;
    },
  };
}

describe('ControlSource (a recorded session\'s stale-feed episodes)', () => {
  it('pauses (cancelling open orders), resumes and kills after the market events of its time, and counts as no event', async () => {
    const log: string[] = [];
    const sink: EventSink = { onBar: (b) => log.push(`bar ${b.ts}`), onTrade: () => {}, onQuote: () => {}, onBookDelta: () => {} };
    const target: ControlTarget = {
      advanceClock: (ts) => log.push(`clock ${ts}`), pauseTrading: (r) => log.push(`pause ${r}`),
      cancelOpenOrders: () => log.push('cancel'), resumeTrading: () => log.push('resume'), kill: (r) => log.push(`kill ${r}`),
    };
    const controls = new ControlSource('session', [
      { kind: 'pause', ts: 20, reason: 'stale' }, { kind: 'resume', ts: 90 }, { kind: 'kill', ts: 91, reason: 'signal SIGINT' },
    ], () => target);
    const n = await runEventLoop([market([10, 20, 20, 90, 91, 92]), controls], sink);
    expect(log).toEqual([
      'bar 10', 'bar 20', 'bar 20', 'clock 20', 'pause stale', 'cancel', 'bar 90', 'clock 90', 'resume', 'bar 91', 'clock 91', 'kill signal SIGINT', 'bar 92',
    ]);
    expect(n).toBe(6);
  });
});
