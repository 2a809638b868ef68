import { join } from 'node:path';
import { BAR_FEATURES } from '../src/ml/bar-features.ts';
import { SignalModel } from '../src/ml/onnx-model.ts';
import { fmtRate, median, ROOT, writeBenchJson } from './bench-util.ts';

/** ONNX inference of the committed signal model: batched throughput and single-row latency. */
export async function mlBench(): Promise<Record<string, unknown>> {
  const model = SignalModel.load(join(ROOT, 'models', 'btc-1m-logreg.onnx'), BAR_FEATURES);
  const w = model.width;
  const rows = 100_000;
  const x = new Float64Array(rows * w);
  const check = model.card.check.inputs;
  for (let i = 0; i < rows; i++) for (let k = 0; k < w; k++) x[i * w + k] = check[i % check.length][k] * (1 + (i % 7) * 1e-3);
  model.predictBatch(x, rows); // warm-up
  const rates: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    model.predictBatch(x, rows);
    rates.push(rows / ((performance.now() - t0) / 1000));
  }
  const rate = median(rates);
  const n = 50_000;
  const lat = new Float64Array(n);
  const row = new Float64Array(w);
  for (let i = 0; i < 2000; i++) model.predict(check[i % check.length]);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < w; k++) row[k] = x[(i % rows) * w + k];
    const t0 = performance.now();
    model.predict(row);
    lat[i] = (performance.now() - t0) * 1000;
  }
  lat.sort();
  const q = (p: number) => lat[Math.min(n - 1, Math.floor(p * n))];
  const figures = {
    model: 'btc-1m-logreg', features: w, batchRows: rows,
    batchPredictionsPerSec: rate, target: 100_000,
    singleRowMicros: { p50: q(0.5), p99: q(0.99), p999: q(0.999), calls: n },
  };
  const out = writeBenchJson('ml', figures);
  console.log([
    `ml: ONNX inference (onnxruntime-node, ${w} features, logistic model)`,
    `  batched           ${fmtRate(rate)} predictions/s (batches of ${rows.toLocaleString()}, median of 5)   (target ≥ 100k)`,
    `  single row        p50 ${q(0.5).toFixed(1)} µs, p99 ${q(0.99).toFixed(1)} µs, p99.9 ${q(0.999).toFixed(1)} µs (${n.toLocaleString()} calls, incl. normalization)`,
    `  → ${out}`,
  ].join('\n'));
  return figures;
}
