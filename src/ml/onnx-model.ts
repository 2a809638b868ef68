import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../core/package-root.ts';
import { ConfigError, DataError } from '../core/errors.ts';

/** A trained model's JSON sidecar (`models/NAME.json`), written by the training script. */
export interface ModelCard {
  format: 'lockstep.model/1';
  name: string;
  kind: string;
  /** Feature names in input order; must match the feature module. */
  features: string[];
  /** z-score normalization applied before the model: (x − mean) / std. */
  normalization: { mean: number[]; std: number[] };
  input: string;
  output: string;
  /** Label horizon in bars. */
  horizon: number;
  trainingWindow: { from: string; to: string; rows: number };
  cv: { method: string; folds: number; purge: number; embargo: number; scores: Record<string, number>[]; mean: Record<string, number> };
  /** Raw feature rows and the probabilities the training library gave them (a parity check). */
  check: { inputs: number[][]; probability: number[] };
  createdBy: Record<string, string>;
}

interface OrtTensor { data: Float32Array }
interface OrtSession {
  loadModel(path: string, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, OrtTensor>;
}

const PACKAGE_ROOT = packageRoot();

let ort: { session: () => OrtSession; tensor: (data: Float32Array, dims: number[]) => unknown } | undefined;

/**
 * onnxruntime-node's native session runs synchronously; its public `run` only wraps that
 * call in a promise. Strategy callbacks are synchronous, so the binding is used directly.
 */
function runtime() {
  if (ort) return ort;
  const require = createRequire(import.meta.url);
  try {
    require.resolve('onnxruntime-node/dist/binding');
  } catch {
    throw new ConfigError('ONNX models need onnxruntime-node, an optional dependency that is not installed: npm install onnxruntime-node (./scripts/setup.sh installs it)');
  }
  const { binding, initOrt } = require('onnxruntime-node/dist/binding') as { binding: { InferenceSession: new () => OrtSession }; initOrt: () => void };
  const { Tensor } = require('onnxruntime-common') as { Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown };
  initOrt();
  ort = { session: () => new binding.InferenceSession(), tensor: (data, dims) => new Tensor('float32', data, dims) };
  return ort;
}

/**
 * An ONNX signal model with its card: normalizes raw features with the card's mean/std
 * and returns the model's probability, synchronously, for one row or a batch.
 */
export class SignalModel {
  private readonly session: OrtSession;
  private readonly row: Float32Array;
  private readonly mean: Float64Array;
  private readonly invStd: Float64Array;
  private readonly fetches: Record<string, null>;

  private constructor(readonly path: string, readonly card: ModelCard) {
    const rt = runtime();
    this.session = rt.session();
    this.session.loadModel(path, {});
    const f = card.features.length;
    this.row = new Float32Array(f);
    this.mean = Float64Array.from(card.normalization.mean);
    this.invStd = Float64Array.from(card.normalization.std, (s) => (s > 0 ? 1 / s : 0));
    this.fetches = { [card.output]: null };
  }

  /**
   * Loads `NAME.onnx` and its `NAME.json` card; `features` (when given) must equal the card's.
   * A relative path not found from the working directory is tried from the package root
   * (so `models/…` works from notebooks/ too).
   */
  static load(path: string, features?: readonly string[]): SignalModel {
    if (!isAbsolute(path) && !existsSync(path) && existsSync(join(PACKAGE_ROOT, path))) path = join(PACKAGE_ROOT, path);
    const cardPath = path.replace(/\.onnx$/, '') + '.json';
    let card: ModelCard;
    try {
      card = JSON.parse(readFileSync(cardPath, 'utf8')) as ModelCard;
    } catch {
      throw new ConfigError(`model card ${cardPath} missing or unreadable — train models with \`npx lockstep ml train\``);
    }
    if (card.format !== 'lockstep.model/1') throw new DataError({ file: cardPath, row: 0, field: 'format' }, `format ${String(card.format)} is not lockstep.model/1`, 'Train the model with `npx lockstep ml train`.');
    if (features && features.join(',') !== card.features.join(',')) {
      throw new DataError({ file: cardPath, row: 0, field: 'features' }, `model features [${card.features.join(', ')}] differ from the feature module's [${features.join(', ')}]`, 'Retrain the model on a dataset from `lockstep ml dataset`.');
    }
    try {
      return new SignalModel(path, card);
    } catch (e) {
      throw new DataError({ file: path, row: 0 }, `onnxruntime cannot load the model (${(e as Error).message.split('\n')[0]})`, 'Re-export it with `npx lockstep ml train`.');
    }
  }

  /** Number of input features. */
  get width(): number {
    return this.row.length;
  }

  /** Probability for one row of raw features. */
  predict(raw: ArrayLike<number>): number {
    const x = this.row;
    for (let k = 0; k < x.length; k++) x[k] = (raw[k] - this.mean[k]) * this.invStd[k];
    return this.runNormalized(x, 1)[0];
  }

  /** Probabilities for `n` rows of raw features, row-major; normalizes into a copy. */
  predictBatch(raw: ArrayLike<number>, n: number): Float32Array {
    const w = this.row.length;
    const x = new Float32Array(n * w);
    for (let i = 0; i < n; i++) for (let k = 0; k < w; k++) x[i * w + k] = (raw[i * w + k] - this.mean[k]) * this.invStd[k];
    return this.runNormalized(x, n);
  }

  private runNormalized(x: Float32Array, n: number): Float32Array {
    const out = this.session.run({ [this.card.input]: runtime().tensor(x, [n, this.row.length]) }, this.fetches, {});
    return out[this.card.output].data;
  }
}
