import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/tmp.ts';
import { strategy as gridMm } from '../../strategies/grid-mm/index.ts';
import { strategy as momentum } from '../../strategies/trade-momentum/index.ts';
import { DataError } from '../core/errors.ts';
import { packageRoot } from '../core/package-root.ts';
import { synthL2 } from '../data/synth-l2.ts';
import { allocDeltas, allocTrades, DeltaFlag } from '../data/tick-batch.ts';
import { defineStrategy } from '../engine/strategy.ts';
import { z } from 'zod';
import { readTickParquet, writeTickParquet } from '../data/tick-parquet.ts';
import { runBacktest } from '../session/run-backtest.ts';

const tmp = tempDir();
const ROOT = packageRoot();

async function writeSynth(dir: string, events: number, chunk: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  let part = 0;
  for (const c of synthL2({ events, seed: 11, chunk })) {
    const name = String(part++).padStart(5, '0');
    await writeTickParquet(join(dir, `deltas-${name}.parquet`), { kind: 'deltas', batch: c.deltas });
    await writeTickParquet(join(dir, `trades-${name}.parquet`), { kind: 'trades', batch: c.trades });
  }
}

const cfg = (dir: string, extra: Record<string, unknown> = {}) => ({
  strategy: 'grid-mm', cash: 100_000, data: [{ file: dir, instrument: { symbol: 'SYN', lotSize: 0.001 } }], ...extra,
});

describe('synthetic L2 stream', () => {
  it('is deterministic and independent of the chunk size', () => {
    const flat = (chunk: number) => {
      const deltas: number[] = [];
      const trades: number[] = [];
      for (const c of synthL2({ events: 30_000, seed: 5, chunk })) {
        for (let i = 0; i < c.deltas.length; i++) deltas.push(c.deltas.ts[i], c.deltas.price[i], c.deltas.qty[i], c.deltas.flags[i]);
        for (let i = 0; i < c.trades.length; i++) trades.push(c.trades.ts[i], c.trades.price[i], c.trades.qty[i]);
      }
      return [...deltas, -1, ...trades];
    };
    const a = flat(1_000_000);
    expect(flat(1_000_000)).toEqual(a);
    expect(flat(7_000)).toEqual(a);
    expect(a.length).toBeGreaterThan(100_000);
  });
});

describe('tick backtests', () => {
  it('grid-mm on a synthetic book: same fills digest twice, and with the data split into many files', async () => {
    const one = join(tmp.dir, 'one');
    const many = join(tmp.dir, 'many');
    await writeSynth(one, 120_000, 1_000_000);
    await writeSynth(many, 120_000, 7_000);
    const a = await runBacktest(cfg(one), { strategy: gridMm });
    const b = await runBacktest(cfg(one), { strategy: gridMm });
    const c = await runBacktest(cfg(many), { strategy: gridMm });
    expect(a.fills.length).toBeGreaterThan(100);
    expect(a.fills.some((f) => f.liquidity === 'maker')).toBe(true);
    expect(b.fillsDigest).toBe(a.fillsDigest);
    expect(c.events).toBe(a.events);
    expect(c.fillsDigest).toBe(a.fillsDigest);
    // Position stays within the strategy's limit; cash and position reconcile with the fills.
    let pos = 0;
    let cash = 100_000;
    for (const f of a.fills) {
      const s = f.side === 'buy' ? 1 : -1;
      pos += s * f.qty;
      cash -= s * f.qty * f.price + f.fee;
      expect(Math.abs(pos)).toBeLessThanOrEqual(1 + 1e-9);
    }
    expect(a.cash).toBeCloseTo(cash, 6);
    expect(a.positions[0].qty).toBeCloseTo(pos, 9);
  }, 120_000);

  it('latency and the queue model change the fills; the probabilistic queue fills at least as much as the risk-averse one', async () => {
    const dir = join(tmp.dir, 'one');
    const base = await runBacktest(cfg(dir), { strategy: gridMm });
    const slow = await runBacktest(cfg(dir, { latency: { entryMicros: 5_000, responseMicros: 5_000 } }), { strategy: gridMm });
    const prob = await runBacktest(cfg(dir, { queue: 'probabilistic', queuePower: 1 }), { strategy: gridMm });
    expect(slow.fillsDigest).not.toBe(base.fillsDigest);
    const filled = (r: typeof base) => r.fills.reduce((s, f) => s + f.qty, 0);
    expect(filled(prob)).toBeGreaterThanOrEqual(filled(base));
  }, 120_000);

  it('the per-interval equity curve (recorded when the next interval opens) equals per-event recording', async () => {
    const dir = join(tmp.dir, 'one');
    const lazy = await runBacktest(cfg(dir, { equityIntervalMicros: 250_000 }), { strategy: gridMm });
    // A risk engine needs every event's equity, so this run records after each event (the eager path).
    const eager = await runBacktest(cfg(dir, { equityIntervalMicros: 250_000, risk: { maxPosition: 1e9 } }), { strategy: gridMm });
    expect(eager.fillsDigest).toBe(lazy.fillsDigest);
    expect(lazy.equity.ts.length).toBeGreaterThan(20);
    expect([...lazy.equity.ts]).toEqual([...eager.equity.ts]);
    expect([...lazy.equity.equity]).toEqual([...eager.equity.equity]);
    expect([...lazy.equity.exposure]).toEqual([...eager.equity.exposure]);
    // Every point sits on the interval grid, and the last one holds the final equity.
    expect([...lazy.equity.ts].every((t) => t % 250_000 === 0)).toBe(true);
    expect(lazy.equity.equity[lazy.equity.equity.length - 1]).toBeCloseTo(lazy.finalValue, 6);
  }, 120_000);

  it('trade-momentum trades on trade prints with market orders (taker fills walk the book)', async () => {
    const dir = join(tmp.dir, 'one');
    const r = await runBacktest({ ...cfg(dir), strategy: 'trade-momentum', params: { fast: 20, slow: 100, size: 0.5 } }, { strategy: momentum });
    expect(r.fills.length).toBeGreaterThan(5);
    expect(r.fills.every((f) => f.liquidity === 'taker')).toBe(true);
  }, 120_000);
});

