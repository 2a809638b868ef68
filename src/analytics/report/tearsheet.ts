import type { PlotlyScript } from './plotly-source.ts';
import type { PerformanceSummary } from '../performance-summary.ts';
import { excursionFigure, monthlyHeatmapFigure, returnDistributionFigure, tradePnlFigure } from './distribution-figures.ts';
import { equityFigure, exposureFigure, rollingFigure, underwaterFigure } from './equity-figures.ts';
import type { Figure } from './figure.ts';
import { formatMetric, formatTime, METRIC_LABELS } from './format.ts';
import { esc, figureCard, htmlPage } from './html-page.ts';
import { monteCarloFigure, monteCarloTable } from './monte-carlo-report.ts';
import { drawdownsTable, exitReasonsTable, holdingTable, yearlyTable } from './period-tables.ts';
import { MIN_ANNUALIZED_DAYS, shortSpanView } from './short-span.ts';
import { stressTable } from './stress-table.ts';
import { priceFigure } from './price-figure.ts';
import { compositionFigure, correlationFigure, sleeveEquityFigure, sleevesTable, type ReportPortfolio } from './portfolio-report.ts';
import type { ReportRun } from './report-run.ts';

/** Trades listed in the HTML table (all trades are in trades.parquet). */
export const MAX_TRADE_ROWS = 1000;

function metricsTable(s: PerformanceSummary, labels: Readonly<Record<string, string>> = {}): string {
  const rows = METRIC_LABELS.map(([k, plain]) => {
    const label = labels[k] ?? plain;
    const v = (s as unknown as Record<string, number>)[k];
    const cls = v > 0 && k !== 'maxDrawdown' ? '' : v < 0 ? ' class="neg"' : '';
    return `<tr><td>${esc(label)}</td><td${cls}>${esc(formatMetric(k, v))}</td></tr>`;
  });
  return `<table class="metrics">${rows.join('')}</table>`;
}

function tradesTable(run: ReportRun): string {
  const shown = run.trades.slice(0, MAX_TRADE_ROWS);
  const rows = shown.map((t, i) => `<tr><td>${i + 1}</td><td>${esc(t.side)}</td><td>${t.qty}</td><td>${esc(formatTime(t.entryTs))}</td>`
    + `<td>${t.entryPrice.toFixed(4)}</td><td>${esc(formatTime(t.exitTs))}</td><td>${t.exitPrice.toFixed(4)}</td>`
    + `<td class="${t.netPnl >= 0 ? 'pos' : 'neg'}">${t.netPnl.toFixed(2)}</td><td>${(t.returnPct * 100).toFixed(2)}%</td><td>${t.bars}</td></tr>`);
  const total = run.long?.trades ?? run.trades.length;
  const note = total > shown.length ? `<p class="note">First ${shown.length} of ${total} trades; all are in trades.parquet.</p>` : '';
  return `<div class="scroll"><table class="trades"><thead><tr><th>#</th><th>side</th><th>qty</th><th>entry</th><th>entry price</th>`
    + `<th>exit</th><th>exit price</th><th>net P&amp;L</th><th>return</th><th>bars</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${note}`;
}

/** The kill switch, refused orders and off-grid rounding, above the figures: a run that was cut short must say so first. */
function noticesCard(run: ReportRun): string {
  if (run.notices.length === 0) return '';
  const rows = run.notices.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('');
  return `<div class="card notice"><h2>Run notices</h2><table class="metrics">${rows}</table></div>\n`;
}

/** The figures of a single-run tearsheet, in page order. */
export function tearsheetFigures(run: ReportRun): Figure[] {
  return [
    equityFigure(run), priceFigure(run), underwaterFigure(run), monthlyHeatmapFigure(run), rollingFigure(run),
    returnDistributionFigure(run), tradePnlFigure(run), ...[excursionFigure(run)].filter((f) => f !== null), exposureFigure(run),
    ...(run.monteCarlo?.returns ? [monteCarloFigure(run.monteCarlo.returns)] : []),
    ...(run.portfolio ? portfolioFigures(run, run.portfolio) : []),
  ];
}

