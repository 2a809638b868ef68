import { dirname } from 'node:path';
import { openBars } from '../data/read-bars.ts';
import { buildBarDataset, writeDataset } from '../ml/dataset.ts';
import { trainModel } from '../ml/train-model.ts';
import { isHelp, numberFlag, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';
import { didYouMean } from '../core/suggest.ts';
import { parseDateTime } from '../core/time.ts';
import { makeDir } from '../core/files.ts';

function dateFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const t = parseDateTime(v);
  if (Number.isNaN(t)) throw new UsageError(`--${flag} expects a date like 2022-01-24 or 2022-01-24T00:00:00Z, got "${v}"`);
  return t;
}

export const ML_HELP = `lockstep ml dataset --data BARS --out FILE.parquet [--horizon N] [--from DATE] [--to DATE]
lockstep ml train --dataset FILE.parquet --name NAME [--kind logistic|mlp] [--folds K] [--embargo N] [--script PY] [--models DIR]

  dataset   computes the bar features of src/ml/bar-features.ts (the module strategies
            use) and the label "log return over the next N bars > 0" (default N 15);
            writes FILE.parquet (ts, close, features…, fwd_ret, label) + FILE.parquet.json;
            --from/--to keep bars in a window (hold out the rest for out-of-sample tests)
  train     runs models/train_signal.py (or --script) with Debian's /usr/bin/python3:
            purged k-fold CV with embargo (default 5 folds, 60 rows), then exports
            DIR/NAME.onnx and its model card DIR/NAME.json (default DIR models)`;

export async function mlCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || isHelp(sub) || rest.some(isHelp)) {
    out(ML_HELP);
    return 0;
  }
  if (sub === 'dataset') {
    const { values } = parseFlags(rest, { data: { type: 'string' }, out: { type: 'string' }, horizon: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, 'ml');
    if (!values.data || !values.out) throw new UsageError('ml dataset: --data BARS and --out FILE.parquet are required');
    const horizon = numberFlag(values.horizon, 'horizon') ?? 15;
    const t0 = performance.now();
    const d = await buildBarDataset(await openBars(values.data, { from: dateFlag(values.from, 'from'), to: dateFlag(values.to, 'to') }), horizon);
    await makeDir(dirname(values.out));
    await writeDataset(values.out, d);
    const pos = d.label.reduce((s, x) => s + x, 0) / d.rows;
    out(`wrote ${d.rows.toLocaleString()} rows × ${d.features.length} features (${d.meta.from} … ${d.meta.to}; ${(pos * 100).toFixed(1)}% positive labels) to ${values.out} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return 0;
  }
  if (sub === 'train') {
    const { values } = parseFlags(rest, {
      dataset: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, folds: { type: 'string' },
      embargo: { type: 'string' }, script: { type: 'string' }, models: { type: 'string' },
    }, 'ml');
    if (!values.dataset || !values.name) throw new UsageError('ml train: --dataset FILE.parquet and --name NAME are required');
    if (!/^[\w.-]+$/.test(values.name)) throw new UsageError('ml train: --name may hold letters, digits, ".", "_" and "-" only');
    const dir = values.models ?? 'models';
    await makeDir(dir);
    const r = await trainModel({
      dataset: values.dataset, out: `${dir}/${values.name}`, script: values.script, kind: values.kind,
      folds: numberFlag(values.folds, 'folds'), embargo: numberFlag(values.embargo, 'embargo'),
    });
    out(`trained ${dir}/${values.name}.onnx (card ${dir}/${values.name}.json): cross-validated ${JSON.stringify(r.cv ?? r)}`);
    return 0;
  }
  throw new UsageError(`ml: unknown subcommand "${sub}"${didYouMean(sub, ['dataset', 'train'])} (see lockstep ml --help)`);
}
