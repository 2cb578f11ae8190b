/**
 * Staffing: the fewest servers per period for a service target. Minutes; rates per minute.
 *
 *  - stationary: per period, the smallest c whose stationary M/M/c meets the target.
 *  - ode: the whole day through the time-dependent M(t)/M/c(t) ODE (timeVarying). Start every
 *    period at ⌈offered load⌉ (at least minServers), then repeatedly add one server to the
 *    period that misses the target by the largest ratio until every period meets it; finally try
 *    to remove one server from each period (latest first) where the day still meets the target.
 *  - squareRoot: c = ⌈R + β√R⌉, R = λ/μ, β from the Halfin–Whitt limit: P(wait) ≈ α(β) =
 *    [1 + βΦ(β)/φ(β)]⁻¹, P(W > t) ≈ α(β)·exp(−β√R·μ·t), E[W] ≈ α(β)/(β√R·μ).
 */
import { QueueingInputError, nonNegative, nonNegativeInt, positive, probability } from './errors.js';
import { erlangC } from './mmc.js';
import { normalCdf, normalPdf } from './special.js';
import { type TimeVaryingResult, timeVarying } from './timeVarying.js';

export type StaffingTarget =
  /** at least `probability` of customers wait at most `maxWait` minutes (e.g. 80% within 10) */
  | { kind: 'wait_within'; maxWait: number; probability: number }
  /** mean wait of arrivals at most `maxMeanWait` minutes */
  | { kind: 'mean_wait'; maxMeanWait: number }
  /** P(wait > 0) at most `maxProbability` */
  | { kind: 'delay_probability'; maxProbability: number };

export interface StaffingInput {
  /** λ per period, customers per minute */
  arrivalRates: number[];
  /** μ per minute per server */
  serviceRate: number;
  target: StaffingTarget;
  /** period length, minutes (default 60) */
  periodMinutes?: number;
  /** 'both' (default) runs stationary and ode */
  method?: 'stationary' | 'ode' | 'both';
  /** lower bound per period (default 1) */
  minServers?: number;
  /** upper bound per period (default 2,000) */
  maxServers?: number;
}

export interface StaffingPeriod {
  period: number;
  arrivalRate: number;
  offeredLoad: number;
  servers: number;
  /** the target's measure at this staffing: P(W > maxWait), mean wait or P(wait) */
  achieved: number | null;
  meets: boolean;
}

export interface StaffingResult {
  model: 'staffing';
  target: StaffingTarget;
  /** what `achieved` measures */
  measure: 'prob_wait_exceeds' | 'mean_wait' | 'prob_wait';
  /** the target's bound on `achieved` */
  limit: number;
  stationary?: { periods: StaffingPeriod[]; serverPeriods: number };
  ode?: { periods: StaffingPeriod[]; serverPeriods: number; evaluations: number; allMet: boolean };
  squareRoot: { periods: { period: number; beta: number; servers: number }[]; serverPeriods: number };
}

function validateTarget(t: unknown): StaffingTarget {
  if (t === null || typeof t !== 'object') throw new QueueingInputError('target', 'is required');
  const x = t as Record<string, unknown>;
  switch (x.kind) {
    case 'wait_within':
      return { kind: 'wait_within', maxWait: nonNegative(x.maxWait, 'target.maxWait'), probability: probability(x.probability, 'target.probability') };
    case 'mean_wait':
      return { kind: 'mean_wait', maxMeanWait: positive(x.maxMeanWait, 'target.maxMeanWait') };
    case 'delay_probability':
      return { kind: 'delay_probability', maxProbability: probability(x.maxProbability, 'target.maxProbability') };
    default:
      throw new QueueingInputError('target.kind', "must be 'wait_within', 'mean_wait' or 'delay_probability'");
  }
}

function limitOf(t: StaffingTarget): number {
  return t.kind === 'wait_within' ? 1 - t.probability : t.kind === 'mean_wait' ? t.maxMeanWait : t.maxProbability;
}

/** The target's measure for stationary M/M/c (Infinity if unstable). */
export function stationaryMeasure(t: StaffingTarget, lambda: number, mu: number, c: number): number {
  if (lambda === 0) return 0;
  if (c === 0 || lambda >= c * mu) return Infinity;
  const C = erlangC(c, lambda / mu);
  const decay = c * mu - lambda;
  if (t.kind === 'wait_within') return C * Math.exp(-decay * t.maxWait);
  if (t.kind === 'mean_wait') return C / decay;
  return C;
}

function odeMeasure(t: StaffingTarget, r: TimeVaryingResult, p: number): number {
  const per = r.periods[p];
  if (per.arrivalRate === 0) return 0;
  if (t.kind === 'wait_within') return per.waitTail[0].p ?? Infinity;
  if (t.kind === 'mean_wait') return per.meanWait ?? Infinity;
  return per.probWait ?? Infinity;
}

/** Halfin–Whitt delay probability α(β). */
export function halfinWhittDelay(beta: number): number {
  if (beta <= 0) return 1;
  return 1 / (1 + (beta * normalCdf(beta)) / normalPdf(beta));
}

