import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAR_FEATURES, buildBarDataset, openBars, parseDateTime, runBacktest, SignalModel } from 'lockstep';
import { synthL2 } from '../../src/data/synth-l2.ts';
import { writeTickParquet } from '../../src/data/tick-parquet.ts';
import { loopbackSession, startLoopback } from '../../test/loopback-session.ts';
import { tempDir } from '../../test/tmp.ts';
import { strategy } from './index.ts';

const tmp = tempDir();
const BARS = 'data/sample/btc-perp-1m.parquet';
const FROM = '2022-01-24'; // the committed model was trained on bars before this: out of sample

describe('onnx-signal', () => {
  it('on held-out 1-minute bars every order follows the model probability of its bar', async () => {
    const r = await runBacktest({
      strategy: 'onnx-signal', from: FROM, data: [{ file: BARS, instrument: { symbol: 'BTC', lotSize: 0.001 } }], cash: 100_000,
    }, { strategy });
    expect(r.orders.length).toBeGreaterThan(20);
    // Probabilities from the research path: dataset features of the same bars, batch inference.
    const d = await buildBarDataset(await openBars(BARS, { from: parseDateTime(FROM) }), 1);
    const model = SignalModel.load('models/btc-1m-logreg.onnx', BAR_FEATURES);
    const x = new Float64Array(d.rows * BAR_FEATURES.length);
    for (let i = 0; i < d.rows; i++) for (let k = 0; k < BAR_FEATURES.length; k++) x[i * BAR_FEATURES.length + k] = d.columns[k][i];
    const p = model.predictBatch(x, d.rows);
    const probAt = new Map<number, number>();
    for (let i = 0; i < d.rows; i++) probAt.set(d.ts[i], p[i]);
    let checked = 0;
    for (const o of r.orders) {
      const prob = probAt.get(o.createdTs);
      if (prob === undefined) continue; // the last bar has no dataset row
      checked++;
      if (o.side === 'buy') expect(prob).toBeGreaterThan(0.53);
      else expect(prob).toBeLessThan(0.47);
    }
    expect(checked).toBeGreaterThan(r.orders.length - 2);
  });

  it('builds bars from trades; charging inference time delays the orders by that time', async () => {
    const dir = tmp.file('ticks');
    mkdirSync(dir);
    for (const c of synthL2({ events: 200_000, seed: 4 })) await writeTickParquet(join(dir, 'trades-00000.parquet'), { kind: 'trades', batch: c.trades });
    const run = (chargeInference: boolean) => runBacktest({
      strategy: 'onnx-signal', params: { barSeconds: 0.1, enter: 0.5, exit: 0.5, size: 0.01, chargeInference }, cash: 1e6,
      data: [{ file: dir, instrument: { symbol: 'X', lotSize: 0.001 } }],
    }, { strategy });
    const plain = await run(false);
    const charged = await run(true);
    expect(plain.orders.length).toBeGreaterThan(3);
    const dt = charged.orders[0].createdTs - plain.orders[0].createdTs;
    expect(dt).toBeGreaterThan(0);
    expect(dt).toBeLessThan(50_000); // a few µs of inference, not a whole bar
  }, 60_000);
});

describe('onnx-signal on the loopback exchange', () => {
  let lb: Awaited<ReturnType<typeof startLoopback>>;
  beforeAll(async () => { lb = await startLoopback(33); });
  afterAll(async () => { await lb?.close(); });

  it('paper mode: builds bars from live trades, predicts and trades', async () => {
    const r = await loopbackSession(lb.url, 'paper', strategy, { barSeconds: 0.02, enter: 0.5, exit: 0.5, size: 0.01 }, { maxEvents: 1e9, maxMillis: 5000 });
    expect(r.orders.length).toBeGreaterThan(0);
    expect(r.orders.every((o) => o.type === 'market')).toBe(true);
  }, 40_000);
});
