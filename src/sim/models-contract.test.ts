import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { tempDir } from '../../test/tmp.ts';
import { constantLatency, interpolatedLatency, type LatencyModel } from './latency-model.ts';
import { probabilisticQueue, riskAverseQueue, type QueueModel, type QueuePosition } from './queue-model.ts';
import { DataError } from '../core/errors.ts';

const tmp = tempDir();

/** Every queue model: never negative, never behind more than the level shows, cancellations never move it back. */
describe.each([['risk-averse', riskAverseQueue], ['probabilistic n=1', probabilisticQueue(1)], ['probabilistic n=3', probabilisticQueue(3)]] as Array<[string, QueueModel]>)('queue model contract: %s', (_name, model) => {
  it('holds its invariants over 20,000 random level changes', () => {
    const rng = createRng(9);
    for (let run = 0; run < 200; run++) {
      let level = 1 + Math.floor(rng.next() * 20);
      const q: QueuePosition = { ahead: 0, tradedSinceDepth: 0 };
      model.join(q, level);
      expect(q.ahead).toBe(level);
      for (let k = 0; k < 100; k++) {
        const before = q.ahead;
        const next = Math.max(0, level + Math.floor((rng.next() - 0.55) * 6));
        model.depthChanged(q, level, next);
        expect(q.ahead).toBeGreaterThanOrEqual(0);
        expect(q.ahead).toBeLessThanOrEqual(next + 1e-12);
        if (next >= level) expect(q.ahead).toBe(Math.min(before, next)); // additions join behind
        else expect(q.ahead).toBeLessThanOrEqual(before);
        level = next;
      }
    }
  });
});

describe('risk-averse vs probabilistic on the same cancellations', () => {
  it('risk-averse advances only when the level shrinks below it; probabilistic by the expected share', () => {
    const a: QueuePosition = { ahead: 0, tradedSinceDepth: 0 };
    const p: QueuePosition = { ahead: 0, tradedSinceDepth: 0 };
    riskAverseQueue.join(a, 10);
    probabilisticQueue(1).join(p, 10);
    // 10 ahead, 10 more join behind, then 4 cancel: risk-averse stays at 10; n = 1 gives 10 − 4 · 10/20 = 8
    riskAverseQueue.depthChanged(a, 10, 20);
    probabilisticQueue(1).depthChanged(p, 10, 20);
    riskAverseQueue.depthChanged(a, 20, 16);
    probabilisticQueue(1).depthChanged(p, 20, 16);
    expect(a.ahead).toBe(10);
    expect(p.ahead).toBeCloseTo(8, 12);
    // trades already counted are not subtracted twice
    p.tradedSinceDepth = 3;
    probabilisticQueue(1).depthChanged(p, 16, 13);
    expect(p.ahead).toBeCloseTo(8, 12);
  });
});

describe.each([
  ['constant', () => constantLatency(150, 80)],
  ['interpolated', () => interpolatedLatency(tmp.file('lat.csv', 'timestamp,entry,response\n1000,100,50\n2000,300,150\n'))],
] as Array<[string, () => LatencyModel]>)('latency model contract: %s', (_name, make) => {
  it('is non-negative and finite everywhere', () => {
    const m = make();
    for (const t of [-1e18, 0, 999, 1000, 1500, 2000, 1e18]) {
      expect(m.entry(t)).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(m.response(t))).toBe(true);
    }
  });
});

describe('interpolated latency', () => {
  it('interpolates linearly between rows and holds the ends (hand-checked)', () => {
    const m = interpolatedLatency(tmp.file('lat2.csv', 'timestamp,entry,response\n1000,100,50\n2000,300,150\n'));
    expect([m.entry(500), m.entry(1000), m.entry(1250), m.entry(2000), m.entry(9999)]).toEqual([100, 100, 150, 300, 300]);
    expect(m.response(1500)).toBe(100);
  });
  it('bad files name the row and field', () => {
    const f = tmp.file('lat3.csv', 'timestamp,entry,response\n1000,100,50\n900,100,50\n');
    try {
      interpolatedLatency(f);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DataError);
      expect((e as DataError).location).toEqual({ file: f, row: 3, field: 'timestamp' });
    }
    expect(() => interpolatedLatency(tmp.file('lat4.csv', 'ts,a,b\n'))).toThrow(/header must name timestamp, entry and response/);
  });
});
