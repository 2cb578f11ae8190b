/**
 * Wait of ONE arriving customer given the live state (walk-in ETA). Minutes throughout.
 *
 * FCFS with c servers: the customer starts when the (queueAhead + 1)-th server becomes free,
 * counting idle servers as free now, busy ones at the end of their residual service, and each
 * server again after every queued customer it takes.
 *  - exponential service: memoryless, so the wait is Erlang(k, cμ) with k = queueAhead + 1 −
 *    idle servers (0 if k ≤ 0); quantiles and P(wait ≤ t) in closed form (Poisson sums).
 *  - lognormal / gamma service: residual service of a job that has run `elapsed` minutes is
 *    drawn from the service law conditioned on exceeding `elapsed` (lognormal: exact inversion
 *    through the normal upper tail; gamma: rejection, or a 1,024-point inverse table when
 *    P(S > elapsed) < 5%); then a seeded Monte Carlo of the Kiefer–Wolfowitz assignment on
 *    typed arrays. The result states the method and the sample count.
 */
import { Rng } from '../../lib/random.js';
import { QueueingInputError, nonNegative, nonNegativeInt, positive, positiveInt } from './errors.js';
import { FloatMinHeap } from './heap.js';
import { validateQuantiles, validateThresholds } from './mmc.js';
import { gammaQ, normalSf, normalSfInverse, poissonCdf, solveDecreasing } from './special.js';
import { serviceSampler } from './simulate.js';
import { sortedQuantile } from './stats.js';

export interface ConditionalWaitInput {
  /** c, servers (bays/technicians) */
  servers: number;
  /** servers busy now (≤ servers) */
  busy: number;
  /** customers already waiting ahead of this one */
  queueAhead: number;
  /** minutes each job in progress has already run (length = busy; default all 0) */
  elapsed?: number[];
  service: {
    /** mean service time, minutes */
    mean: number;
    /** coefficient of variation of the service time (ignored for exponential) */
    cv?: number;
    /** default 'lognormal' (the project's duration model) */
    distribution?: 'exponential' | 'lognormal' | 'gamma';
  };
  /** t (minutes) for P(wait ≤ t); default [5, 10, 15, 30] */
  thresholds?: number[];
  /** default [0.5, 0.8, 0.9, 0.95] */
  quantiles?: number[];
  /** Monte Carlo samples (default 20,000) */
  samples?: number;
  seed?: number;
}

export interface ConditionalWaitResult {
  model: 'conditional_wait';
  method: 'immediate' | 'erlang' | 'monte-carlo';
  /** Monte Carlo sample count (monte-carlo only) */
  samples?: number;
  /** expected wait, minutes */
  meanWait: number;
  /** standard error of meanWait (monte-carlo only) */
  meanWaitStdError?: number;
  quantiles: { q: number; t: number }[];
  /** P(wait ≤ t) */
  waitWithin: { t: number; p: number }[];
}