/** β for the square-root rule at offered load R (per period because the wait targets depend on R). */
export function squareRootBeta(t: StaffingTarget, R: number, mu: number): number {
  if (R <= 0) return 0;
  const sq = Math.sqrt(R);
  const measure = (beta: number): number => {
    const a = halfinWhittDelay(beta);
    if (t.kind === 'delay_probability') return a;
    if (t.kind === 'mean_wait') return a / (beta * sq * mu);
    return a * Math.exp(-beta * sq * mu * t.maxWait);
  };
  const limit = limitOf(t);
  let lo = 1e-9;
  let hi = 1;
  while (measure(hi) > limit && hi < 1e6) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = 0.5 * (lo + hi);
    if (measure(mid) > limit) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function staffing(input: StaffingInput): StaffingResult {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  if (!Array.isArray(input.arrivalRates) || input.arrivalRates.length === 0) throw new QueueingInputError('arrivalRates', 'must be a non-empty array');
  if (input.arrivalRates.length > 1_000) throw new QueueingInputError('arrivalRates', 'at most 1,000 periods');
  const lambda = input.arrivalRates.map((r, i) => nonNegative(r, `arrivalRates.${i}`));
  const mu = positive(input.serviceRate, 'serviceRate');
  const target = validateTarget(input.target);
  const T = input.periodMinutes === undefined ? 60 : positive(input.periodMinutes, 'periodMinutes');
  const method = input.method ?? 'both';
  if (!['stationary', 'ode', 'both'].includes(method)) throw new QueueingInputError('method', "must be 'stationary', 'ode' or 'both'");
  const minS = input.minServers === undefined ? 1 : nonNegativeInt(input.minServers, 'minServers');
  const maxS = input.maxServers === undefined ? 2_000 : nonNegativeInt(input.maxServers, 'maxServers');
  if (maxS < Math.max(1, minS)) throw new QueueingInputError('maxServers', 'must be ≥ minServers and ≥ 1');
  const limit = limitOf(target);
  const P = lambda.length;
  const result: StaffingResult = {
    model: 'staffing',
    target,
    measure: target.kind === 'wait_within' ? 'prob_wait_exceeds' : target.kind === 'mean_wait' ? 'mean_wait' : 'prob_wait',
    limit,
    squareRoot: { periods: [], serverPeriods: 0 },
  };
  const ok = (x: number) => x <= limit * (1 + 1e-12);
  const fin = (x: number) => (Number.isFinite(x) ? x : null);

  for (let p = 0; p < P; p++) {
    const R = lambda[p] / mu;
    const beta = squareRootBeta(target, R, mu);
    const c = Math.min(maxS, Math.max(minS, R > 0 ? Math.ceil(R + beta * Math.sqrt(R) - 1e-9) : 0));
    result.squareRoot.periods.push({ period: p, beta, servers: c });
    result.squareRoot.serverPeriods += c;
  }

  if (method !== 'ode') {
    const periods: StaffingPeriod[] = [];
    for (let p = 0; p < P; p++) {
      const a = lambda[p] / mu;
      let c = Math.max(minS, lambda[p] > 0 ? Math.floor(a) + 1 : 0);
      while (c < maxS && !ok(stationaryMeasure(target, lambda[p], mu, c))) c++;
      const m = stationaryMeasure(target, lambda[p], mu, c);
      periods.push({ period: p, arrivalRate: lambda[p], offeredLoad: a, servers: c, achieved: fin(m), meets: ok(m) });
    }
    result.stationary = { periods, serverPeriods: periods.reduce((s, x) => s + x.servers, 0) };
  }

  if (method !== 'stationary') {
    const c = lambda.map((l) => Math.min(maxS, Math.max(minS, l > 0 ? Math.ceil(l / mu) : 0, l > 0 ? 1 : 0)));
    const thresholds = target.kind === 'wait_within' ? [target.maxWait] : [];
    let evaluations = 0;
    const solve = () => {
      evaluations++;
      return timeVarying({ arrivalRates: lambda, servers: c.slice(), serviceRate: mu, periodMinutes: T, waitThresholds: thresholds });
    };
    let r = solve();
    for (let iter = 0; iter < 20_000; iter++) {
      let worst = -1;
      let worstRatio = 1;
      for (let p = 0; p < P; p++) {
        const m = odeMeasure(target, r, p);
        const ratio = m / limit;
        if (!ok(m) && ratio > worstRatio && c[p] < maxS) {
          worst = p;
          worstRatio = ratio;
        }
      }
      if (worst < 0) break;
      c[worst]++;
      r = solve();
    }
    // prune: remove a server where the whole day still meets the target
    for (let p = P - 1; p >= 0; p--) {
      const floor = Math.max(minS, lambda[p] > 0 ? 1 : 0);
      while (c[p] > floor) {
        c[p]--;
        const trial = solve();
        let all = true;
        for (let k = 0; k < P && all; k++) all = ok(odeMeasure(target, trial, k)) || !ok(odeMeasure(target, r, k));
        if (all) r = trial;
        else {
          c[p]++;
          break;
        }
      }
    }
    const periods: StaffingPeriod[] = [];
    let allMet = true;
    for (let p = 0; p < P; p++) {
      const m = odeMeasure(target, r, p);
      allMet &&= ok(m);
      periods.push({ period: p, arrivalRate: lambda[p], offeredLoad: lambda[p] / mu, servers: c[p], achieved: fin(m), meets: ok(m) });
    }
    result.ode = { periods, serverPeriods: c.reduce((s, x) => s + x, 0), evaluations, allMet };
  }
  return result;
}
