/** Confidence intervals from independent replications (Student t). */
import { studentTQuantile } from './special.js';

export interface ConfidenceInterval {
  mean: number;
  /** half-width of the two-sided interval; null with fewer than 2 replications */
  halfWidth: number | null;
  lower: number | null;
  upper: number | null;
  /** number of replications that contributed */
  n: number;
}

const tCache = new Map<string, number>();

export function tQuantile(level: number, df: number): number {
  const key = `${level}:${df}`;
  let v = tCache.get(key);
  if (v === undefined) {
    v = studentTQuantile(1 - (1 - level) / 2, df);
    tCache.set(key, v);
  }
  return v;
}

export function tInterval(xs: ArrayLike<number>, level = 0.95): ConfidenceInterval {
  const n = xs.length;
  if (n === 0) return { mean: 0, halfWidth: null, lower: null, upper: null, n: 0 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i];
  mean /= n;
  if (n < 2) return { mean, halfWidth: null, lower: null, upper: null, n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const hw = (tQuantile(level, n - 1) * sd) / Math.sqrt(n);
  return { mean, halfWidth: hw, lower: mean - hw, upper: mean + hw, n };
}

/** Sample quantile (type 7, linear interpolation) of a sorted array. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Ratio estimator Σy / Σx over replications with a delta-method t-interval. Used for per-customer
 * averages (mean wait, P(W > t)) so that every customer counts once: the plain mean of
 * per-replication averages is biased when the number of customers varies with congestion.
 */
export function ratioInterval(ys: ArrayLike<number>, xs: ArrayLike<number>, level = 0.95): ConfidenceInterval {
  const n = ys.length;
  let sy = 0;
  let sx = 0;
  for (let i = 0; i < n; i++) {
    sy += ys[i];
    sx += xs[i];
  }
  if (n === 0 || sx === 0) return { mean: 0, halfWidth: null, lower: null, upper: null, n: 0 };
  const r = sy / sx;
  if (n < 2) return { mean: r, halfWidth: null, lower: null, upper: null, n };
  const xbar = sx / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (ys[i] - r * xs[i]) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n) / xbar;
  const hw = tQuantile(level, n - 1) * se;
  return { mean: r, halfWidth: hw, lower: r - hw, upper: r + hw, n };
}
