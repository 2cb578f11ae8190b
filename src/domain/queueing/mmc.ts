/**
 * M/M/c (Erlang C) and its building blocks. Rates per minute, times in minutes.
 *
 * Numerics: Erlang B by the recursion B(k) = a·B(k−1) / (k + a·B(k−1)), which never forms a^c or
 * c!, so it is exact to rounding for c up to 100,000 and any load; Erlang C follows from B.
 * P0 is returned in log space as well (for c = 1000 at load 0.999 it is about e^−993, which
 * underflows a double).
 */
import { QueueingInputError, finite, nonNegative, positive, positiveInt, probability } from './errors.js';
import { logFactorial, solveDecreasing } from './special.js';
import {
  DEFAULT_QUANTILES,
  DEFAULT_WAIT_THRESHOLDS,
  type StationaryMetrics,
  type UnstableMetrics,
  type WaitQuantile,
  type WaitTailPoint,
  growthOf,
} from './types.js';

/** Erlang B: blocking probability of an M/M/c/c loss system with offered load a Erlangs. */
export function erlangB(c: number, a: number): number {
  if (a <= 0) return 0;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability of waiting in M/M/c with offered load a < c (returns 1 if a ≥ c). */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho * (1 - b));
}

/** Fast scalar core (no validation, no allocation): Erlang C, Wq and the decay rate cμ − λ. */
export function mmcCore(lambda: number, mu: number, c: number): { probWait: number; meanWait: number; decay: number } {
  const a = lambda / mu;
  if (a >= c) return { probWait: 1, meanWait: Infinity, decay: 0 };
  const pw = erlangC(c, a);
  const decay = c * mu - lambda;
  return { probWait: pw, meanWait: pw / decay, decay };
}

export interface MmcInput {
  /** λ, customers per minute */
  arrivalRate: number;
  /** μ, services per minute per server (1 / mean service minutes) */
  serviceRate: number;
  /** c, number of identical servers (bays, advisors, technicians) */
  servers: number;
  /** thresholds t (minutes) for P(W > t); default [5, 10, 15, 30] */
  waitThresholds?: number[];
  /** quantile levels in (0,1) for the wait; default [0.5, 0.8, 0.9, 0.95] */
  quantiles?: number[];
}

export type MmcResult = { model: 'mmc'; servers: number } & (
  | (StationaryMetrics & {
      /** P(no customer in system); may underflow to 0 for very large c (use logP0) */
      p0: number;
      /** natural log of P0 */
      logP0: number;
      /** Erlang B of (c, a), the loss probability had there been no waiting room */
      erlangB: number;
      /** cμ − λ, per minute: the exponential decay rate of the conditional wait */
      waitDecayRate: number;
    })
  | UnstableMetrics
);

export function validateRates(lambda: unknown, mu: unknown, c: unknown): [number, number, number] {
  return [nonNegative(lambda, 'arrivalRate'), positive(mu, 'serviceRate'), positiveInt(c, 'servers')];
}

export function validateThresholds(ts: unknown, field = 'waitThresholds'): number[] {
  if (ts === undefined) return DEFAULT_WAIT_THRESHOLDS;
  if (!Array.isArray(ts)) throw new QueueingInputError(field, 'must be an array of minutes');
  return ts.map((t, i) => nonNegative(t, `${field}.${i}`));
}

export function validateQuantiles(qs: unknown, field = 'quantiles'): number[] {
  if (qs === undefined) return DEFAULT_QUANTILES;
  if (!Array.isArray(qs)) throw new QueueingInputError(field, 'must be an array of probabilities');
  return qs.map((q, i) => probability(q, `${field}.${i}`));
}

/** The validated common inputs of the stationary c-server models, with offered load and utilisation. */
export function stationaryInputs(input: { arrivalRate: unknown; serviceRate: unknown; servers: unknown; waitThresholds?: unknown; quantiles?: unknown } | null) {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  const [lambda, mu, c] = validateRates(input.arrivalRate, input.serviceRate, input.servers);
  const thresholds = validateThresholds(input.waitThresholds);
  const quantiles = validateQuantiles(input.quantiles);
  const a = lambda / mu;
  return { lambda, mu, c, thresholds, quantiles, a, rho: a / c, stable: lambda < c * mu };
}

/** M/M/c steady state. P(W > t) = C·exp(−(cμ − λ)t); quantiles in closed form. */
export function mmc(input: MmcInput): MmcResult {
  const { lambda, mu, c, thresholds, quantiles, a, rho, stable } = stationaryInputs(input);
  if (!stable) {
    return { model: 'mmc', servers: c, stable: false, offeredLoad: a, utilisation: rho, growth: growthOf(lambda, mu, c) };
  }
  const b = erlangB(c, a);
  const C = a === 0 ? 0 : b / (1 - rho * (1 - b));
  const decay = c * mu - lambda;
  const wq = C / decay;
  const lq = lambda * wq;
  // π_c = C(1 − ρ) and π_c / π_0 = a^c / c!  ⇒  log P0 = log(C(1−ρ)) − c·log a + log c!
  const logP0 = a === 0 ? 0 : Math.log(C * (1 - rho)) - c * Math.log(a) + logFactorial(c);
  const waitTail: WaitTailPoint[] = thresholds.map((t) => ({ t, p: C * Math.exp(-decay * t) }));
  const waitQuantiles: WaitQuantile[] = quantiles.map((q) => ({ q, t: mmcWaitQuantile(C, decay, q) }));
  return {
    model: 'mmc',
    servers: c,
    stable: true,
    offeredLoad: a,
    utilisation: rho,
    p0: Math.exp(logP0),
    logP0,
    erlangB: b,
    probWait: C,
    meanWait: wq,
    meanQueue: lq,
    meanInSystem: lq + a,
    meanSojourn: wq + 1 / mu,
    waitDecayRate: decay,
    waitTail,
    waitQuantiles,
  };
}

/** q-quantile of the M/M/c wait: 0 if 1 − q ≥ C, else ln(C/(1−q)) / (cμ − λ). */
export function mmcWaitQuantile(probWait: number, decay: number, q: number): number {
  if (1 - q >= probWait) return 0;
  return Math.log(probWait / (1 - q)) / decay;
}

/** Wait quantile for an approximate model whose conditional wait is taken as exponential. */
export function exponentialTailQuantile(probWait: number, meanWait: number, q: number): number {
  if (probWait <= 0 || meanWait <= 0) return 0;
  return mmcWaitQuantile(probWait, probWait / meanWait, q);
}

export { finite, solveDecreasing };