export function conditionalWait(input: ConditionalWaitInput): ConditionalWaitResult {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  const c = positiveInt(input.servers, 'servers');
  const busy = nonNegativeInt(input.busy, 'busy');
  if (busy > c) throw new QueueingInputError('busy', `must be ≤ servers (${c})`);
  const q = nonNegativeInt(input.queueAhead, 'queueAhead', 1_000_000);
  const elapsed = input.elapsed === undefined ? new Array(busy).fill(0) : input.elapsed;
  if (!Array.isArray(elapsed) || elapsed.length !== busy) throw new QueueingInputError('elapsed', `must list one elapsed time per busy server (${busy})`);
  elapsed.forEach((e, i) => nonNegative(e, `elapsed.${i}`));
  if (!input.service || typeof input.service !== 'object') throw new QueueingInputError('service', 'is required');
  const mean = positive(input.service.mean, 'service.mean');
  const dist = input.service.distribution ?? 'lognormal';
  if (!['exponential', 'lognormal', 'gamma'].includes(dist)) throw new QueueingInputError('service.distribution', "must be 'exponential', 'lognormal' or 'gamma'");
  const cv = dist === 'exponential' ? 1 : nonNegative(input.service.cv ?? 1, 'service.cv');
  if (dist === 'gamma' && cv === 0) throw new QueueingInputError('service.cv', 'must be > 0 for gamma');
  const thresholds = validateThresholds(input.thresholds, 'thresholds');
  const quantiles = validateQuantiles(input.quantiles);
  const idle = c - busy;
  const k = q + 1 - idle;
  if (k <= 0) {
    return {
      model: 'conditional_wait',
      method: 'immediate',
      meanWait: 0,
      quantiles: quantiles.map((x) => ({ q: x, t: 0 })),
      waitWithin: thresholds.map((t) => ({ t, p: 1 })),
    };
  }
  if (dist === 'exponential') {
    const rate = c / mean;
    const tail = (t: number) => poissonCdf(k - 1, rate * t); // P(Erlang(k, rate) > t)
    return {
      model: 'conditional_wait',
      method: 'erlang',
      meanWait: k / rate,
      quantiles: quantiles.map((x) => ({ q: x, t: solveDecreasing(tail, 1 - x, k / rate) })),
      waitWithin: thresholds.map((t) => ({ t, p: 1 - tail(t) })),
    };
  }
  const n = input.samples === undefined ? 20_000 : positiveInt(input.samples, 'samples', 2_000_000);
  const seed = input.seed === undefined ? 1 : nonNegativeInt(input.seed, 'seed', 2 ** 32 - 1);
  const rng = new Rng(seed);
  const fresh = serviceSampler(dist === 'gamma' ? 'gamma' : 'lognormal', mean, cv, rng);
  const residuals = elapsed.map((a) => residualSampler(dist as 'lognormal' | 'gamma', mean, cv, a, rng, fresh));
  const waits = new Float64Array(n);
  const heap = new FloatMinHeap(c);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    heap.clear();
    for (let j = 0; j < busy; j++) heap.push(residuals[j]());
    for (let j = 0; j < idle; j++) heap.push(0);
    for (let j = 0; j < q; j++) heap.replaceTop(heap.peek() + fresh());
    const w = heap.peek();
    waits[i] = w;
    sum += w;
    sum2 += w * w;
  }
  waits.sort();
  const m = sum / n;
  const sd = Math.sqrt(Math.max(0, sum2 / n - m * m));
  return {
    model: 'conditional_wait',
    method: 'monte-carlo',
    samples: n,
    meanWait: m,
    meanWaitStdError: sd / Math.sqrt(n),
    quantiles: quantiles.map((x) => ({ q: x, t: sortedQuantile(waits, x) })),
    waitWithin: thresholds.map((t) => ({ t, p: upperBound(waits, t) / n })),
  };
}

/** number of sorted values ≤ x */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sampler of S − a given S > a (residual service of a job that has run a minutes). */
export function residualSampler(
  dist: 'lognormal' | 'gamma',
  mean: number,
  cv: number,
  a: number,
  rng: Rng,
  fresh: () => number,
): () => number {
  if (a <= 0) return fresh;
  if (cv === 0) {
    const r = Math.max(0, mean - a);
    return () => r;
  }
  if (dist === 'lognormal') {
    const s2 = Math.log(1 + cv * cv);
    const s = Math.sqrt(s2);
    const m = Math.log(mean) - s2 / 2;
    const za = (Math.log(a) - m) / s;
    const Q = normalSf(za);
    if (Q > 0) {
      return () => {
        const z = Math.max(za, normalSfInverse(rng.nextOpen() * Q));
        return Math.max(0, Math.exp(m + s * z) - a);
      };
    }
    // beyond double range: the normal excess over za is ≈ Exp(rate za) (Mills ratio)
    return () => Math.max(0, Math.exp(m + s * (za - Math.log(rng.nextOpen()) / za)) - a);
  }
  const shape = 1 / (cv * cv);
  const scale = mean * cv * cv;
  const Sa = gammaQ(shape, a / scale);
  if (Sa >= 0.05) {
    return () => {
      for (let i = 0; i < 10_000; i++) {
        const x = fresh();
        if (x > a) return x - a;
      }
      return 0;
    };
  }
  // inverse table of the conditional survival: x_i with Q(shape, x_i/scale) = Sa·(1 − u_i)
  const G = 1024;
  const xs = new Float64Array(G + 1);
  xs[0] = a;
  let hiGuess = a + mean * 4;
  for (let i = 1; i <= G; i++) {
    const target = Sa * (1 - Math.min(i / G, 1 - 1e-6));
    let lo = xs[i - 1];
    let hi = Math.max(hiGuess, lo * 1.01 + 1e-9);
    while (gammaQ(shape, hi / scale) > target) hi *= 2;
    for (let it = 0; it < 60; it++) {
      const mid = 0.5 * (lo + hi);
      if (gammaQ(shape, mid / scale) > target) lo = mid;
      else hi = mid;
    }
    xs[i] = hi;
    hiGuess = hi;
  }
  return () => {
    const u = rng.next() * G;
    const i = Math.floor(u);
    return xs[i] + (u - i) * (xs[i + 1] - xs[i]) - a;
  };
}
