import { parentPort, workerData } from 'node:worker_threads';
import { creditGate, toWire, transferables } from './reader-thread.ts';
import { readTickParquet } from './tick-parquet.ts';

/** Batches in flight before the reader thread waits for the consumer. */
const MAX_IN_FLIGHT = 4;

/** Worker body: decodes tick Parquet files in order and posts their batches (buffers transferred). */
async function serve(files: string[]): Promise<void> {
  const port = parentPort!;
  const gate = creditGate(port, MAX_IN_FLIGHT);
  try {
    for (const f of files) {
      for await (const b of readTickParquet(f)) {
        await gate.take();
        const batch = b.batch as unknown as Record<string, unknown>;
        port.postMessage({ type: 'batch', batch }, transferables(batch));
      }
    }
    port.postMessage({ type: 'end' });
  } catch (e) {
    port.postMessage(toWire(e));
  } finally {
    port.close();
  }
}

if (parentPort && workerData?.kind === 'lockstep-tick-reader') await serve(workerData.files as string[]);
