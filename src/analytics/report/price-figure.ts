import { decimateMinMax } from './decimate.ts';
import { baseLayout, type Figure } from './figure.ts';
import type { ReportRun } from './report-run.ts';

/** At most this many entry/exit markers are drawn (the rest are listed in fills.parquet). */
export const MAX_MARKERS = 5000;

/** Price with entries (buys ▲) and exits (sells ▼); fills only when prices are unavailable. */
export function priceFigure(run: ReportRun): Figure {
  const data: Record<string, unknown>[] = [];
  if (run.prices) {
    const p = decimateMinMax(Array.from(run.prices.ts, (t) => t / 1000), run.prices.close);
    data.push({ type: 'scatter', mode: 'lines', name: run.prices.symbol, x: p.x, y: p.y, line: { color: '#444', width: 1 } });
  }
  const fills = run.fills.length > MAX_MARKERS ? run.fills.slice(0, MAX_MARKERS) : run.fills;
  for (const [side, symbol, color] of [['buy', 'triangle-up', '#2ca02c'], ['sell', 'triangle-down', '#d62728']] as const) {
    const f = fills.filter((x) => x.side === side);
    data.push({
      type: 'scatter', mode: 'markers', name: side, x: f.map((x) => x.ts / 1000), y: f.map((x) => x.price),
      marker: { symbol, color, size: 8 }, text: f.map((x) => `${side} ${x.qty} @ ${x.price}`), hoverinfo: 'text+x',
    });
  }
  const total = run.long?.fills ?? run.fills.length;
  const capped = total > MAX_MARKERS ? ` (first ${MAX_MARKERS} of ${total} fills)` : '';
  return {
    id: 'fig-price', title: `Entries and exits${capped}`,
    data,
    layout: baseLayout({ height: 380, hovermode: 'closest', xaxis: { type: 'date' }, yaxis: { title: { text: 'price' } } }),
  };
}
