import type { BacktestConfig } from '../config/session-config.ts';
import type { RunResult } from '../backtest/run-result.ts';
import { writeRunResult } from '../backtest/write-result.ts';
import { writeTearsheet } from '../backtest/write-report.ts';
import { savedRunOf } from '../backtest/read-run.ts';
import { readRunForReport } from '../backtest/read-long-run.ts';
import { robustnessOf, writeRobustness, type Robustness } from '../backtest/robustness.ts';
import { writeRunExtra } from '../backtest/run-extras.ts';
import { runStress } from '../session/run-stress.ts';
import type { StressReport } from '../analytics/report/stress-table.ts';
import type { BacktestFlags } from './backtest-command.ts';

/** What saving a run wrote: its folder, the Monte Carlo and stress results when asked for, the report's path. */
export interface SavedOutputs {
  readonly runDir: string;
  readonly robustness: Robustness | null;
  readonly stress: StressReport | null;
  readonly report: string | null;
}

/**
 * A finished run into its folder (`tmp`, renamed into `reports`): the result files, then
 * --monte-carlo, --stress and the tearsheet. Its own module, loaded only when a run is saved:
 * `--no-save` loads none of the writers, readers and report code.
 */
export async function saveRun(result: RunResult, reports: string, tmp: string, flags: BacktestFlags): Promise<SavedOutputs> {
  const runDir = await writeRunResult(result, reports, tmp);
  const saved = result.spilled === null ? savedRunOf(result, runDir) : await readRunForReport(runDir);
  const robustness = flags.monteCarlo ? robustnessOf(saved, flags.monteCarlo) : null;
  if (robustness !== null) await writeRobustness(runDir, robustness);
  const stress = flags.stress ? await runStress(result.config as BacktestConfig, result, flags.stress) : null;
  if (stress !== null) await writeRunExtra(runDir, 'stress.json', stress);
  const report = flags.report ? await writeTearsheet(runDir, saved) : null;
  return { runDir, robustness, stress, report };
}
