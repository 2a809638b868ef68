import type { PlotlyScript } from './plotly-source.ts';
import { baseLayout, type Figure } from './figure.ts';
import { formatMetric } from './format.ts';
import { esc, figureCard, htmlPage, noticesCard } from './html-page.ts';

/** One trial as the optimization report shows it. */
export interface ReportTrial {
  readonly number: number;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly state: string;
  readonly values: readonly number[];
  readonly finalValue: number;
}

/** Plain data of an optimization study for its report. */
export interface OptimizationReportData {
  readonly title: string;
  readonly sampler: string;
  readonly objectives: readonly { name: string; direction: 'maximize' | 'minimize' }[];
  readonly paramNames: readonly string[];
  readonly trials: readonly ReportTrial[];
  readonly bestNumber: number | null;
  readonly pbo: number | null;
  readonly seconds: number;
  /** What the figures do not say by themselves (failed trials, a one-point grid, a best point on the edge). */
  readonly notices?: readonly string[];
}

const scored = (d: OptimizationReportData) => d.trials.filter((t) => t.state === 'complete' && Number.isFinite(t.values[0]));
const better = (d: OptimizationReportData, a: number, b: number) => (d.objectives[0].direction === 'maximize' ? a > b : a < b);
const numericParams = (d: OptimizationReportData) => d.paramNames.filter((k) => d.trials.every((t) => typeof t.params[k] === 'number'));

function historyFigure(d: OptimizationReportData): Figure {
  const ok = scored(d).sort((a, b) => a.number - b.number);
  const best: number[] = [];
  let cur = Number.NaN;
  for (const t of ok) {
    if (Number.isNaN(cur) || better(d, t.values[0], cur)) cur = t.values[0];
    best.push(cur);
  }
  const name = d.objectives[0].name;
  return {
    id: 'fig-history', title: `Optimization history (${name})`,
    data: [
      { type: 'scatter', mode: 'markers', name, x: ok.map((t) => t.number), y: ok.map((t) => t.values[0]), marker: { size: 5, color: '#1f77b4', opacity: 0.6 } },
      { type: 'scatter', mode: 'lines', name: 'best so far', x: ok.map((t) => t.number), y: best, line: { color: '#d62728', shape: 'hv' } },
    ],
    layout: baseLayout({ hovermode: 'closest', xaxis: { title: { text: 'trial' } }, yaxis: { title: { text: name } } }),
  };
}

function heatmapFigure(d: OptimizationReportData): Figure | null {
  const [px, py] = numericParams(d);
  if (px === undefined || py === undefined) return null;
  const ok = scored(d);
  const xs = [...new Set(ok.map((t) => t.params[px] as number))].sort((a, b) => a - b);
  const ys = [...new Set(ok.map((t) => t.params[py] as number))].sort((a, b) => a - b);
  if (xs.length * ys.length > 250_000) return null;
  const xi = new Map(xs.map((v, i) => [v, i]));
  const yi = new Map(ys.map((v, i) => [v, i]));
  const z: (number | null)[][] = ys.map(() => xs.map(() => null));
  for (const t of ok) {
    const i = yi.get(t.params[py] as number)!;
    const j = xi.get(t.params[px] as number)!;
    const cur = z[i][j];
    if (cur === null || better(d, t.values[0], cur)) z[i][j] = t.values[0]; // best over the other params
  }
  return {
    id: 'fig-heatmap', title: `${d.objectives[0].name} by ${px} × ${py}`,
    data: [{ type: 'heatmap', x: xs, y: ys, z, colorscale: 'Viridis', reversescale: d.objectives[0].direction === 'minimize', hoverongaps: false }],
    layout: baseLayout({ height: 420, hovermode: 'closest', xaxis: { title: { text: px } }, yaxis: { title: { text: py } } }),
  };
}

