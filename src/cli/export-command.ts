import { join, resolve } from 'node:path';
import { exportRun, type ExportFormat } from '../data/export-run.ts';
import { isHelp, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const EXPORT_HELP = `lockstep export RUN_DIR [--format csv|parquet|arrow] [--out DIR]

Exports every table of a run folder (a backtest's equity, fills, trades and orders; a live
or paper session's parts joined) as CSV (default), Parquet or Arrow IPC files into DIR
(default RUN_DIR/export-FORMAT), with the µs time columns as timestamps (CSV: ISO-8601 UTC,
e.g. 2022-01-05T10:00:00.000000Z). Debian's python3-pandas reads the CSV without pyarrow:
  import pandas as pd
  fills = pd.read_csv("reports/RUN/export-csv/fills.csv", parse_dates=["ts"])`;

export async function exportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  if (argv.some(isHelp)) {
    out(EXPORT_HELP);
    return 0;
  }
  const { values, positionals } = parseFlags(argv, { format: { type: 'string' }, out: { type: 'string' } }, 'export');
  if (positionals.length !== 1) throw new UsageError('export: give one run folder, e.g. lockstep export reports/<run> (see lockstep export --help)');
  const format = (values.format ?? 'csv') as ExportFormat;
  if (!['csv', 'parquet', 'arrow'].includes(format)) throw new UsageError(`export: --format must be csv, parquet or arrow (not "${format}")`);
  const dir = resolve(positionals[0]);
  const files = await exportRun(dir, format, resolve(values.out ?? join(dir, `export-${format}`)));
  for (const f of files) out(`wrote ${f}`);
  return 0;
}
