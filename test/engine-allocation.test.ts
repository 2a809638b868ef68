import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { sliceBatches, synthBars } from '../src/data/synth-bars.ts';
import { defineStrategy, SMA, z } from '../src/index.ts';
import { runBacktest } from '../src/session/run-backtest.ts';

/**
 * Bytes the code allocates on V8's heap while `fn` runs, garbage included (V8's sampling heap
 * profiler, one sample per 512 bytes on average, counting objects already collected).
 */
async function allocatedBy(fn: () => Promise<unknown>): Promise<number> {
  const s = new Session();
  s.connect();
  await s.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await fn();
  const { profile } = await s.post('HeapProfiler.stopSampling');
  s.disconnect();
  let bytes = 0;
  const walk = (n: typeof profile.head): void => {
    bytes += n.selfSize;
    n.children.forEach(walk);
  };
  walk(profile.head);
  return bytes;
}

/** Two SMAs compared every bar, the position read every bar, no order: the per-event path alone. */
const watcher = defineStrategy({
  name: 'watcher', description: 'two SMAs, no orders', params: z.strictObject({}),
  create: () => {
    const fast = new SMA(10);
    const slow = new SMA(30);
    let above = 0;
    return {
      onBar(bar, ctx) {
        fast.add(bar.close);
        slow.add(bar.close);
        if (fast.value > slow.value && ctx.position() === 0) above++;
      },
    };
  },
});

describe('the engine\'s per-bar path', () => {
  it('allocates nothing per bar once optimized: a 200k-bar replay allocates < 2 bytes per bar', async () => {
    const bars = 200_000;
    const feeds = [sliceBatches(synthBars({ count: bars, seed: 3 }), 65_536)];
    const run = () => runBacktest({ strategy: 'watcher', data: [{ file: 'memory', instrument: { symbol: 'SYN' } }] }, { feeds, strategy: watcher });
    for (let k = 0; k < 3; k++) await run(); // optimized code in place…
    // …unless V8's background compiler is still busy (the whole suite on 2 cores: a run that was
    // still partly interpreted allocated 12 bytes per bar): the least of three measured runs.
    const bytes = Math.min(await allocatedBy(run), await allocatedBy(run), await allocatedBy(run));
    // A number passed to or returned from a call V8 does not inline is a new 16-byte heap
    // object: the equity recorder's four per point were 64 bytes per bar when its `record`
    // outgrew the inlining limit; add's `number | null` result, once used, 16 per average.
    // The run's fixed part (engine, result, metrics) is well under 400 KB.
    expect(bytes / bars).toBeLessThan(2);
  });
});
