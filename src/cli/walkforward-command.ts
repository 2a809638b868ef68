import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walkForwardHtml } from '../analytics/report/walkforward-report.ts';
import { sharedPlotly } from '../backtest/write-report.ts';
import { reportFold } from '../optimize/research.ts';
import { toJson } from '../backtest/write-result.ts';
import { foldWindows, parseWindow, walkForward } from '../optimize/walk-forward.ts';
import { TrialPool } from '../optimize/trial-pool.ts';
import { prestartSampler } from '../optimize/study-spec.ts';
import { studySetup, trialJson } from './optimize-command.ts';
import { trialWarnings } from './trial-warnings.ts';
import { UsageError } from './usage-error.ts';
import { makeDir } from '../core/files.ts';

export const WALKFORWARD_HELP = `lockstep walkforward --strategy S --data FILE --train N --test N [--anchored] [optimize options]

Walk-forward analysis: optimize on each train window, run the best params on the
following test window, and chain the test windows into one out-of-sample equity curve.

  --train N | Nd|Nh|Nm     in-sample window in bars, or a duration (365d, 12h, 30m)
  --test N | Nd|Nh|Nm      out-of-sample window (folds advance by this much)
  --anchored               train windows all start at the first bar (default: rolling)
  plus the optimize options (--grid, --sampler, --trials, --objective, --workers, --trial-timeout, --seed, ...)
  and every backtest flag. Writes reports/<study>/walkforward.html unless --no-report.`;

const CORE = new Set(['totalReturn', 'cagr', 'volatility', 'sharpe', 'sortino', 'maxDrawdown']);


export async function walkforwardCommand(argv: string[], out: (s: string) => void, err: (s: string) => void = () => {}): Promise<number> {
  const s = await studySetup(argv, 'walkforward', (w) => err(`lockstep walkforward: ${w}`));
  if (s === null) {
    out(WALKFORWARD_HELP);
    return 0;
  }
  if (typeof s.flags.train !== 'string' || typeof s.flags.test !== 'string') throw new UsageError('walkforward: --train and --test are required (see lockstep walkforward --help)');
  const ts = s.bars.ts.subarray(0, s.bars.length);
  const windows = foldWindows(ts, parseWindow(s.flags.train, 'train'), parseWindow(s.flags.test, 'test'), s.flags.anchored === true);
  if (windows.length === 0) throw new UsageError(`walkforward: no fold fits ${s.bars.length} bars with --train ${s.flags.train} --test ${s.flags.test}`);
  prestartSampler(s.spec); // every fold's study takes this one Optuna process
  const pool = new TrialPool(s.bars, s.strategy, s.workers, s.pool);
  let wf;
  try {
    wf = await walkForward(s.spec, s.bars, pool, windows, (f) => process.stderr.write(`walkforward fold ${f.index + 1}/${windows.length}: best ${f.best ? JSON.stringify(f.best.params) : 'none'}\n`));
  } finally {
    await pool.close();
  }
  const warnings = trialWarnings(wf.folds.map((f) => ({ study: f.study, fold: f.index + 1 })), s.spec.sampler);
  const blind = wf.folds.filter((f) => f.best === null).map((f) => f.index + 1);
  if (blind.length === wf.folds.length) warnings.push('no fold had a trial that scored, so nothing ran out of sample');
  else if (blind.length > 0) warnings.push(`fold${blind.length > 1 ? 's' : ''} ${blind.join(', ')} had no trial that scored, so nothing ran out of sample there`);
  const metric = CORE.has(s.spec.objectives[0].name) ? s.spec.objectives[0].name : 'sharpe';
  const folds = wf.folds.map((f) => reportFold(f, ts, metric));
  let reportFile: string | null = null;
  if (s.report) {
    const dir = join(s.out, s.studyName);
    await makeDir(dir);
    reportFile = join(dir, 'walkforward.html');
    await writeFile(reportFile, walkForwardHtml({
      title: `Walk-forward of ${s.strategy}`, metricName: metric, folds, stitched: wf.stitched, efficiency: wf.efficiency,
      pbo: wf.overfitting?.pbo ?? null, stability: wf.paramStability, oosSharpe: wf.oosSummary?.sharpe ?? Number.NaN,
      oosReturn: wf.oosSummary?.totalReturn ?? Number.NaN, seconds: wf.seconds, notices: warnings,
    }, await sharedPlotly(s.out, reportFile)));
  }
  if (s.json) {
    out(toJson({
      study: s.studyName, folds: wf.folds.map((f, i) => ({ ...folds[i], best: f.best ? trialJson(f.best) : null, oos: f.oos, trials: f.study.trials.length })),
      efficiency: wf.efficiency, overfitting: wf.overfitting ? { pbo: wf.overfitting.pbo, splits: wf.overfitting.splits } : null,
      paramStability: wf.paramStability, oos: wf.oosSummary, seconds: wf.seconds, report: reportFile, warnings,
    }));
  } else {
    out([
      `walk-forward: ${wf.folds.length} folds in ${wf.seconds.toFixed(1)} s`,
      `out of sample: total return ${((wf.oosSummary?.totalReturn ?? Number.NaN) * 100).toFixed(2)}%, Sharpe ${(wf.oosSummary?.sharpe ?? Number.NaN).toFixed(3)}`,
      `walk-forward efficiency ${wf.efficiency.toFixed(3)}; probability of backtest overfitting ${wf.overfitting ? `${(wf.overfitting.pbo * 100).toFixed(1)}%` : '—'}`,
      ...folds.map((f) => `  fold ${f.index + 1}: ${JSON.stringify(f.params)} IS ${metric} ${f.isMetric.toFixed(3)} → OOS ${f.oosMetric.toFixed(3)}`),
      ...(reportFile ? [`report         ${reportFile}`] : []),
    ].join('\n'));
  }
  for (const w of warnings) err(`lockstep walkforward: warning: ${w}`);
  // No fold chose parameters: nothing was tested out of sample, so the run found nothing.
  return blind.length === wf.folds.length ? 1 : 0;
}
