/**
 * M/M/c/K: c servers, at most K customers in the system (K − c waiting places: parking, bays).
 * Arrivals finding K present are turned away. Rates per minute, times in minutes.
 *
 * State probabilities are computed in log space (log π_n = Σ log(λ / (min(k,c)μ))) and normalised
 * with log-sum-exp, so any load (including ≥ 1, which is stable here) and K up to 100,000 work.
 */
import { QueueingInputError, positiveInt } from './errors.js';
import { poissonMix, solveDecreasing } from './special.js';
import { validateQuantiles, validateRates, validateThresholds } from './mmc.js';
import type { StationaryMetrics } from './types.js';

export interface MmckInput {
  /** λ, offered arrivals per minute (before blocking) */
  arrivalRate: number;
  /** μ, per minute per server */
  serviceRate: number;
  servers: number;
  /** K ≥ c: maximum customers in the system (in service + waiting) */
  capacity: number;
  waitThresholds?: number[];
  quantiles?: number[];
  /** include the full state distribution π_0..π_K (default false) */
  includeDistribution?: boolean;
}

/** The stationary metrics of admitted customers, plus what a finite system adds. */
export interface MmckResult extends StationaryMetrics {
  model: 'mmck';
  servers: number;
  capacity: number;
  /** P(an arrival is turned away) = π_K (PASTA) */
  blockingProbability: number;
  /** λ(1 − π_K), admitted customers per minute */
  effectiveArrivalRate: number;
  distribution?: number[];
}

/** Stationary distribution of M/M/c/K (length K + 1). */
export function mmckDistribution(lambda: number, mu: number, c: number, K: number): Float64Array {
  const logp = new Float64Array(K + 1);
  const pi = new Float64Array(K + 1);
  if (lambda === 0) {
    pi[0] = 1;
    return pi;
  }
  const la = Math.log(lambda);
  let max = 0;
  for (let n = 1; n <= K; n++) {
    logp[n] = logp[n - 1] + la - Math.log(Math.min(n, c) * mu);
    if (logp[n] > max) max = logp[n];
  }
  let sum = 0;
  for (let n = 0; n <= K; n++) {
    pi[n] = Math.exp(logp[n] - max);
    sum += pi[n];
  }
  for (let n = 0; n <= K; n++) pi[n] /= sum;
  return pi;
}

export function mmck(input: MmckInput): MmckResult {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  const [lambda, mu, c] = validateRates(input.arrivalRate, input.serviceRate, input.servers);
  const K = positiveInt(input.capacity, 'capacity', 1_000_000);
  if (K < c) throw new QueueingInputError('capacity', `must be ≥ servers (${c})`);
  const thresholds = validateThresholds(input.waitThresholds);
  const quantiles = validateQuantiles(input.quantiles);
  const pi = mmckDistribution(lambda, mu, c, K);
  const block = pi[K];
  const admitted = 1 - block;
  const lambdaEff = lambda * admitted;
  let L = 0;
  let Lq = 0;
  let pWaitMass = 0;
  for (let n = 0; n <= K; n++) {
    L += n * pi[n];
    if (n > c) Lq += (n - c) * pi[n];
    if (n >= c && n < K) pWaitMass += pi[n];
  }
  const wq = lambdaEff > 0 ? Lq / lambdaEff : 0;
  // An admitted arrival finding n ≥ c present waits for n − c + 1 completions at rate cμ:
  // P(W > t) = Σ_{n=c}^{K−1} π_n/(1 − π_K) · P(Poisson(cμt) ≤ n − c).
  // Rewritten as Σ_j Pois(j; cμt) · T_j with T_j = Σ_{n ≥ c+j}^{K−1} π_n (one pass, no nested CDFs).
  const tailFrom = new Float64Array(K - c + 1); // T_j for j = 0..K−c−1, T_{K−c} = 0
  for (let j = K - c - 1; j >= 0; j--) tailFrom[j] = tailFrom[j + 1] + pi[c + j];
  const waitTailAt = (t: number): number => {
    if (admitted <= 0 || K === c) return 0;
    return Math.min(1, poissonMix(c * mu * t, tailFrom, K - c) / admitted);
  };
  const probWait = admitted > 0 ? pWaitMass / admitted : 0;
  const result: MmckResult = {
    model: 'mmck',
    stable: true,
    servers: c,
    capacity: K,
    offeredLoad: lambda / mu,
    blockingProbability: block,
    effectiveArrivalRate: lambdaEff,
    utilisation: lambdaEff / (c * mu),
    probWait,
    meanWait: wq,
    meanQueue: Lq,
    meanInSystem: L,
    meanSojourn: lambdaEff > 0 ? L / lambdaEff : 1 / mu,
    waitTail: thresholds.map((t) => ({ t, p: waitTailAt(t) })),
    waitQuantiles: quantiles.map((q) => ({
      q,
      t: probWait <= 1 - q ? 0 : solveDecreasing(waitTailAt, 1 - q, Math.max(wq, 1 / (c * mu))),
    })),
  };
  if (input.includeDistribution) result.distribution = Array.from(pi);
  return result;
}
