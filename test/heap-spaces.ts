import { getHeapSpaceStatistics } from 'node:v8';

/**
 * Bytes V8's large-object space holds now: objects past ~128 KB each (an array's elements
 * past 16k references) live there, each in memory of its own. A test compares it before
 * and after building a structure that it keeps alive.
 */
export function largeObjectBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'large_object_space')!.space_used_size;
}