/** A portfolio run's own figures: sleeve curves, composition, correlation. */
function portfolioFigures(run: ReportRun, p: ReportPortfolio): Figure[] {
  return [sleeveEquityFigure(run, p), compositionFigure(run, p), correlationFigure(p)];
}

const isPortfolioFigure = (f: Figure): boolean => PORTFOLIO_FIGURES.has(f.id);
const PORTFOLIO_FIGURES = new Set(['fig-sleeves', 'fig-composition', 'fig-correlation']);

/** The sleeves of a portfolio run: their table, then their curves, composition and correlation. */
function portfolioSection(p: ReportPortfolio, figs: readonly Figure[]): string {
  return `<div class="card"><h2>Strategies (sleeves)</h2>${sleevesTable(p)}</div>
<div class="grid">${figs.filter(isPortfolioFigure).map(figureCard).join('\n')}</div>`;
}

/** Self-contained HTML tearsheet of one run. */
export function tearsheetHtml(run: ReportRun, plotly?: PlotlyScript): string {
  const figs = tearsheetFigures(run);
  const params = Object.entries(run.strategy.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const ts = run.equity.ts;
  const span = ts.length > 0 ? `${formatTime(ts[0])} → ${formatTime(ts[ts.length - 1])}` : 'no data';
  const money = (label: string, v: number | undefined) => (v !== undefined && Number.isFinite(v) ? ` · ${label} ${v.toLocaleString('en-US', { maximumFractionDigits: 2 })}` : '');
  const fees = money('fees', run.fees) + money('slippage', run.slippage);
  const subtitle = `${run.strategy.name} ${params} · ${span} · ${(run.long?.points ?? ts.length).toLocaleString('en-US')} bars · start ${run.initialCash.toLocaleString('en-US')} → ${run.finalValue.toLocaleString('en-US', { maximumFractionDigits: 2 })}${fees} · run ${run.id}`;
  const days = ts.length > 1 ? (ts[ts.length - 1] - ts[0]) / 86_400e6 : Number.NaN;
  const view = shortSpanView(run.summary, days);
  const short = view && { ...view, note: `${days.toFixed(1)} days: under ${MIN_ANNUALIZED_DAYS}, annualized figures are shown per bar (or not at all) — annualizing so short a span misleads` };
  const exits = exitReasonsTable(run);
  // Beside the (long) metrics table: the equity chart, then the drawdown and yearly tables.
  const body = `${noticesCard(run)}<div class="grid">
<div class="card"><h2>Metrics</h2>${short ? `<p class="note">${short.note}</p>` : ''}${metricsTable(short?.summary ?? run.summary, short?.labels)}</div>
<div>${figureCard(figs[0])}
<div class="card"><h2>Worst drawdowns</h2>${drawdownsTable(run)}</div>
<div class="card"><h2>Holding periods</h2>${holdingTable(run)}</div>
${exits ? `<div class="card"><h2>Exits by reason</h2>${exits}</div>` : ''}
<div class="card"><h2>Yearly returns</h2>${yearlyTable(run)}</div></div>
</div>
${run.portfolio ? portfolioSection(run.portfolio, figs) : ''}
<div class="grid">${figs.slice(1).filter((f) => !isPortfolioFigure(f)).map(figureCard).join('\n')}</div>
${run.monteCarlo ? `<div class="card"><h2>Monte Carlo</h2>${monteCarloTable(run)}</div>` : ''}
${run.stress ? `<div class="card"><h2>Stress replays</h2>${stressTable(run.stress)}</div>` : ''}
<div class="card"><h2>Trades</h2>${tradesTable(run)}</div>`;
  return htmlPage(run.title, subtitle, body, figs, plotly);
}
