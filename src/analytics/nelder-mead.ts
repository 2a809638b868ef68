/**
 * Minimizes `f` from `x0` by the Nelder–Mead simplex (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½); the first simplex steps `step` along each axis.
 * Stops when the simplex's values span less than `tolerance` (absolute) or after
 * `maxEvaluations`. Returns the best point and its value.
 */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], step = 0.05, tolerance = 1e-10, maxEvaluations = 20_000): { x: number[]; value: number; evaluations: number } {
  const d = x0.length;
  let evals = 0;
  const val = (x: number[]) => { evals++; const v = f(x); return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY; };
  const pts: { x: number[]; v: number }[] = [{ x: [...x0], v: val([...x0]) }];
  for (let i = 0; i < d; i++) {
    const x = [...x0];
    x[i] += step * (Math.abs(x[i]) > 1 ? Math.abs(x[i]) : 1);
    pts.push({ x, v: val(x) });
  }
  const along = (c: number[], w: number[], t: number) => c.map((ci, k) => ci + t * (w[k] - ci));
  while (evals < maxEvaluations) {
    pts.sort((a, b) => a.v - b.v);
    if (pts[d].v - pts[0].v < tolerance) break;
    const c = Array.from({ length: d }, (_, k) => pts.slice(0, d).reduce((s, p) => s + p.x[k], 0) / d);
    const worst = pts[d];
    const r = along(c, worst.x, -1);
    const vr = val(r);
    if (vr < pts[0].v) {
      const e = along(c, worst.x, -2);
      const ve = val(e);
      pts[d] = ve < vr ? { x: e, v: ve } : { x: r, v: vr };
    } else if (vr < pts[d - 1].v) {
      pts[d] = { x: r, v: vr };
    } else {
      const k = vr < worst.v ? along(c, r, 0.5) : along(c, worst.x, 0.5);
      const vk = val(k);
      if (vk < Math.min(vr, worst.v)) pts[d] = { x: k, v: vk };
      else for (let i = 1; i <= d; i++) pts[i] = { x: along(pts[0].x, pts[i].x, 0.5), v: val(along(pts[0].x, pts[i].x, 0.5)) };
    }
  }
  pts.sort((a, b) => a.v - b.v);
  return { x: pts[0].x, value: pts[0].v, evaluations: evals };
}