describe('the end of a tick backtest', () => {
  it('an order sent on the last event still reaches the venue and fills against the last book, as a paper session ends', async () => {
    const dir = join(tmp.dir, 'last-event');
    mkdirSync(dir, { recursive: true });
    const d = allocDeltas(8);
    // A book at 1 s (bid 99 × 2, asks 101 × 1 and 102 × 5), then the last event at 3 s: the ask at 101 is gone.
    const T0 = 1_700_000_000_000_000;
    const rows: [number, 1 | -1, number, number, number][] = [
      [T0 + 1e6, 1, 99, 2, DeltaFlag.snapshot | DeltaFlag.clear], [T0 + 1e6, -1, 101, 1, DeltaFlag.snapshot], [T0 + 1e6, -1, 102, 5, DeltaFlag.snapshot | DeltaFlag.last],
      [T0 + 3e6, -1, 101, 0, DeltaFlag.last],
    ];
    for (const [ts, side, price, qty, flags] of rows) {
      const i = d.length++;
      d.ts[i] = ts; d.tsLocal[i] = ts; d.side[i] = side; d.price[i] = price; d.qty[i] = qty; d.flags[i] = flags;
    }
    await writeTickParquet(join(dir, 'deltas-00000.parquet'), { kind: 'deltas', batch: d });
    const buyer = defineStrategy({
      name: 'buy-last', description: 'buys 2 at market on the last event', params: z.strictObject({}),
      create: () => ({ onBook: (e, ctx) => { if (e.ts === T0 + 3e6 && e.last) ctx.buy(2); } }),
    });
    const r = await runBacktest({ strategy: 'buy-last', cash: 10_000, latency: { entryMicros: 5_000, responseMicros: 5_000 }, data: [{ file: dir, instrument: { symbol: 'SYN', tickSize: 1, lotSize: 1 } }] }, { strategy: buyer });
    // Hand-checked: at 3.005 s the order takes the last book's only ask, 2 of the 5 at 102.
    expect(r.fills.map((f) => [f.side, f.price, f.qty, f.liquidity])).toEqual([['buy', 102, 2, 'taker']]);
    expect(r.positions[0].qty).toBe(2);
  });
});

describe('normalized tick files', () => {
  it('round-trip through Parquet', async () => {
    const t = allocTrades(3);
    t.length = 3;
    t.ts.set([1e15, 1e15 + 5, 1e15 + 9]); t.tsLocal.set([1e15 + 1, 1e15 + 6, 1e15 + 10]);
    t.price.set([100, 100.5, 99.5]); t.qty.set([1, 2, 3]); t.aggressor.set([1, -1, 0]);
    const f = tmp.file('trades-x.parquet');
    await writeTickParquet(f, { kind: 'trades', batch: t });
    const got = [];
    for await (const b of readTickParquet(f)) got.push(b);
    expect(got).toHaveLength(1);
    expect(got[0].kind).toBe('trades');
    const g = got[0].batch as typeof t;
    expect(Array.from(g.price)).toEqual([100, 100.5, 99.5]);
    expect(Array.from(g.aggressor)).toEqual([1, -1, 0]);
    expect(Array.from(g.tsLocal)).toEqual([1e15 + 1, 1e15 + 6, 1e15 + 10]);
  });

  it('local timestamps going backwards name the file, row and field', async () => {
    const t = allocTrades(2);
    t.length = 2;
    t.ts.set([1e15, 1e15]); t.tsLocal.set([1e15 + 10, 1e15 + 5]); t.price.set([1, 1]); t.qty.set([1, 1]);
    const f = tmp.file('trades-bad.parquet');
    await writeTickParquet(f, { kind: 'trades', batch: t });
    const err = await (async () => { for await (const _ of readTickParquet(f)) { /* drain */ } })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toEqual({ file: f, row: 2, field: 'ts_local' });
  });
});

