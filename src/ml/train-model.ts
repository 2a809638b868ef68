import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { readDataset } from './dataset.ts';

export interface TrainOptions {
  /** Dataset Parquet written by `ml dataset`. */
  dataset: string;
  /** Output path without extension: writes PATH.onnx and PATH.json. */
  out: string;
  /** Training script (default models/train_signal.py). */
  script?: string;
  /** logistic (default) or mlp. */
  kind?: string;
  folds?: number;
  /** Rows dropped after each test fold. */
  embargo?: number;
  /** Python interpreter (default Debian's /usr/bin/python3). */
  python?: string;
  /** Extra script arguments. */
  args?: string[];
}

/**
 * Runs a training script with Debian's Python on a dataset: the dataset goes over as raw
 * float64 files (X row-major, y, ts) with a meta.json, so the script needs only numpy.
 * Returns the script's last stdout line parsed as JSON.
 */
export async function trainModel(o: TrainOptions): Promise<Record<string, unknown>> {
  const d = await readDataset(o.dataset);
  const dir = await mkdtemp(join(tmpdir(), 'lockstep-train-'));
  try {
    const w = d.features.length;
    const x = new Float64Array(d.rows * w);
    for (let i = 0; i < d.rows; i++) for (let k = 0; k < w; k++) x[i * w + k] = d.columns[k][i];
    await writeFile(join(dir, 'X.f64'), new Uint8Array(x.buffer));
    await writeFile(join(dir, 'y.f64'), new Uint8Array(d.label.buffer, d.label.byteOffset, d.label.byteLength));
    await writeFile(join(dir, 'ts.f64'), new Uint8Array(d.ts.buffer, d.ts.byteOffset, d.ts.byteLength));
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ ...d.meta, rows: d.rows }));
    const args = [o.script ?? 'models/train_signal.py', '--input', dir, '--out', o.out, '--kind', o.kind ?? 'logistic'];
    if (o.folds !== undefined) args.push('--folds', String(o.folds));
    if (o.embargo !== undefined) args.push('--embargo', String(o.embargo));
    args.push(...(o.args ?? []));
    const out = await run(o.python ?? '/usr/bin/python3', args);
    const last = out.trim().split('\n').pop() ?? '';
    try {
      return JSON.parse(last) as Record<string, unknown>;
    } catch {
      return { output: out };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { err += b; });
    p.on('error', (e) => reject(new ConfigError(`cannot start ${cmd} (${e.message}): run scripts/setup.sh to install Debian's python3-sklearn and python3-onnx`)));
    p.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new ConfigError(`training script ${args[0]} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
