import { holdingPeriods } from '../holding-periods.ts';
import { worstDrawdowns } from '../worst-drawdowns.ts';
import { yearlyReturns } from '../yearly-returns.ts';
import { formatTime } from './format.ts';
import { esc } from './html-page.ts';
import type { ReportRun } from './report-run.ts';

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

/** The five deepest drawdowns: peak, trough, recovery (or "not recovered"), depth, length in bars and days. */
export function drawdownsTable(run: ReportRun): string {
  const { ts, equity } = run.equity;
  const rows = worstDrawdowns(equity, 5).map((d, i) => {
    const end = d.recoveryIndex >= 0 ? d.recoveryIndex : ts.length - 1;
    const days = (ts[end] - ts[d.peakIndex]) / 86_400e6;
    return `<tr><td>${i + 1}</td><td>${esc(formatTime(ts[d.peakIndex]))}</td><td>${esc(formatTime(ts[d.troughIndex]))}</td>`
      + `<td>${d.recoveryIndex >= 0 ? esc(formatTime(ts[d.recoveryIndex])) : 'not recovered'}</td><td class="neg">−${pct(d.depth)}</td>`
      + `<td>${d.length.toLocaleString('en-US')}</td><td>${days.toFixed(days < 10 ? 2 : 0)}</td></tr>`;
  });
  if (rows.length === 0) return '<p class="note">No drawdown: the curve never fell below a previous peak.</p>';
  return '<table class="metrics"><thead><tr><th>#</th><th>peak</th><th>trough</th><th>recovery</th><th>depth</th><th>bars</th><th>days</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table>`;
}

/** Return of each calendar year (UTC), the first and last years partial when the run starts or ends inside them. */
export function yearlyTable(run: ReportRun): string {
  const years = run.equity.ts.length > 0 ? yearlyReturns(run.equity.ts, run.equity.equity) : [];
  const rows = years.map((y) => `<tr><td>${y.year}</td><td${y.value < 0 ? ' class="neg"' : ''}>${pct(y.value)}</td></tr>`);
  return `<table class="metrics"><thead><tr><th>year</th><th>return</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** How long trades were held (all, winners, losers): median / mean / max bars and median days. */
export function holdingTable(run: ReportRun): string {
  const num = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
  const rows = holdingPeriods(run.trades).map((h) => `<tr><td>${h.group}</td><td>${h.trades}</td><td>${num(h.medianBars)}</td><td>${num(h.meanBars)}</td>`
    + `<td>${num(h.maxBars, 0)}</td><td>${num(h.medianDays, 2)}</td></tr>`);
  const total = run.long?.trades ?? run.trades.length;
  const note = total > run.trades.length ? `<p class="note">From the first ${run.trades.length} of ${total} trades.</p>` : '';
  return '<table class="metrics"><thead><tr><th></th><th>trades</th><th>median bars</th><th>mean bars</th><th>max bars</th><th>median days</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table>${note}`;
}

/** Closed trades grouped by the tag of the order that closed them (a stop-loss leg, a take-profit, a signal); '' when no trade is tagged. */
export function exitReasonsTable(run: ReportRun): string {
  if (!run.trades.some((t) => t.exitTag)) return '';
  const groups = new Map<string, { n: number; wins: number; pnl: number }>();
  for (const t of run.trades) {
    const g = groups.get(t.exitTag || 'untagged') ?? { n: 0, wins: 0, pnl: 0 };
    g.n++;
    if (t.netPnl > 0) g.wins++;
    g.pnl += t.netPnl;
    groups.set(t.exitTag || 'untagged', g);
  }
  const rows = [...groups].sort((a, b) => b[1].n - a[1].n).map(([tag, g]) => `<tr><td>${esc(tag)}</td><td>${g.n}</td><td>${pct(g.wins / g.n)}</td>`
    + `<td${g.pnl < 0 ? ' class="neg"' : ''}>${g.pnl.toFixed(2)}</td><td>${(g.pnl / g.n).toFixed(2)}</td></tr>`);
  const total = run.long?.trades ?? run.trades.length;
  const note = total > run.trades.length ? `<p class="note">From the first ${run.trades.length} of ${total} trades.</p>` : '';
  return '<table class="metrics"><thead><tr><th>exit (order tag)</th><th>trades</th><th>win rate</th><th>net P&amp;L</th><th>mean</th></tr></thead>'
    + `<tbody>${rows.join('')}</tbody></table>${note}`;
}
