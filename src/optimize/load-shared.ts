import type { BarBatch } from '../data/bar-batch.ts';
import { openBars, type ReadBarsOptions } from '../data/read-bars.ts';
import { shareBars, type SharedBars } from './shared-bars.ts';

/** Reads and validates a bar file once into shared columns for a worker pool. */
export async function loadSharedBars(file: string, opts: ReadBarsOptions = {}): Promise<SharedBars> {
  const s = await openBars(file, opts);
  const batches: BarBatch[] = [];
  for await (const b of s.batches) batches.push(b);
  return shareBars(batches);
}
