import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full collection on demand (the flag only makes `gc` visible in contexts made after it is set).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Bytes of live objects in V8's large-object space, after a full collection: objects past
 * ~128 KB each (an array's elements past 16k references) live there, each in memory of its
 * own. Collecting first makes the difference between two calls the large objects kept alive
 * in between, whatever garbage other code left or freed meanwhile.
 */
export function liveLargeObjectBytes(): number {
  collect();
  return getHeapSpaceStatistics().find((s) => s.space_name === 'large_object_space')!.space_used_size;
}

/**
 * Bytes of ArrayBuffer memory (typed arrays' contents, outside V8's heap) held by live
 * buffers, after a full collection: the difference between two calls is what was allocated
 * and kept alive in between.
 */
export function liveArrayBufferBytes(): number {
  collect();
  return process.memoryUsage().arrayBuffers;
}

/**
 * Bytes of live objects in V8's heap (all spaces), after a full collection: the difference
 * between two calls is roughly what was allocated and kept alive in between.
 */
export function liveHeapBytes(): number {
  collect();
  return getHeapSpaceStatistics().reduce((sum, s) => sum + s.space_used_size, 0);
}
