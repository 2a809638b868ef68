import { nelderMead } from './nelder-mead.ts';

/** A two-state Markov-switching model of returns (Hamilton): each state its own mean and variance. */
export interface RegimeModel {
  /** P(stay calm): the probability that state 0 (the lower variance) follows state 0. */
  readonly p00: number;
  /** P(calm after turbulent): the probability that state 0 follows state 1. */
  readonly p10: number;
  /** Mean return of each state. */
  readonly mean: readonly [number, number];
  /** Variance of each state; state 0 is the calm one (smaller variance). */
  readonly variance: readonly [number, number];
  /** Log-likelihood of the returns under the fitted model. */
  readonly logLikelihood: number;
  /** Expected length of a stay in each state, in bars: 1 / (1 − P(stay)). */
  readonly expectedDuration: readonly [number, number];
  /** Smoothed probability of the turbulent state at each bar (given every return). */
  readonly turbulent: Float64Array;
  /** Most likely state per bar by the smoothed probability (0 calm, 1 turbulent). */
  readonly state: Uint8Array;
  /** EM iterations run. */
  readonly iterations: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Fits a two-state Gaussian Markov-switching model to returns by expectation-maximization
 * (Baum–Welch with Hamilton's filter and Kim's smoother), the first state drawn from the
 * chain's steady state — statsmodels' `MarkovRegression(r, k_regimes=2, trend='c',
 * switching_variance=True)`. States are ordered by variance: 0 calm, 1 turbulent.
 * Needs at least 10 finite returns.
 */
export function regimeModel(returns: ArrayLike<number>, maxIterations = 500, tolerance = 1e-12): RegimeModel {
  const y = Float64Array.from(returns);
  const n = y.length;
  if (n < 10 || y.some((v) => !Number.isFinite(v))) throw new Error(`regimeModel: needs at least 10 finite returns, got ${n}${y.some((v) => !Number.isFinite(v)) ? ' with NaN/infinite values' : ''}`);
  let th = initialGuess(y);
  let last = Number.NEGATIVE_INFINITY;
  let it = 0;
  let pass = expectation(y, th);
  for (; it < maxIterations; it++) {
    th = maximization(y, pass);
    pass = expectation(y, th);
    if (Math.abs(pass.logLikelihood - last) < tolerance * Math.abs(pass.logLikelihood)) break;
    last = pass.logLikelihood;
  }
  // EM's transition step leaves out the first state's steady-state law (its weight is one
  // observation against the transitions'); the exact likelihood is polished from there.
  th = polish(y, th);
  return result(th, expectation(y, th), it + 1);
}

/** Maximizes the exact log-likelihood by Nelder–Mead over logit probabilities, means and log variances. */
function polish(y: Float64Array, th: Params): Params {
  const logit = (p: number) => Math.log(p / (1 - p));
  const inv = (x: number) => 1 / (1 + Math.exp(-x));
  const of = (x: readonly number[]): Params => ({ p00: inv(x[0]), p10: inv(x[1]), m: [x[2], x[3]], v: [Math.exp(x[4]), Math.exp(x[5])] });
  const scale = Math.sqrt(th.v[0]);
  const best = nelderMead((x) => -logLikelihood(y, of(x)), [logit(th.p00), logit(th.p10), th.m[0], th.m[1], Math.log(th.v[0]), Math.log(th.v[1])], 0.01 * Math.min(1, scale), 1e-9);
  return of(best.x);
}

/** Log-likelihood by Hamilton's filter alone. */
function logLikelihood(y: Float64Array, th: Params): number {
  let a0 = th.p10 / (1 - th.p00 + th.p10);
  let a1 = 1 - a0;
  let ll = 0;
  for (let t = 0; t < y.length; t++) {
    const q0 = t === 0 ? a0 : a0 * th.p00 + a1 * th.p10;
    const f0 = q0 * density(y[t], th.m[0], th.v[0]);
    const f1 = (1 - q0) * density(y[t], th.m[1], th.v[1]);
    const c = f0 + f1;
    ll += Math.log(c);
    a0 = f0 / c;
    a1 = f1 / c;
  }
  return ll;
}

interface Params { p00: number; p10: number; m: [number, number]; v: [number, number] }
interface Pass { logLikelihood: number; smoothed: Float64Array; xi: [number, number, number, number] }

/** Calm state from the smaller three quarters of absolute deviations, turbulent from the rest. */
function initialGuess(y: Float64Array): Params {
  const mu = y.reduce((a, b) => a + b, 0) / y.length;
  const dev = Array.from(y, (v) => Math.abs(v - mu)).sort((a, b) => a - b);
  const cut = dev[Math.floor(0.75 * (dev.length - 1))];
  let s0 = 0, n0 = 0, s1 = 0, n1 = 0;
  for (const v of y) {
    const d = (v - mu) ** 2;
    if (Math.abs(v - mu) <= cut) { s0 += d; n0++; } else { s1 += d; n1++; }
  }
  const v0 = Math.max(s0 / Math.max(n0, 1), 1e-12);
  return { p00: 0.95, p10: 0.05, m: [mu, mu], v: [v0, Math.max(s1 / Math.max(n1, 1), 4 * v0)] };
}

/** Hamilton filter forward, Kim smoother backward: smoothed state probabilities and expected transitions. */
function expectation(y: Float64Array, th: Params): Pass {
  const n = y.length;
  const P = [th.p00, 1 - th.p00, th.p10, 1 - th.p10]; // P[i*2+j] = P(j | i)
  const steady0 = th.p10 / (1 - th.p00 + th.p10);
  const filt = new Float64Array(2 * n);
  const pred = new Float64Array(2 * n);
  let ll = 0;
  let a0 = steady0, a1 = 1 - steady0;
  for (let t = 0; t < n; t++) {
    const q0 = t === 0 ? a0 : a0 * P[0] + a1 * P[2];
    const q1 = t === 0 ? a1 : a0 * P[1] + a1 * P[3];
    const f0 = q0 * density(y[t], th.m[0], th.v[0]);
    const f1 = q1 * density(y[t], th.m[1], th.v[1]);
    const c = f0 + f1;
    ll += Math.log(c);
    a0 = f0 / c;
    a1 = f1 / c;
    pred[2 * t] = q0; pred[2 * t + 1] = q1;
    filt[2 * t] = a0; filt[2 * t + 1] = a1;
  }
  const sm = new Float64Array(2 * n);
  sm[2 * (n - 1)] = filt[2 * (n - 1)];
  sm[2 * (n - 1) + 1] = filt[2 * (n - 1) + 1];
  const xi: [number, number, number, number] = [0, 0, 0, 0];
  for (let t = n - 2; t >= 0; t--) {
    const r0 = sm[2 * (t + 1)] / pred[2 * (t + 1)];
    const r1 = sm[2 * (t + 1) + 1] / pred[2 * (t + 1) + 1];
    for (let i = 0; i < 2; i++) {
      const x0 = filt[2 * t + i] * P[2 * i] * r0;
      const x1 = filt[2 * t + i] * P[2 * i + 1] * r1;
      xi[2 * i] += x0;
      xi[2 * i + 1] += x1;
      sm[2 * t + i] = x0 + x1;
    }
  }
  return { logLikelihood: ll, smoothed: sm, xi };
}

function maximization(y: Float64Array, e: Pass): Params {
  const n = y.length;
  const w = [0, 0], s = [0, 0];
  for (let t = 0; t < n; t++) for (let j = 0; j < 2; j++) { w[j] += e.smoothed[2 * t + j]; s[j] += e.smoothed[2 * t + j] * y[t]; }
  const m: [number, number] = [s[0] / w[0], s[1] / w[1]];
  const ss = [0, 0];
  for (let t = 0; t < n; t++) for (let j = 0; j < 2; j++) ss[j] += e.smoothed[2 * t + j] * (y[t] - m[j]) ** 2;
  const { xi } = e;
  return { p00: xi[0] / (xi[0] + xi[1]), p10: xi[2] / (xi[2] + xi[3]), m, v: [ss[0] / w[0], ss[1] / w[1]] };
}

function density(x: number, m: number, v: number): number {
  return Math.exp(-0.5 * (LOG_2PI + Math.log(v) + ((x - m) * (x - m)) / v));
}

/** The fitted model with state 0 the calm one (the states swapped when EM put them the other way). */
function result(th: Params, e: Pass, iterations: number): RegimeModel {
  const swap = th.v[0] > th.v[1];
  const n = e.smoothed.length / 2;
  const turbulent = new Float64Array(n);
  for (let t = 0; t < n; t++) turbulent[t] = e.smoothed[2 * t + (swap ? 0 : 1)];
  const p00 = swap ? 1 - th.p10 : th.p00;
  const p10 = swap ? 1 - th.p00 : th.p10;
  return {
    p00, p10, mean: swap ? [th.m[1], th.m[0]] : th.m, variance: swap ? [th.v[1], th.v[0]] : th.v, logLikelihood: e.logLikelihood,
    expectedDuration: [1 / (1 - p00), 1 / p10], turbulent, state: Uint8Array.from(turbulent, (p) => (p > 0.5 ? 1 : 0)), iterations,
  };
}