describe('tick files decoded on a reader thread', () => {
  it('yield the same batches as inline reading, and errors keep file, row and field', async () => {
    const { readTickFilesThreaded } = await import('../data/tick-files-threaded.ts');
    const { readTickFiles, tickFilesOf } = await import('../data/tick-parquet.ts');
    const flat = async (src: AsyncIterable<DeltaLike>) => { const out: number[] = []; for await (const b of src) for (let i = 0; i < b.length; i++) out.push(b.tsLocal[i], b.price[i], b.qty[i]); return out; };
    // many small files, and one file of several 64k-row batches
    for (const dir of ['many', 'one']) {
      const files = (await tickFilesOf(join(tmp.dir, dir))).deltas;
      expect(await flat(readTickFilesThreaded<DeltaLike>(files))).toEqual(await flat(readTickFiles<DeltaLike>(files)));
    }
    const bad = tmp.file('trades-bad2.parquet');
    const t = allocTrades(2);
    t.length = 2; t.ts.set([1e15, 1e15]); t.tsLocal.set([1e15 + 10, 1e15 + 5]); t.price.set([1, 1]); t.qty.set([1, 1]);
    await writeTickParquet(bad, { kind: 'trades', batch: t });
    const err = await flat(readTickFilesThreaded<DeltaLike>([bad])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).location).toEqual({ file: bad, row: 2, field: 'ts_local' });
  }, 60_000);

  it('one thread serves several streams at once, each in its own order; close() ends what is still being read', async () => {
    const { TickReaderThread } = await import('../data/tick-files-threaded.ts');
    const { readTickFiles, tickFilesOf } = await import('../data/tick-parquet.ts');
    const flat = async (src: AsyncIterable<DeltaLike>) => { const out: number[] = []; for await (const b of src) for (let i = 0; i < b.length; i++) out.push(b.tsLocal[i], b.price[i]); return out; };
    const many = (await tickFilesOf(join(tmp.dir, 'many'))).deltas;
    const one = (await tickFilesOf(join(tmp.dir, 'one'))).deltas;
    const thread = new TickReaderThread();
    const [a, b] = await Promise.all([flat(thread.stream<DeltaLike>(many)), flat(thread.stream<DeltaLike>(one))]);
    expect(a).toEqual(await flat(readTickFiles<DeltaLike>(many)));
    expect(b).toEqual(await flat(readTickFiles<DeltaLike>(one)));
    expect([thread.running, thread.streamCount]).toEqual([true, 0]); // idle after its last stream, and still serving
    expect(await flat(thread.stream<DeltaLike>(one))).toEqual(b);
    thread.close();
    const second = new TickReaderThread();
    const it = second.stream<DeltaLike>(one)[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    second.close();
    expect(second.running).toBe(false);
    const err = await (async () => { for (;;) if ((await it.next()).done) return null; })().catch((e: unknown) => e);
    expect(String(err)).toMatch(/reader thread was closed/);
  }, 60_000);

  it('a run hands its idle thread to the next; one left with a stream it did not finish is stopped; an idle thread never holds the process open', async () => {
    const { acquireReaderThread, releaseReaderThread } = await import('../data/tick-files-threaded.ts');
    const { tickFilesOf } = await import('../data/tick-parquet.ts');
    const one = (await tickFilesOf(join(tmp.dir, 'one'))).deltas;
    const rows = async (src: AsyncIterable<DeltaLike>) => { let n = 0; for await (const b of src) n += b.length; return n; };
    const first = acquireReaderThread();
    const n = await rows(first.stream<DeltaLike>(one));
    expect(n).toBeGreaterThan(65_536); // several row groups
    releaseReaderThread(first);
    const next = acquireReaderThread();
    expect(next).toBe(first);
    expect(await rows(next.stream<DeltaLike>(one))).toBe(n);
    const unfinished = next.stream<DeltaLike>(one)[Symbol.asyncIterator]();
    expect((await unfinished.next()).done).toBe(false); // a run that failed mid-replay
    releaseReaderThread(next);
    expect(next.running).toBe(false);
    const fresh = acquireReaderThread();
    expect(fresh).not.toBe(next);
    fresh.close();
    // A process that read on a thread and released it ends by itself (the idle thread is unref'd).
    const script = tmp.file('idle-exit.mts', [
      `import { acquireReaderThread, releaseReaderThread } from ${JSON.stringify(join(ROOT, 'src/data/tick-files-threaded.ts'))};`,
      'const t = acquireReaderThread();',
      'let n = 0;',
      `for await (const b of t.stream(${JSON.stringify(one)})) n += b.length;`,
      'releaseReaderThread(t);',
      'console.log(n, t.running);',
    ].join('\n'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull(); // not killed at the timeout: it exited
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${n} true`);
  }, 90_000);
});

type DeltaLike = { length: number; tsLocal: Float64Array; price: Float64Array; qty: Float64Array };
