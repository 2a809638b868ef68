import { parentPort, workerData } from 'node:worker_threads';
import { toWire, transferables } from './reader-thread.ts';
import { BadRowHandler, type BadRowPolicy } from './bad-rows.ts';
import { readTickParquet } from './tick-parquet.ts';
import { tickValidation } from './tick-validation.ts';
import type { TickReaderCmd } from './tick-files-threaded.ts';

/** Batches in flight per stream before the reader thread waits for the consumer. */
const MAX_IN_FLIGHT = 4;

interface Served { credits: number; wake: (() => void) | null; closed: boolean }

/**
 * Worker body: serves every stream the run opens, each an async loop over its files that
 * posts one row group at a time (buffers transferred) while it holds credits. Decoding is
 * synchronous per row group, so streams interleave at row-group granularity.
 */
function serveAll(): void {
  const port = parentPort!;
  const served = new Map<number, Served>();
  port.on('message', (cmd: TickReaderCmd) => {
    if (cmd.type === 'open') {
      const s: Served = { credits: MAX_IN_FLIGHT, wake: null, closed: false };
      served.set(cmd.id, s);
      void serve(cmd.id, cmd.files, cmd.policy, s);
      return;
    }
    const s = served.get(cmd.id);
    if (!s) return;
    if (cmd.type === 'pull') s.credits++;
    else {
      s.closed = true;
      served.delete(cmd.id);
    }
    const w = s.wake;
    s.wake = null;
    w?.();
  });

  async function serve(id: number, files: string[], policy: BadRowPolicy, s: Served): Promise<void> {
    const v = tickValidation(new BadRowHandler(policy));
    try {
      for (const f of files) {
        for await (const b of readTickParquet(f, v)) {
          while (s.credits === 0 && !s.closed) await new Promise<void>((r) => { s.wake = r; });
          if (s.closed) return;
          s.credits--;
          const batch = b.batch as unknown as Record<string, unknown>;
          port.postMessage({ id, type: 'batch', batch }, transferables(batch));
          // Let the other streams' loops (and incoming pulls) run between row groups.
          await new Promise<void>((r) => setImmediate(r));
        }
      }
      port.postMessage({ id, type: 'end', badRows: v.handler.report });
    } catch (e) {
      port.postMessage({ ...toWire(e), id });
    }
  }
}

if (parentPort && workerData?.kind === 'lockstep-tick-reader') serveAll();
