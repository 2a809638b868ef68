import type { DeltaBatch, TradeBatch } from '../../data/tick-batch.ts';
import { DeltaFlag } from '../../data/tick-batch.ts';
import { readTickFiles } from '../../data/tick-parquet.ts';
import type { LoopbackExchange } from './loopback-exchange.ts';

/**
 * Replays tick files (deltas and trades) into a loopback exchange at `speed` × real time
 * (by the data's exchange timestamps), merged in time order, until the data ends or
 * `signal` aborts. Returns the events replayed. Behind schedule (a fast `speed`, a dense
 * second) it still yields to I/O every few milliseconds, so REST requests and socket
 * writes are served while it catches up.
 */
export async function replayMarket(ex: LoopbackExchange, files: { deltas: string[]; trades: string[] }, speed: number, signal?: AbortSignal): Promise<number> {
  const dIt = readTickFiles<DeltaBatch>(files.deltas)[Symbol.asyncIterator]();
  const tIt = readTickFiles<TradeBatch>(files.trades)[Symbol.asyncIterator]();
  let d: DeltaBatch | null = null;
  let t: TradeBatch | null = null;
  let di = 0;
  let ti = 0;
  let n = 0;
  let dataStart = Number.NaN;
  const wallStart = Date.now();
  let lastYield = wallStart;
  const next = async () => {
    if (d === null || di >= d.length) { const r = await dIt.next(); d = r.done ? null : r.value; di = 0; }
    if (t === null || ti >= t.length) { const r = await tIt.next(); t = r.done ? null : r.value; ti = 0; }
  };
  await next();
  while (!signal?.aborted && (d !== null || t !== null)) {
    const dTs = d !== null ? (d as DeltaBatch).ts[di] : Infinity;
    const tTs = t !== null ? (t as TradeBatch).ts[ti] : Infinity;
    const ts = Math.min(dTs, tTs);
    if (Number.isNaN(dataStart)) dataStart = ts;
    const due = wallStart + (ts - dataStart) / 1000 / speed;
    const wait = due - Date.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, Math.min(wait, 1000)));
    if (tTs <= dTs) {
      const b = t as unknown as TradeBatch;
      ex.onTrade({ instrumentId: ex.instrument.id, instrumentIndex: 0, ts: b.ts[ti], tsLocal: b.ts[ti], price: b.price[ti], qty: b.qty[ti], aggressor: b.aggressor[ti] as 1 | -1 | 0 });
      ti++;
    } else {
      const b = d as unknown as DeltaBatch;
      const f = b.flags[di];
      ex.onDelta({
        instrumentId: ex.instrument.id, instrumentIndex: 0, ts: b.ts[di], tsLocal: b.ts[di], side: b.side[di] as 1 | -1, price: b.price[di], qty: b.qty[di],
        isSnapshot: (f & DeltaFlag.snapshot) !== 0, clear: (f & DeltaFlag.clear) !== 0, last: (f & DeltaFlag.last) !== 0,
      });
      di++;
    }
    n++;
    if ((n & 255) === 0 && Date.now() - lastYield >= YIELD_EVERY_MS) lastYield = await yieldToIo();
    await next();
  }
  return n;
}

/** Longest stretch of replay without letting I/O run (ms). */
const YIELD_EVERY_MS = 5;

/** Lets pending I/O (requests, socket writes) run; returns the time after. */
function yieldToIo(): Promise<number> {
  return new Promise((r) => setImmediate(() => r(Date.now())));
}
