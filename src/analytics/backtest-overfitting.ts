/** Result of combinatorially symmetric cross-validation. */
export interface OverfittingReport {
  /** Probability of backtest overfitting: share of splits whose in-sample best ranks below the out-of-sample median. */
  readonly pbo: number;
  /** Logit of the best in-sample trial's relative out-of-sample rank, per split. */
  readonly logits: readonly number[];
  /** Number of train/test splits evaluated, C(S, S/2). */
  readonly splits: number;
}

/**
 * Sharpe ratio of trial rows `r[at + i]` over the rows of blocks `blocks` (ascending; block b is
 * rows [b·size, (b+1)·size)), two passes in row order: the arithmetic of a mean and deviations
 * over the rows listed in order.
 */
function sharpeOf(r: Float64Array, at: number, blocks: readonly number[], size: number): number {
  let s = 0;
  for (const b of blocks) for (let i = at + b * size, end = i + size; i < end; i++) s += r[i];
  const n = blocks.length * size;
  const m = s / n;
  let ss = 0;
  for (const b of blocks) for (let i = at + b * size, end = i + size; i < end; i++) ss += (r[i] - m) ** 2;
  return sharpeFrom(m, ss, n);
}

function sharpeFrom(m: number, ss: number, n: number): number {
  const sd = Math.sqrt(ss / (n - 1));
  return sd > 0 ? m / sd : m > 0 ? Infinity : m < 0 ? -Infinity : 0;
}

/**
 * `sharpeOf` of every trial (rows `j·T …` of `r`) into `out`, four trials at a time: each
 * keeps its own sums, added in the same row order as `sharpeOf`, so the values are the same;
 * four independent chains of additions run at once where one waited for each addition.
 */
function sharpesOf(r: Float64Array, T: number, trials: number, blocks: readonly number[], size: number, out: Float64Array): void {
  const n = blocks.length * size;
  let j = 0;
  for (; j + 4 <= trials; j += 4) {
    const a = j * T, b = a + T, c = b + T, d = c + T;
    let sa = 0, sb = 0, sc = 0, sd = 0;
    for (const k of blocks) {
      for (let i = k * size, end = i + size; i < end; i++) {
        sa += r[a + i]; sb += r[b + i]; sc += r[c + i]; sd += r[d + i];
      }
    }
    const ma = sa / n, mb = sb / n, mc = sc / n, md = sd / n;
    let qa = 0, qb = 0, qc = 0, qd = 0;
    for (const k of blocks) {
      for (let i = k * size, end = i + size; i < end; i++) {
        qa += (r[a + i] - ma) ** 2; qb += (r[b + i] - mb) ** 2; qc += (r[c + i] - mc) ** 2; qd += (r[d + i] - md) ** 2;
      }
    }
    out[j] = sharpeFrom(ma, qa, n);
    out[j + 1] = sharpeFrom(mb, qb, n);
    out[j + 2] = sharpeFrom(mc, qc, n);
    out[j + 3] = sharpeFrom(md, qd, n);
  }
  for (; j < trials; j++) out[j] = sharpeOf(r, j * T, blocks, size);
}

/** The k-subsets of 0..n−1, each ascending, in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

/**
 * Probability of backtest overfitting by CSCV (Bailey, Borwein, López de Prado, Zhu
 * 2015). `trials[j]` are trial j's per-period returns (all the same length T). Rows are
 * cut into `blocks` (even) contiguous blocks; every half of the blocks serves once as
 * in-sample with the rest out-of-sample. For each split the trial with the best
 * in-sample Sharpe ratio is ranked out-of-sample (rank ω ∈ (0, 1), ties averaged) and
 * λ = ln(ω / (1 − ω)); PBO is the share of splits with λ ≤ 0.
 */
export function backtestOverfitting(trials: readonly ArrayLike<number>[], blocks = 16): OverfittingReport {
  const nTrials = trials.length;
  if (nTrials < 2) throw new RangeError('CSCV needs at least 2 trials');
  if (blocks < 2 || blocks % 2 !== 0) throw new RangeError(`CSCV needs an even number of blocks, got ${blocks}`);
  const T = trials[0].length;
  if (trials.some((t) => t.length !== T)) throw new RangeError('every trial needs the same number of returns');
  if (T < 2 * blocks) throw new RangeError(`CSCV with ${blocks} blocks needs at least ${2 * blocks} returns per trial, got ${T}`);
  const size = Math.floor(T / blocks);
  // Every trial's returns in one array: the loops below read it C(blocks, blocks/2) times.
  const all = new Float64Array(nTrials * T);
  trials.forEach((t, j) => all.set(t, j * T));
  // The splits come in pairs: a half of the blocks is one split's in-sample and its
  // complement's out-of-sample, so each half's Sharpe ratios are computed once and serve both
  // (the same rows in the same order: the same values, half the work).
  const halves = [...combinations(blocks, blocks / 2)];
  const maskOf = (bs: readonly number[]): number => bs.reduce((m, b) => m | (1 << b), 0);
  const indexOf = new Map(halves.map((h, i) => [maskOf(h), i]));
  const full = (1 << blocks) - 1;
  const logits = new Array<number>(halves.length);
  const a = new Float64Array(nTrials);
  const b = new Float64Array(nTrials);
  halves.forEach((half, i) => {
    const k = indexOf.get(full ^ maskOf(half))!;
    if (k < i) return; // done with its complement
    sharpesOf(all, T, nTrials, half, size, a);
    sharpesOf(all, T, nTrials, halves[k], size, b);
    logits[i] = splitLogit(a, b);
    logits[k] = splitLogit(b, a);
  });
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits, splits: logits.length };
}

/** λ of one split: the logit of the out-of-sample rank (ties averaged) of the trial best in sample (the first of equals). */
function splitLogit(inSample: Float64Array, outOfSample: Float64Array): number {
  const n = inSample.length;
  let best = 0;
  let bestIs = -Infinity;
  for (let j = 0; j < n; j++) {
    if (inSample[j] > bestIs) { bestIs = inSample[j]; best = j; }
  }
  const target = outOfSample[best];
  let below = 0;
  let equal = 0;
  for (let j = 0; j < n; j++) {
    if (outOfSample[j] < target) below++;
    else if (outOfSample[j] === target) equal++;
  }
  const rank = below + (equal + 1) / 2; // average rank of the best IS trial, 1..N
  const w = rank / (n + 1);
  return Math.log(w / (1 - w));
}