function sensitivityFigure(d: OptimizationReportData): Figure {
  const ok = scored(d);
  const data: Record<string, unknown>[] = [];
  const params = numericParams(d);
  params.forEach((k, idx) => {
    const groups = new Map<number, number[]>();
    for (const t of ok) {
      const v = t.params[k] as number;
      (groups.get(v) ?? groups.set(v, []).get(v)!).push(t.values[0]);
    }
    const xs = [...groups.keys()].sort((a, b) => a - b);
    const axis = idx === 0 ? '' : String(idx + 1);
    data.push({ type: 'scatter', mode: 'lines+markers', name: `${k} (mean)`, x: xs, y: xs.map((x) => { const g = groups.get(x)!; return g.reduce((a, b) => a + b, 0) / g.length; }), xaxis: `x${axis}`, yaxis: `y${axis}` });
  });
  const layout: Record<string, unknown> = baseLayout({ height: Math.max(300, 220 * params.length), hovermode: 'closest', grid: { rows: Math.max(1, params.length), columns: 1, pattern: 'independent' } });
  params.forEach((k, idx) => { layout[`xaxis${idx === 0 ? '' : idx + 1}`] = { title: { text: k } }; });
  return { id: 'fig-sensitivity', title: `Sensitivity: mean ${d.objectives[0].name} per parameter value`, data, layout };
}

function parallelFigure(d: OptimizationReportData): Figure {
  const ok = scored(d);
  const dims = d.paramNames.map((k) => {
    const vals = ok.map((t) => t.params[k]);
    if (vals.every((v) => typeof v === 'number')) return { label: k, values: vals as number[] };
    const cats = [...new Set(vals.map(String))];
    return { label: k, values: vals.map((v) => cats.indexOf(String(v))), tickvals: cats.map((_, i) => i), ticktext: cats };
  });
  const obj = ok.map((t) => t.values[0]);
  dims.push({ label: d.objectives[0].name, values: obj });
  return {
    id: 'fig-parallel', title: 'Parallel coordinates',
    data: [{ type: 'parcoords', line: { color: obj, colorscale: 'Viridis', showscale: true, reversescale: d.objectives[0].direction === 'minimize' }, dimensions: dims }],
    layout: baseLayout({ height: 420, margin: { l: 60, r: 60, t: 50, b: 30 } }),
  };
}

/** The report's figures: history, parameter heatmap, sensitivity, parallel coordinates (those that apply). */
export function optimizationFigures(d: OptimizationReportData): Figure[] {
  return [historyFigure(d), heatmapFigure(d), sensitivityFigure(d), parallelFigure(d)].filter((f): f is Figure => f !== null);
}

/** Self-contained HTML report of an optimization study. */
export function optimizationHtml(d: OptimizationReportData, plotly?: PlotlyScript): string {
  const figs = optimizationFigures(d);
  const ok = scored(d).sort((a, b) => (better(d, a.values[0], b.values[0]) ? -1 : better(d, b.values[0], a.values[0]) ? 1 : a.number - b.number));
  const head = `<tr><th>#</th>${d.paramNames.map((k) => `<th>${esc(k)}</th>`).join('')}${d.objectives.map((o) => `<th>${esc(o.name)}</th>`).join('')}<th>final value</th></tr>`;
  const rows = ok.slice(0, 25).map((t) => `<tr><td>${t.number}</td>${d.paramNames.map((k) => `<td>${esc(String(t.params[k]))}</td>`).join('')}`
    + `${d.objectives.map((o, i) => `<td>${esc(formatMetric(o.name, t.values[i]))}</td>`).join('')}<td>${t.finalValue.toFixed(2)}</td></tr>`);
  const states = ['complete', 'infeasible', 'pruned', 'failed'].map((s) => `${d.trials.filter((t) => t.state === s).length} ${s}`).join(', ');
  const sub = `${d.sampler} · ${d.trials.length} trials (${states}) · ${d.seconds.toFixed(1)} s · objective ${d.objectives.map((o) => `${o.direction} ${o.name}`).join(', ')}`
    + `${d.pbo !== null ? ` · probability of backtest overfitting ${(d.pbo * 100).toFixed(1)}%` : ''}`;
  const notices = noticesCard('Study notices', d.notices);
  const body = `${notices}<div class="grid">${figs.map(figureCard).join('\n')}</div><div class="card"><h2>Top trials</h2><div class="scroll"><table>${head}${rows.join('')}</table></div></div>`;
  return htmlPage(d.title, sub, body, figs, plotly);
}
