import { openBars } from '../data/read-bars.ts';
import { LastPerInterval } from './last-per-interval.ts';

/**
 * Close prices of a bars file, read as a stream: every close (`interval` 0), or the last
 * close of every `interval` µs — the report's prices and benchmark, the stress windows.
 */
export async function barCloses(file: string, interval: number): Promise<{ ts: Float64Array; close: Float64Array }> {
  const s = await openBars(file, { onBadRow: 'skip' });
  const last = new LastPerInterval(interval);
  const close: number[] = [];
  for await (const b of s.batches) for (let i = 0; i < b.length; i++) close[last.slot(b.ts[i])] = b.close[i];
  return { ts: Float64Array.from(last.ts), close: Float64Array.from(close) };
}
