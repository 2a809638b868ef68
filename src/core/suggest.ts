/** Edit distance (insert, delete, substitute, swap of neighbours) between two words. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * " (did you mean X?)" for the candidate closest to `word` — within 2 edits, or 1 for words
 * of up to 4 letters, or a candidate that starts with it — else "".
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  const limit = word.length <= 4 ? 1 : 2;
  if (best !== null && bestD <= limit) return ` (did you mean ${best}?)`;
  const prefixed = [...candidates].filter((c) => word.length >= 3 && c.startsWith(word));
  return prefixed.length === 1 ? ` (did you mean ${prefixed[0]}?)` : '';
}
