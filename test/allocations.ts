import { Session } from 'node:inspector/promises';

/**
 * Bytes the JavaScript heap allocated while `fn` ran, collected or not (V8's sampling heap
 * profiler, one sample per ~`interval` bytes): for tests that a hot path allocates nothing
 * per event. An estimate — compare it with what one allocation per call would come to.
 */
export async function bytesAllocated(fn: () => void, interval = 1024): Promise<number> {
  const s = new Session();
  s.connect();
  try {
    await s.post('HeapProfiler.startSampling', { samplingInterval: interval, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
    fn();
    const { profile } = await s.post('HeapProfiler.stopSampling');
    return total(profile.head);
  } finally {
    s.disconnect();
  }
}

interface ProfileNode { selfSize: number; children: ProfileNode[] }

function total(n: ProfileNode): number {
  return n.children.reduce((sum, c) => sum + total(c), n.selfSize);
}
