/** Rows of objects as an aligned text table: a header, a rule, one line per row (dates ISO, objects as JSON). */
export function textTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(no rows)';
  const names = Object.keys(rows[0]);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString()
    : typeof v === 'number' ? String(Number.isInteger(v) ? v : Number(v.toPrecision(10))) : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => names.map((n) => cell(r[n])));
  const width = names.map((n, j) => Math.max(n.length, ...cells.map((c) => c[j].length)));
  const line = (c: readonly string[]) => c.map((x, j) => x.padEnd(width[j])).join('  ').trimEnd();
  return [line(names), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
