import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeComparison, writeTearsheet } from '../backtest/write-report.ts';
import { parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const REPORT_HELP = `lockstep report RUN_DIR [RUN_DIR ...] [--out FILE]

Writes a self-contained HTML tearsheet (plotly inlined: opens offline) to
RUN_DIR/report.html; with several run folders, a comparison page instead
(default reports/compare-<first-run-id>.html, or --out FILE).`;

const OPTIONS = { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export async function reportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, 'report');
  if (values.help) {
    out(REPORT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('report: give at least one run folder, e.g. reports/<run-id> (see lockstep report --help)');
  for (const d of positionals) {
    if (!existsSync(join(d, 'result.json'))) throw new UsageError(`report: ${d} is not a run folder (no result.json); pass a folder under reports/`);
  }
  if (positionals.length === 1) {
    if (values.out) throw new UsageError('report: --out applies to comparisons of several runs');
    out(await writeTearsheet(resolve(positionals[0])));
    return 0;
  }
  const first = positionals[0].replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? 'runs';
  const file = resolve(values.out ?? join('reports', `compare-${first}.html`));
  out(await writeComparison(positionals.map((d) => resolve(d)), file));
  return 0;
}
