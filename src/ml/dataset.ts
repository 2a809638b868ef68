import { readFile, writeFile } from 'node:fs/promises';
import { ConfigError, DataError } from '../core/errors.ts';
import type { BarStream } from '../data/read-bars.ts';
import { readParquetColumns } from '../data/parquet-read.ts';
import { microsColumn, writeParquetFile, type ParquetColumn } from '../data/parquet-write.ts';
import { BarFeatures } from './bar-features.ts';

/** Features and labels, one row per bar with a full feature window and a known future. */
export interface Dataset {
  readonly rows: number;
  readonly features: readonly string[];
  /** Bar time, µs. */
  readonly ts: Float64Array;
  readonly close: Float64Array;
  /** One column per feature. */
  readonly columns: readonly Float64Array[];
  /** log(close[t + horizon] / close[t]). */
  readonly fwdRet: Float64Array;
  /** 1 when fwdRet > 0, else 0. */
  readonly label: Float64Array;
  readonly meta: DatasetMeta;
}

/** The dataset's JSON sidecar (`PATH.json`). */
export interface DatasetMeta {
  format: 'lockstep.dataset/1';
  source: string;
  features: string[];
  /** Bars between a row and its label's end (the purge length of cross-validation). */
  horizon: number;
  rows: number;
  from: string;
  to: string;
}

/** Streams bars through the feature module and labels each row with its forward return. */
export async function buildBarDataset(stream: BarStream, horizon: number): Promise<Dataset> {
  if (!(Number.isInteger(horizon) && horizon >= 1)) throw new ConfigError(`horizon must be a whole number of bars ≥ 1 (got ${horizon})`);
  const f = new BarFeatures();
  const width = f.names.length;
  let cap = 1 << 16;
  let ts: Float64Array = new Float64Array(cap);
  let close: Float64Array = new Float64Array(cap);
  let feats: Float64Array = new Float64Array(cap * width);
  let ready = new Uint8Array(cap);
  let n = 0;
  for await (const b of stream.batches) {
    for (let i = 0; i < b.length; i++) {
      if (n === cap) {
        cap *= 2;
        ts = grow(ts, cap); close = grow(close, cap); feats = grow(feats, cap * width);
        const r = new Uint8Array(cap); r.set(ready); ready = r;
      }
      ts[n] = b.ts[i];
      close[n] = b.close[i];
      if (f.update(b.high[i], b.low[i], b.close[i], b.volume[i])) {
        ready[n] = 1;
        feats.set(f.values, n * width);
      }
      n++;
    }
  }
  const keep: number[] = [];
  for (let i = 0; i + horizon < n; i++) if (ready[i]) keep.push(i);
  if (keep.length === 0) throw new DataError({ file: stream.file, row: n }, `${n} bars give no dataset rows`, `Give more than ${61 + horizon} bars (61 for the feature windows plus the label horizon).`);
  const rows = keep.length;
  const out = { ts: new Float64Array(rows), close: new Float64Array(rows), fwdRet: new Float64Array(rows), label: new Float64Array(rows) };
  const columns = f.names.map(() => new Float64Array(rows));
  keep.forEach((i, r) => {
    out.ts[r] = ts[i];
    out.close[r] = close[i];
    out.fwdRet[r] = Math.log(close[i + horizon] / close[i]);
    out.label[r] = out.fwdRet[r] > 0 ? 1 : 0;
    for (let k = 0; k < width; k++) columns[k][r] = feats[i * width + k];
  });
  const iso = (t: number) => new Date(t / 1000).toISOString();
  return {
    rows, features: f.names, ts: out.ts, close: out.close, columns, fwdRet: out.fwdRet, label: out.label,
    meta: { format: 'lockstep.dataset/1', source: stream.file, features: [...f.names], horizon, rows, from: iso(out.ts[0]), to: iso(out.ts[rows - 1]) },
  };
}

/** Writes the dataset as Parquet (ts, close, features…, fwd_ret, label) plus its JSON sidecar. */
export async function writeDataset(file: string, d: Dataset): Promise<void> {
  const cols: Record<string, ParquetColumn> = { ts: microsColumn(d.ts), close: d.close };
  d.features.forEach((name, k) => { cols[name] = d.columns[k]; });
  cols.fwd_ret = d.fwdRet;
  cols.label = d.label;
  await writeParquetFile(file, cols);
  await writeFile(`${file}.json`, `${JSON.stringify(d.meta, null, 2)}\n`);
}

/** Reads a dataset written by `writeDataset`; names the missing column or sidecar. */
export async function readDataset(file: string): Promise<Dataset> {
  let meta: DatasetMeta;
  try {
    meta = JSON.parse(await readFile(`${file}.json`, 'utf8')) as DatasetMeta;
  } catch {
    throw new ConfigError(`${file}.json: dataset sidecar missing or unreadable — write datasets with \`lockstep ml dataset\``);
  }
  const { rows, columns } = await readParquetColumns(file);
  const col = (name: string): Float64Array => {
    const c = columns[name];
    if (!(c instanceof Float64Array)) throw new DataError({ file, row: 0, field: name }, 'numeric column missing', 'The dataset does not match its sidecar: rebuild it with `lockstep ml dataset`.');
    return c;
  };
  return {
    rows, features: meta.features, ts: col('ts'), close: col('close'), columns: meta.features.map(col),
    fwdRet: col('fwd_ret'), label: col('label'), meta,
  };
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
