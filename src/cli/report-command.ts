import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeComparison, writeTearsheet } from '../backtest/write-report.ts';
import { readRunForReport } from '../backtest/read-long-run.ts';
import { robustnessOf, writeRobustness } from '../backtest/robustness.ts';
import { MONTE_CARLO_HELP, MONTE_CARLO_OPTIONS, monteCarloOptions } from './monte-carlo-flags.ts';
import { numberFlag, parseFlags } from './parse-flags.ts';
import { UsageError } from './usage-error.ts';

export const REPORT_HELP = `lockstep report RUN_DIR [RUN_DIR ...] [--out FILE]
lockstep report RUN_DIR --monte-carlo N [--block-length N] [--ruin X] [--seed N]
lockstep report RUN_DIR --inline

Writes a self-contained HTML tearsheet (plotly inlined: opens offline) to
RUN_DIR/report.html; with several run folders, a comparison page instead
(default reports/compare-<first-run-id>.html, or --out FILE). The pages load plotly.js
from one copy in the reports folder (plotly-<version>.min.js) and open offline as long
as they stay in it; --inline puts plotly.js in the page instead (one ~4.7 MB file to send).
${MONTE_CARLO_HELP}
  --seed N                    seed of the Monte Carlo draws (default: the run's seed)`;

const OPTIONS = { out: { type: 'string' }, help: { type: 'boolean', short: 'h' }, seed: { type: 'string' }, inline: { type: 'boolean' }, ...MONTE_CARLO_OPTIONS } as const;

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
  const seed = numberFlag(values.seed, 'seed');
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new UsageError(`--seed expects a whole number ≥ 0, got "${values.seed}"`);
  if (positionals.length === 1) {
    if (values.out) throw new UsageError('report: --out applies to comparisons of several runs');
    const dir = resolve(positionals[0]);
    const saved = await readRunForReport(dir);
    const mc = monteCarloOptions(values, seed ?? (saved.config as { seed?: number }).seed ?? 1);
    if (mc) out(await writeRobustness(dir, robustnessOf(saved, mc)));
    out(await writeTearsheet(dir, saved, values.inline === true));
    return 0;
  }
  if (values['monte-carlo'] !== undefined || seed !== undefined || values.inline) throw new UsageError('report: --monte-carlo and --inline apply to one run folder');
  const first = positionals[0].replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? 'runs';
  const file = resolve(values.out ?? join('reports', `compare-${first}.html`));
  out(await writeComparison(positionals.map((d) => resolve(d)), file));
  return 0;
}
