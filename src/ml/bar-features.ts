import { mean, sampleStd } from '../analytics/mean-std.ts';

/**
 * The bar features of Lockstep's ML signals — one module for research (datasets) and for
 * strategies (backtest and live), so a model always sees features computed the same way.
 * Streaming: `update` per bar, O(window) work, no allocation.
 */

export const BAR_FEATURES = [
  /** log(close / close 1 bar ago) */
  'ret_1',
  /** log(close / close 5 bars ago) */
  'ret_5',
  /** log(close / close 15 bars ago) */
  'ret_15',
  /** log(close / close 60 bars ago) */
  'ret_60',
  /** standard deviation of the last 30 one-bar log returns */
  'vol_30',
  /** Wilder RSI(14), scaled to [−1, 1] as (RSI − 50) / 50 */
  'rsi_14',
  /** (close − mean of the last 60 closes) / their standard deviation */
  'z_60',
  /** log(high / low) of the bar */
  'range_1',
  /** z-score of log(1 + volume) over the last 30 bars */
  'volume_z_30',
] as const;

const CLOSES = 61;
const RETS = 30;
const RSI_N = 14;

export class BarFeatures {
  /** Feature names, in the order of `values`. */
  readonly names: readonly string[] = BAR_FEATURES;
  /** The features of the last bar (valid once `ready`). */
  readonly values = new Float64Array(BAR_FEATURES.length);
  private readonly closes = new Float64Array(CLOSES);
  private readonly rets = new Float64Array(RETS);
  private readonly logVol = new Float64Array(RETS);
  private n = 0;
  private avgGain = 0;
  private avgLoss = 0;

  /** Bars seen so far. */
  get count(): number {
    return this.n;
  }

  /** True once every feature has its full window (61 bars). */
  get ready(): boolean {
    return this.n >= CLOSES;
  }

  /** Adds a bar; returns `ready`. */
  update(high: number, low: number, close: number, volume: number): boolean {
    const n = this.n;
    const c = this.closes;
    const prev = n > 0 ? c[(n - 1) % CLOSES] : close;
    c[n % CLOSES] = close;
    const r = Math.log(close / prev);
    if (n > 0) this.rets[(n - 1) % RETS] = r;
    this.logVol[n % RETS] = Math.log1p(volume);
    // Wilder RSI: simple averages over the first 14 changes, then smoothing.
    if (n > 0) {
      const ch = close - prev;
      const gain = ch > 0 ? ch : 0;
      const loss = ch < 0 ? -ch : 0;
      if (n <= RSI_N) {
        this.avgGain += gain / RSI_N;
        this.avgLoss += loss / RSI_N;
      } else {
        this.avgGain = (this.avgGain * (RSI_N - 1) + gain) / RSI_N;
        this.avgLoss = (this.avgLoss * (RSI_N - 1) + loss) / RSI_N;
      }
    }
    this.n = n + 1;
    if (this.n < CLOSES) return false;
    const at = (k: number) => c[(n - k + CLOSES * 2) % CLOSES];
    const v = this.values;
    v[0] = r;
    v[1] = Math.log(close / at(5));
    v[2] = Math.log(close / at(15));
    v[3] = Math.log(close / at(60));
    v[4] = sampleStd(this.rets);
    const sum = this.avgGain + this.avgLoss;
    v[5] = sum > 0 ? (this.avgGain / sum) * 2 - 1 : 0;
    let m = 0;
    for (let k = 0; k < 60; k++) m += at(k);
    m /= 60;
    let s2 = 0;
    for (let k = 0; k < 60; k++) s2 += (at(k) - m) ** 2;
    const sd = Math.sqrt(s2 / 59);
    v[6] = sd > 0 ? (close - m) / sd : 0;
    v[7] = Math.log(high / low);
    const lv = this.logVol;
    const lm = mean(lv);
    const lsd = sampleStd(lv);
    v[8] = lsd > 0 ? (lv[n % RETS] - lm) / lsd : 0;
    return true;
  }
}
