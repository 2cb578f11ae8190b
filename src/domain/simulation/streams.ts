/**
 * Random streams for common random numbers. Every random quantity is drawn from a generator seeded
 * by (run seed, replication, stream, entity…), never from a shared sequential stream: the demand of
 * day 7 or the duration of the 3rd operation of walk-in 12 on day 4 is the same number in the base
 * and in every variant, however the variant changes what happened before. Differences between
 * scenarios are then caused by the change, not by the noise.
 */
import { Rng } from '../../lib/random.js';

export const STREAM = {
  demand: 1,
  walkIns: 2,
  durations: 3,
  noShows: 4,
  arrivals: 5,
  absences: 6,
  checkIn: 7,
  comebacks: 8,
  parts: 9,
  solver: 10,
} as const;

/** 32-bit mix of a list of integers (murmur3 finaliser over a running hash). */
export function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function streamRng(...xs: number[]): Rng {
  return new Rng(mix(...xs));
}

/**
 * Poisson variate by inversion of one uniform: counts for two means are coupled (a larger mean
 * never gives a smaller count for the same u), which keeps paired comparisons sharp.
 */
export function poissonInv(u: number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 400) {
    // normal approximation through the inverse normal CDF of the same uniform
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normInv(u)));
  }
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && k < 10_000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normInv(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q0 = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  if (q0 < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(q0));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (q0 > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - q0));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = q0 - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Index drawn from relative weights with one uniform (-1 if all weights are 0). */
export function pickWeighted(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  if (total <= 0) return -1;
  let r = u * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    last = i;
    if ((r -= weights[i]) < 0) return i;
  }
  return last;
}
