/**
 * Shared result shapes. Units: time in MINUTES, rates per MINUTE, unless a field says otherwise.
 * Every result is JSON-serialisable (no NaN, no Infinity: unknown or unbounded values are null).
 */

/** P(W > t) for one threshold t (minutes). */
export interface WaitTailPoint {
  /** threshold in minutes */
  t: number;
  /** probability that an arriving customer waits longer than t */
  p: number;
}

/** The q-quantile of the wait of an arriving customer, in minutes. */
export interface WaitQuantile {
  q: number;
  /** minutes */
  t: number;
}

/** How an overloaded (load ≥ 1) stationary system grows instead of reaching steady state. */
export interface Growth {
  /** λ − cμ: customers added to the queue per minute, on average */
  queueGrowthPerMinute: number;
  /** (λ − cμ)/(cμ): minutes of extra wait added per minute of elapsed time for later arrivals */
  waitGrowthPerMinute: number;
  description: string;
}

export interface StationaryMetrics {
  stable: true;
  /** offered load a = λ/μ, in Erlangs (mean busy servers if there were no limit) */
  offeredLoad: number;
  /** ρ = λ/(cμ) for infinite-queue models; carried load / c for loss models */
  utilisation: number;
  /** probability an arriving (admitted) customer has to wait */
  probWait: number;
  /** Wq, minutes */
  meanWait: number;
  /** Lq, customers */
  meanQueue: number;
  /** L, customers */
  meanInSystem: number;
  /** W = Wq + 1/μ, minutes */
  meanSojourn: number;
  waitTail: WaitTailPoint[];
  waitQuantiles: WaitQuantile[];
}

export interface UnstableMetrics {
  stable: false;
  offeredLoad: number;
  utilisation: number;
  growth: Growth;
}

export const DEFAULT_WAIT_THRESHOLDS = [5, 10, 15, 30];
export const DEFAULT_QUANTILES = [0.5, 0.8, 0.9, 0.95];

export function growthOf(lambda: number, mu: number, c: number): Growth {
  const g = lambda - c * mu;
  return {
    queueGrowthPerMinute: g,
    waitGrowthPerMinute: g / (c * mu),
    description:
      g > 0
        ? `overloaded: the queue grows linearly by about ${round(g * 60, 3)} customers per hour and the wait of later arrivals by about ${round((g / (c * mu)) * 60, 3)} minutes per hour`
        : 'critically loaded (load = 1): no steady state, the queue grows diffusively (like the square root of elapsed time)',
  };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
