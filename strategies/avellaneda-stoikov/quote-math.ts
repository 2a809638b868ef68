/**
 * The quote math of Avellaneda & Stoikov (2008) and of its infinite-horizon closed form by
 * Guéant, Lehalle & Fernandez-Tapia (2013). Units: prices in quote currency, time in
 * seconds, σ² = variance of the mid per second (price²/s), κ per price unit, A per second,
 * q = inventory in quote lots (position / quote size).
 */

/** Reservation price r = s − q·γ·σ²·(T−t). */
export function reservationPrice(mid: number, q: number, gamma: number, sigma2: number, tau: number): number {
  return mid - q * gamma * sigma2 * tau;
}

/** Optimal total spread δ = γ·σ²·(T−t) + (2/γ)·ln(1 + γ/κ); quotes sit at r ∓ δ/2. */
export function optimalSpread(gamma: number, sigma2: number, tau: number, kappa: number): number {
  return gamma * sigma2 * tau + (2 / gamma) * Math.log(1 + gamma / kappa);
}

/** Distances of the bid and ask below / above the reference price. */
export interface QuoteDepths {
  bid: number;
  ask: number;
}

/**
 * Guéant–Lehalle–Fernandez-Tapia closed form (their approximation of the infinite-horizon
 * optimum, with the risk aversion ξ = γ):
 *   δᵇ(q) = (1/γ)·ln(1 + γ/κ) + (2q + 1)/2 · σ · √(γ/(2κA) · (1 + γ/κ)^(1 + κ/γ))
 *   δᵃ(q) = (1/γ)·ln(1 + γ/κ) − (2q − 1)/2 · σ · √(γ/(2κA) · (1 + γ/κ)^(1 + κ/γ))
 */
export function glftDepths(q: number, gamma: number, sigma: number, kappa: number, a: number): QuoteDepths {
  const c1 = Math.log(1 + gamma / kappa) / gamma;
  const c2 = Math.sqrt((gamma / (2 * kappa * a)) * Math.pow(1 + gamma / kappa, 1 + kappa / gamma));
  return { bid: c1 + ((2 * q + 1) / 2) * sigma * c2, ask: c1 - ((2 * q - 1) / 2) * sigma * c2 };
}

/** A–S finite-horizon depths around the mid: the reservation price shifted by ∓δ/2. */
export function asDepths(q: number, gamma: number, sigma2: number, tau: number, kappa: number): QuoteDepths {
  const shift = q * gamma * sigma2 * tau;
  const half = optimalSpread(gamma, sigma2, tau, kappa) / 2;
  return { bid: shift + half, ask: half - shift };
}

/**
 * EWMA variance of mid changes sampled every `sampleSeconds`, reported per second. The
 * first sample only sets the reference price.
 */
export class EwmaVariance {
  private last = Number.NaN;
  private varPerSample = Number.NaN;
  private readonly alpha: number;
  /** @param halfLifeSamples samples after which an observation's weight has halved. */
  constructor(halfLifeSamples: number, private readonly sampleSeconds: number) {
    this.alpha = 1 - Math.pow(0.5, 1 / halfLifeSamples);
  }

  /** Feeds the mid at a sample time. */
  sample(mid: number): void {
    if (Number.isNaN(this.last)) {
      this.last = mid;
      return;
    }
    const d = mid - this.last;
    this.last = mid;
    this.varPerSample = Number.isNaN(this.varPerSample) ? d * d : this.varPerSample + this.alpha * (d * d - this.varPerSample);
  }

  /** σ² per second (NaN before two samples). */
  perSecond(): number {
    return this.varPerSample / this.sampleSeconds;
  }
}

/**
 * Online estimate of the fill intensity λ(δ) = A·e^(−κδ) from market trades: a trade at
 * distance d from the mid would have filled a quote resting at any depth δ ≤ d, so each
 * trade counts for every depth bucket up to d. Counts decay exponentially (half-life in
 * seconds); κ and A come from a least-squares fit of ln λ against δ over the non-empty
 * buckets (at least three).
 */
export class IntensityEstimator {
  private readonly counts: Float64Array;
  private lastTs = Number.NaN;
  private elapsed = 0;
  private readonly decayPerSecond: number;

  constructor(private readonly bucketWidth: number, buckets: number, halfLifeSeconds: number) {
    this.counts = new Float64Array(buckets);
    this.decayPerSecond = Math.LN2 / halfLifeSeconds;
  }

  /** Records a trade at `distance` from the mid at time `seconds`. */
  onTrade(seconds: number, distance: number): void {
    this.advance(seconds);
    const last = Math.min(this.counts.length - 1, Math.floor(distance / this.bucketWidth + 1e-9));
    for (let k = 0; k <= last; k++) this.counts[k]++;
  }

  /** Moves time forward (decays the counts). */
  advance(seconds: number): void {
    if (!Number.isNaN(this.lastTs) && seconds > this.lastTs) {
      const f = Math.exp(-this.decayPerSecond * (seconds - this.lastTs));
      for (let k = 0; k < this.counts.length; k++) this.counts[k] *= f;
      // Effective window length under the same decay: ∫ e^(−λs) ds from 0 to the elapsed time.
      this.elapsed = this.elapsed * f + (1 - f) / this.decayPerSecond;
    }
    if (Number.isNaN(this.lastTs) || seconds > this.lastTs) this.lastTs = seconds;
  }

  /** { kappa, a } of the fit, or null with fewer than three non-empty buckets. */
  fit(): { kappa: number; a: number } | null {
    if (!(this.elapsed > 0)) return null;
    let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let k = 0; k < this.counts.length; k++) {
      const c = this.counts[k];
      if (!(c > 1e-9)) continue;
      const x = k * this.bucketWidth;
      const y = Math.log(c / this.elapsed);
      n++; sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    if (n < 3) return null;
    const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const intercept = (sy - slope * sx) / n;
    if (!(slope < 0)) return null;
    return { kappa: -slope, a: Math.exp(intercept) };
  }
}
