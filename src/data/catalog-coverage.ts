import type { CatalogRows } from './catalog-write.ts';
import type { CatalogPart } from './catalog-records.ts';

/** A half-open interval [from, to). */
export type Span = readonly [number, number];

/** Sorted, merged spans (touching spans join). */
export function unionSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of [from, to) no span covers. */
export function missingSpans(from: number, to: number, covered: readonly Span[]): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const [a, b] of unionSpans(covered)) {
    if (b <= at) continue;
    if (a >= to) break;
    if (a > at) out.push([at, Math.min(a, to)]);
    at = Math.max(at, b);
    if (at >= to) break;
  }
  if (at < to) out.push([at, to]);
  return out;
}

/**
 * What a stream's records cover (µs): a downloaded part its window; an imported part
 * [first, last + `step`) (`step`: the bar length, or 1 µs for ticks).
 */
export function coveredSpans(records: readonly CatalogPart[], step: number): Span[] {
  return unionSpans(records.map((p) => (p.covers ? [p.covers.from, p.covers.to] as const : [p.first, p.last + step] as const)));
}

/** Row-wise concatenation of rows of one kind. */
export function concatRows(list: readonly CatalogRows[]): CatalogRows {
  if (list.length === 1) return list[0];
  const first = list[0];
  const n = list.reduce((s, r) => s + r.length, 0);
  const columns: Record<string, Float64Array> = {};
  for (const name of Object.keys(first.columns)) {
    const c = new Float64Array(n);
    let at = 0;
    for (const r of list) { c.set(r.columns[name].subarray(0, r.length), at); at += r.length; }
    columns[name] = c;
  }
  const timeName = Object.keys(first.columns).find((k) => first.columns[k] === first.time)!;
  return { kind: first.kind, length: n, time: columns[timeName], columns, micros: first.micros };
}
