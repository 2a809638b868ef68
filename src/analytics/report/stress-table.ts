import { formatMetric } from './format.ts';
import { esc } from './html-page.ts';

/** One line of a stress table: a scenario's outcome next to the run's own. */
export interface StressRow {
  readonly scenario: string;
  readonly finalValue: number;
  readonly totalReturn: number;
  readonly sharpe: number;
  readonly maxDrawdown: number;
  readonly trades: number;
  readonly fees: number;
  /** Worst-window replays: the window (ISO times) and the instrument's buy-and-hold return over it. */
  readonly window?: { readonly from: string; readonly to: string; readonly buyAndHold: number };
  /** Why the scenario was not run. */
  readonly skipped?: string;
}

/** A run's stress replays (stress.json), the run itself first. */
export interface StressReport {
  readonly schema: 'lockstep.stress/1';
  readonly rows: readonly StressRow[];
}

/** The stress replays as an HTML table. */
export function stressTable(report: StressReport): string {
  const cell = (k: string, v: number | null) => `<td${v !== null && v < 0 && k !== 'maxDrawdown' ? ' class="neg"' : ''}>${esc(formatMetric(k, v ?? Number.NaN))}</td>`;
  const rows = report.rows.map((r) => {
    const name = r.window ? `${r.scenario}: ${r.window.from.slice(0, 10)} → ${r.window.to.slice(0, 10)} (buy & hold ${(r.window.buyAndHold * 100).toFixed(1)}%)` : r.scenario;
    if (r.skipped !== undefined) return `<tr><td>${esc(name)}</td><td colspan="6" class="note">not run: ${esc(r.skipped)}</td></tr>`;
    return `<tr><td>${esc(name)}</td>${cell('finalValue', r.finalValue)}${cell('totalReturn', r.totalReturn)}${cell('sharpe', r.sharpe)}`
      + `${cell('maxDrawdown', r.maxDrawdown)}${cell('trades', r.trades)}${cell('fees', r.fees)}</tr>`;
  });
  return '<table class="metrics"><thead><tr><th>scenario</th><th>final value</th><th>total return</th><th>Sharpe</th><th>max drawdown</th><th>trades</th><th>fees</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table>`;
}
