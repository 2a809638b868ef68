import { parentPort, workerData } from 'node:worker_threads';
import { DataError, LockstepError } from '../core/errors.ts';
import { readTickParquet } from './tick-parquet.ts';

/** Batches in flight before the reader thread waits for the consumer. */
const MAX_IN_FLIGHT = 4;

/** Worker body: decodes tick Parquet files in order and posts their batches (buffers transferred). */
async function serve(files: string[]): Promise<void> {
  const port = parentPort!;
  let credits = MAX_IN_FLIGHT;
  let wake: (() => void) | null = null;
  port.on('message', (m: string) => {
    if (m === 'pull') {
      credits++;
      wake?.();
    }
  });
  try {
    for (const f of files) {
      for await (const b of readTickParquet(f)) {
        while (credits === 0) await new Promise<void>((r) => { wake = r; });
        wake = null;
        credits--;
        const batch = b.batch as unknown as Record<string, unknown>;
        const transfer: ArrayBuffer[] = [];
        const seen = new Set<ArrayBufferLike>();
        for (const [k, v0] of Object.entries(batch)) {
          if (!ArrayBuffer.isView(v0)) continue;
          // Columns can be views into one buffer shared by several batches (a decoded file):
          // give each its own buffer so transferring it detaches nothing else.
          let v = v0 as Float64Array;
          if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength || seen.has(v.buffer)) {
            v = v.slice();
            batch[k] = v;
          }
          seen.add(v.buffer);
          transfer.push(v.buffer as ArrayBuffer);
        }
        port.postMessage({ type: 'batch', batch }, transfer);
      }
    }
    port.postMessage({ type: 'end' });
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      type: 'error', name: err.name, message: err.message,
      ...(e instanceof LockstepError ? { code: e.code } : {}),
      ...(e instanceof DataError ? { location: e.location, fix: e.fix } : {}),
    });
  } finally {
    port.close();
  }
}

if (parentPort && workerData?.kind === 'lockstep-tick-reader') await serve(workerData.files as string[]);
