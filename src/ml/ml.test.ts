import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON, SHARED_DATA } from '../../test/shared-data.ts';
import { tempDir } from '../../test/tmp.ts';
import { cli } from '../../test/cli.ts';
import { openBars } from '../data/read-bars.ts';
import { BarFeatures, BAR_FEATURES } from './bar-features.ts';
import { buildBarDataset, readDataset } from './dataset.ts';
import { SignalModel, type ModelCard } from './onnx-model.ts';

const tmp = tempDir();
const BTC = join(SHARED_DATA, 'crypto', 'btc-perp-20211231-20220201_1m.csv');
const MODEL = 'models/btc-1m-logreg.onnx';

describe('bar features', () => {
  it('equal an independent pandas implementation on 45k real 1-minute bars', async () => {
    const expected = JSON.parse(execFileSync(PYTHON, ['src/ml/features_oracle.py', BTC], { maxBuffer: 1 << 28 }).toString()) as number[][];
    const f = new BarFeatures();
    const got: number[][] = [];
    for await (const b of (await openBars(BTC)).batches) {
      for (let i = 0; i < b.length; i++) if (f.update(b.high[i], b.low[i], b.close[i], b.volume[i])) got.push([...f.values]);
    }
    expect(got.length).toBe(expected.length);
    let worst = 0;
    for (let r = 0; r < got.length; r++) {
      for (let k = 0; k < BAR_FEATURES.length; k++) worst = Math.max(worst, Math.abs(got[r][k] - expected[r][k]) / Math.max(1, Math.abs(expected[r][k])));
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('dataset labels are the sign of the forward log return over the horizon', async () => {
    const d = await buildBarDataset(await openBars(BTC), 15);
    // Row r is bar r + 60 (the first with a full window); its label looks 15 bars ahead.
    const closes: number[] = [];
    for await (const b of (await openBars(BTC)).batches) for (let i = 0; i < b.length; i++) closes.push(b.close[i]);
    for (const r of [0, 1000, d.rows - 1]) {
      expect(d.close[r]).toBe(closes[r + 60]);
      expect(d.fwdRet[r]).toBeCloseTo(Math.log(closes[r + 75] / closes[r + 60]), 12);
      expect(d.label[r]).toBe(closes[r + 75] > closes[r + 60] ? 1 : 0);
    }
    expect(d.rows).toBe(closes.length - 60 - 15);
  });
});

describe('ONNX signal model', () => {
  it('onnxruntime-node gives the probabilities scikit-learn gave at training time (model card check rows)', () => {
    const m = SignalModel.load(MODEL, BAR_FEATURES);
    const { inputs, probability } = m.card.check;
    expect(inputs.length).toBeGreaterThan(4);
    inputs.forEach((x, i) => expect(m.predict(x)).toBeCloseTo(probability[i], 6));
    const batch = m.predictBatch(inputs.flat(), inputs.length);
    inputs.forEach((_, i) => expect(batch[i]).toBeCloseTo(probability[i], 6));
  });

  it('a relative model path not found from the working directory is taken from the package root', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      "const { SignalModel } = await import('../src/ml/onnx-model.ts'); console.log(SignalModel.load('models/btc-1m-logreg.onnx').path);"], { cwd: 'notebooks' }).toString();
    expect(out.trim()).toMatch(/\/models\/btc-1m-logreg\.onnx$/);
    expect(out.trim()).not.toContain('notebooks');
  });

  it('refuses a model whose features differ from the feature module, and a missing card', () => {
    expect(() => SignalModel.load(MODEL, ['ret_1'])).toThrow(/features \[ret_1, .*differ.*Retrain/s);
    expect(() => SignalModel.load(tmp.file('none.onnx'))).toThrow(/model card .*none\.json missing.*ml train/);
  });

  it('`ml dataset` + `ml train` reproduce the committed model from models/train_signal.py', async () => {
    const ds = tmp.file('btc.parquet');
    const card = JSON.parse(readFileSync('models/btc-1m-logreg.json', 'utf8')) as ModelCard;
    let out = await cli('ml', 'dataset', '--data', 'data/sample/btc-perp-1m.parquet', '--to', '2022-01-24', '--out', ds);
    expect(out.code).toBe(0);
    expect((await readDataset(ds)).rows).toBe(card.trainingWindow.rows);
    const dir = tmp.file('models');
    out = await cli('ml', 'train', '--dataset', ds, '--name', 'repro', '--models', dir);
    expect(out.code).toBe(0);
    const again = JSON.parse(readFileSync(join(dir, 'repro.json'), 'utf8')) as ModelCard;
    again.normalization.mean.forEach((v, k) => expect(v).toBeCloseTo(card.normalization.mean[k], 10));
    again.check.probability.forEach((v, k) => expect(v).toBeCloseTo(card.check.probability[k], 7));
    expect(again.cv.mean.auc).toBeCloseTo(card.cv.mean.auc, 6);
    // The retrained ONNX file predicts like the committed one.
    const a = SignalModel.load(MODEL);
    const b = SignalModel.load(join(dir, 'repro.onnx'));
    card.check.inputs.forEach((x) => expect(b.predict(x)).toBeCloseTo(a.predict(x), 6));
  }, 60_000);

  it('cross-validation purges rows whose label windows overlap the test fold and embargoes after it', () => {
    const code = `import sys, json; sys.path.insert(0, 'models'); from train_signal import purged_kfold
print(json.dumps([[tr.tolist(), te.tolist()] for tr, te in purged_kfold(100, 4, 5, 3)]))`;
    const folds = JSON.parse(execFileSync(PYTHON, ['-c', code]).toString()) as [number[], number[]][];
    expect(folds).toHaveLength(4);
    for (const [train, test] of folds) {
      const a = test[0];
      const b = test[test.length - 1];
      for (const i of train) {
        // Label windows [i, i + 5] never touch the test labels [a, b + 5]; 3 rows of embargo after b + 5.
        expect(i + 5 < a || i > b + 5 + 3 - 1).toBe(true);
      }
      // Everything else is used.
      expect(train.length).toBe(100 - test.length - Math.min(5, a) - Math.min(5 + 3, 99 - b));
    }
  });

  it('a training script failure is reported with its last stderr lines', async () => {
    const script = tmp.file('bad.py');
    writeFileSync(script, 'import sys\nsys.exit("feature vol_30 has no variance")\n');
    const ds = tmp.file('small.parquet');
    await cli('ml', 'dataset', '--data', 'data/sample/btc-perp-1m.parquet', '--to', '2022-01-02', '--out', ds);
    const out = await cli('ml', 'train', '--dataset', ds, '--name', 'x', '--script', script, '--models', tmp.file('m'));
    expect(out.code).toBe(1);
    expect(out.err).toMatch(/training script .*bad\.py failed \(exit 1\): feature vol_30 has no variance/);
  });
});
