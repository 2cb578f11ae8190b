/** Small statistics for the replay's report: Wilson intervals, medians, means, reliability bins. */

/** Wilson score interval at 95% for k successes out of n. */
export function wilson(k: number, n: number, z = 1.959964): { lo: number; hi: number } {
  if (n === 0) return { lo: NaN, hi: NaN };
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = p + (z * z) / (2 * n);
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lo: Math.max(0, (c - h) / d), hi: Math.min(1, (c + h) / d) };
}

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : NaN;
}

/** Predicted-miss bins of the at-risk reliability table (upper bounds, the last is 1). */
export const RISK_BINS = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1];

export interface ReliabilityRow {
  bin: string;
  flags: number;
  cars: number;
  meanPredicted: number;
  observed: number;
  lo: number;
  hi: number;
}

/** One row per bin: flags (car × morning) by predicted miss 1 − p, the observed miss rate of those flags. */
export function reliability(flags: { predictedMiss: number; missed: boolean; car: number }[]): ReliabilityRow[] {
  const rows: ReliabilityRow[] = [];
  let lo = 0;
  for (const hi of RISK_BINS) {
    const f = flags.filter((x) => x.predictedMiss >= lo && (x.predictedMiss < hi || (hi === 1 && x.predictedMiss <= 1)));
    const k = f.filter((x) => x.missed).length;
    const w = wilson(k, f.length);
    rows.push({
      bin: `${lo.toFixed(2)}–${hi.toFixed(2)}`,
      flags: f.length,
      cars: new Set(f.map((x) => x.car)).size,
      meanPredicted: mean(f.map((x) => x.predictedMiss)),
      observed: f.length ? k / f.length : NaN,
      lo: w.lo,
      hi: w.hi,
    });
    lo = hi;
  }
  return rows;
}
