import type { MessagePort } from 'node:worker_threads';
import { ConfigError, DataError, LockstepError } from '../core/errors.ts';

/** An error as it crosses a thread boundary (structured clone keeps no class). */
export interface WireError {
  type: 'error';
  name: string;
  message: string;
  code?: string;
  location?: DataError['location'];
  fix?: string;
}

/** Flattens an error for postMessage, keeping what DataError / LockstepError need. */
export function toWire(e: unknown): WireError {
  const err = e as Error;
  return {
    type: 'error', name: err.name, message: err.message,
    ...(e instanceof LockstepError ? { code: e.code } : {}),
    ...(e instanceof DataError ? { location: e.location, fix: e.fix } : {}),
  };
}

/** Rebuilds the error a reader thread sent, so a DataError still names file, row and field. */
export function fromWire(m: WireError, what: string): Error {
  if (m.location && m.fix !== undefined) {
    const e = new DataError(m.location, '', m.fix);
    e.message = m.message; // the original text, already formatted with file, row and field
    return e;
  }
  if (m.code === 'config') return new ConfigError(m.message);
  if (m.code !== undefined) return new LockstepError(m.code, m.message);
  return new Error(`${what} thread failed: ${m.message}`);
}

/**
 * Flow control of a reader thread: at most `max` batches ahead of the consumer, which
 * posts 'pull' for each batch it takes. `await take()` before posting a batch.
 */
export function creditGate(port: MessagePort, max: number): { take(): Promise<void> } {
  let credits = max;
  let wake: (() => void) | null = null;
  port.on('message', (m: unknown) => {
    if (m === 'pull') {
      credits++;
      wake?.();
    }
  });
  return {
    async take() {
      while (credits === 0) await new Promise<void>((r) => { wake = r; });
      wake = null;
      credits--;
    },
  };
}

/**
 * The typed-array columns of a batch made transferable: a column that is a view into a
 * larger or shared buffer (one decoded file backs several batches) is copied first, so
 * transferring it detaches nothing else. Mutates `batch`; returns the buffers to transfer.
 */
export function transferables(batch: Record<string, unknown>): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const seen = new Set<ArrayBufferLike>();
  for (const [k, v0] of Object.entries(batch)) {
    if (!ArrayBuffer.isView(v0)) continue;
    let v = v0 as Float64Array;
    if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength || seen.has(v.buffer)) {
      v = v.slice();
      batch[k] = v;
    }
    seen.add(v.buffer);
    out.push(v.buffer as ArrayBuffer);
  }
  return out;
}
