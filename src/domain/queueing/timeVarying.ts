/**
 * Time-varying M(t)/M/c(t): arrival rate and server count piecewise constant per period (an hour
 * by default). Minutes throughout; rates per minute.
 *
 * method 'ode' (default): the forward Kolmogorov equations of the birth–death chain of the number
 *   in system, on a state space truncated at N (N grows until the mass at the boundary stays below
 *   1e-9 at every step), integrated exactly by uniformisation (a Poisson-weighted sum of powers of
 *   the uniformised jump matrix, truncated at 1e-13 weight: positive and mass-preserving) in steps
 *   of at most one minute, starting from an empty system or a given distribution.
 *   Per period: time-average queue, number in system and utilisation (trapezoid over the steps);
 *   the wait of an arrival at time s is that of a customer finding n present (PASTA) served by the
 *   period's c servers: Erlang(n − c + 1, cμ). Averaged over the period's arrivals.
 *   Approximation in this step only: a change of c while the customer waits is not anticipated.
 * method 'psa': pointwise stationary M/M/c per period (λ_p, c_p). Ignores the time the system
 *   needs to fill up: on a day only a few service times long it overstates the peak wait several
 *   fold and puts it too early.
 * method 'mol': modified offered load: the offered load m(t) of the infinite-server system
 *   (dm/dt = λ(t) − μ·m, exact for piecewise-constant λ) replaces λ/μ in stationary M/M/c,
 *   averaged over 12 points per period. Lags the peak correctly; cheap.
 */
import { QueueingInputError, nonNegative, nonNegativeInt, positive } from './errors.js';
import { erlangC, validateThresholds } from './mmc.js';
import { poissonMix } from './special.js';
import type { WaitTailPoint } from './types.js';

export type TimeVaryingMethod = 'ode' | 'psa' | 'mol';

export interface TimeVaryingInput {
  /** λ per period, customers per minute */
  arrivalRates: number[];
  /** servers per period (or one constant count); may be 0 in a period */
  servers: number | number[];
  /** μ per minute per server */
  serviceRate: number;
  /** period length, minutes (default 60) */
  periodMinutes?: number;
  method?: TimeVaryingMethod;
  /** initial distribution of the number in system (ode) or a count present at time 0 (all methods); default empty */
  initial?: { inSystem: number } | { distribution: number[] };
  /** thresholds t (minutes) for P(W > t); default [5, 10, 15, 30] */
  waitThresholds?: number[];
}

export interface TimeVaryingPeriod {
  period: number;
  /** minutes from the start of the day */
  start: number;
  arrivalRate: number;
  servers: number;
  /** false when the method has no finite answer for this period (psa/mol with load ≥ 1, or no servers) */
  stable: boolean;
  /** time-average number waiting */
  meanQueue: number | null;
  /** time-average number in system */
  meanInSystem: number | null;
  /** mean wait (minutes) of customers arriving in this period */
  meanWait: number | null;
  /** P(an arrival in this period waits at all) */
  probWait: number | null;
  waitTail: { t: number; p: number | null }[];
  /** time-average busy servers / servers */
  utilisation: number | null;
}

export interface TimeVaryingResult {
  model: 'time_varying';
  method: TimeVaryingMethod;
  periodMinutes: number;
  periods: TimeVaryingPeriod[];
  /** the period whose arrivals wait longest on average */
  peak: { period: number; meanWait: number } | null;
  /** ode only: mean number in system at the end of the horizon, and the truncation used */
  end?: { meanInSystem: number; meanQueue: number };
  truncation?: { states: number; maxBoundaryMass: number };
}

interface Prepared {
  lambda: number[];
  servers: number[];
  mu: number;
  T: number;
  thresholds: number[];
  initial: Float64Array | null;
  initialMean: number;
}

function prepare(input: TimeVaryingInput): Prepared {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  if (!Array.isArray(input.arrivalRates) || input.arrivalRates.length === 0) {
    throw new QueueingInputError('arrivalRates', 'must be a non-empty array of rates per minute');
  }
  if (input.arrivalRates.length > 10_000) throw new QueueingInputError('arrivalRates', 'at most 10,000 periods');
  const lambda = input.arrivalRates.map((r, i) => nonNegative(r, `arrivalRates.${i}`));
  const P = lambda.length;
  let servers: number[];
  if (Array.isArray(input.servers)) {
    if (input.servers.length !== P) throw new QueueingInputError('servers', `must have one count per period (${P})`);
    servers = input.servers.map((c, i) => nonNegativeInt(c, `servers.${i}`));
  } else {
    const c = nonNegativeInt(input.servers, 'servers');
    if (c === 0) throw new QueueingInputError('servers', 'must be ≥ 1');
    servers = new Array(P).fill(c);
  }
  const mu = positive(input.serviceRate, 'serviceRate');
  const T = input.periodMinutes === undefined ? 60 : positive(input.periodMinutes, 'periodMinutes');
  let initial: Float64Array | null = null;
  let initialMean = 0;
  if (input.initial !== undefined) {
    const init = input.initial as { inSystem?: unknown; distribution?: unknown };
    if (init.distribution !== undefined) {
      if (!Array.isArray(init.distribution) || init.distribution.length === 0) {
        throw new QueueingInputError('initial.distribution', 'must be a non-empty array of probabilities');
      }
      const d = init.distribution.map((x, i) => nonNegative(x, `initial.distribution.${i}`));
      const s = d.reduce((a, b) => a + b, 0);
      if (Math.abs(s - 1) > 1e-6) throw new QueueingInputError('initial.distribution', 'must sum to 1');
      initial = Float64Array.from(d, (x) => x / s);
      initialMean = d.reduce((acc, x, n) => acc + (n * x) / s, 0);
    } else {
      const n = nonNegativeInt(init.inSystem, 'initial.inSystem');
      initial = new Float64Array(n + 1);
      initial[n] = 1;
      initialMean = n;
    }
  }
  return { lambda, servers, mu, T, thresholds: validateThresholds(input.waitThresholds), initial, initialMean };
}

export function timeVarying(input: TimeVaryingInput): TimeVaryingResult {
  const method = input?.method ?? 'ode';
  if (method !== 'ode' && method !== 'psa' && method !== 'mol') throw new QueueingInputError('method', "must be 'ode', 'psa' or 'mol'");
  const prep = prepare(input);
  if (method === 'ode') return solveOde(prep);
  return stationaryByPeriod(prep, method);
}

function peakOf(periods: TimeVaryingPeriod[]): { period: number; meanWait: number } | null {
  let best: { period: number; meanWait: number } | null = null;
  for (const p of periods) if (p.meanWait !== null && (best === null || p.meanWait > best.meanWait)) best = { period: p.period, meanWait: p.meanWait };
  return best;
}

/** M/M/c metrics for offered load a = λ/μ at rate λ (used by PSA and MOL). */
function stationaryPoint(lambda: number, mu: number, c: number, thresholds: number[]) {
  const a = lambda / mu;
  if (c === 0 || a >= c) return null;
  const C = erlangC(c, a);
  const decay = c * mu - lambda;
  const wq = C / decay;
  return { C, wq, lq: lambda * wq, L: lambda * wq + a, util: a / c, tail: thresholds.map((t) => C * Math.exp(-decay * t)) };
}

function stationaryByPeriod(prep: Prepared, method: 'psa' | 'mol'): TimeVaryingResult {
  const { lambda, servers, mu, T, thresholds } = prep;
  const periods: TimeVaryingPeriod[] = [];
  let m = prep.initialMean; // offered load of the infinite-server system at the period start
  const K = method === 'psa' ? 1 : 12;
  for (let p = 0; p < lambda.length; p++) {
    const c = servers[p];
    const lam = lambda[p];
    const target = lam / mu;
    let ok = true;
    let sC = 0;
    let sWq = 0;
    let sLq = 0;
    let sL = 0;
    let sU = 0;
    const sTail = new Array(thresholds.length).fill(0);
    let wWeight = 0;
    for (let k = 0; k < K; k++) {
      // PSA: λ_p itself; MOL: λ_eff = μ·m(t) at the midpoint of the k-th slice
      const s = method === 'psa' ? 0 : ((k + 0.5) / K) * T;
      const load = method === 'psa' ? target : target + (m - target) * Math.exp(-mu * s);
      const r = stationaryPoint(load * mu, mu, c, thresholds);
      if (r === null) {
        if (load === 0) {
          // an empty system with no servers and no load: nothing waits
          continue;
        }
        ok = false;
        break;
      }
      sC += r.C;
      sWq += r.wq;
      sLq += r.lq;
      sL += r.L;
      sU += r.util;
      for (let j = 0; j < thresholds.length; j++) sTail[j] += r.tail[j];
      wWeight++;
    }
    if (method === 'mol') m = target + (m - target) * Math.exp(-mu * T);
    const n = Math.max(1, wWeight);
    periods.push({
      period: p,
      start: p * T,
      arrivalRate: lam,
      servers: c,
      stable: ok,
      meanQueue: ok ? sLq / n : null,
      meanInSystem: ok ? sL / n : null,
      meanWait: ok ? sWq / n : null,
      probWait: ok ? sC / n : null,
      waitTail: thresholds.map((t, j) => ({ t, p: ok ? sTail[j] / n : null })),
      utilisation: ok ? (c > 0 ? sU / n : 0) : null,
    });
  }
  return { model: 'time_varying', method, periodMinutes: T, periods, peak: peakOf(periods) };
}

/** Poisson weights e^{−x} x^k / k! up to cumulative 1 − 1e-13 (x ≤ ~50 so no underflow). */
function poissonWeights(x: number): Float64Array {
  const w: number[] = [];
  let term = Math.exp(-x);
  let cum = term;
  w.push(term);
  for (let k = 1; cum < 1 - 1e-13 && k < 10_000; k++) {
    term *= x / k;
    cum += term;
    w.push(term);
    if (k > x && term < 1e-300) break;
  }
  return Float64Array.from(w);
}

/** P(W > t) for an arrival seeing distribution p with c servers: Σ_j Pois(j; cμt)·T_j. */
function waitTailFor(N: number, c: number, mu: number, t: number, tailFrom: Float64Array): number {
  if (c === 0) return 1;
  return Math.min(1, poissonMix(c * mu * t, tailFrom, N - c + 1));
}

/**
 * The state-space truncation the ODE starts from: the largest of servers and offered load, plus
 * room for the load's spread, the backlog overloaded periods can build, and the initial state.
 * (cost.ts estimates a request's work from the same figure.)
 */
export function initialTruncation(lambda: readonly number[], servers: readonly number[], mu: number, T: number, initLen = 0): number {
  let amax = 0;
  let cmax = 0;
  let overload = 0;
  for (let p = 0; p < lambda.length; p++) {
    amax = Math.max(amax, lambda[p] / mu);
    cmax = Math.max(cmax, servers[p]);
    overload += Math.max(0, lambda[p] - servers[p] * mu) * T;
  }
  return Math.ceil(Math.max(cmax, amax) + 20 + 8 * Math.sqrt(amax + 1) + 1.5 * overload + initLen);
}

function solveOde(prep: Prepared): TimeVaryingResult {
  const { lambda, servers, mu, T } = prep;
  let N = initialTruncation(lambda, servers, mu, T, prep.initial ? prep.initial.length - 1 : 0);
  for (let attempt = 0; attempt < 12; attempt++) {
    const r = odeOnce(prep, N);
    if (r.truncation!.maxBoundaryMass < 1e-9) return r;
    N = Math.ceil(N * 1.6) + 20;
  }
  return odeOnce(prep, N);
}

function odeOnce(prep: Prepared, N: number): TimeVaryingResult {
  const { lambda, servers, mu, T, thresholds } = prep;
  const nT = thresholds.length;
  let p = new Float64Array(N + 1);
  if (prep.initial) {
    if (prep.initial.length > N + 1) throw new QueueingInputError('initial', 'initial state too large');
    p.set(prep.initial);
  } else p[0] = 1;
  let v = new Float64Array(N + 1);
  let w = new Float64Array(N + 1);
  const acc = new Float64Array(N + 1);
  const tailFrom = new Float64Array(N + 2);
  let maxBoundary = p[N];
  const periods: TimeVaryingPeriod[] = [];

  // functionals at the current state for period parameters (c, λ)
  const f = { q: 0, L: 0, busy: 0, pw: 0, wq: 0, tail: new Float64Array(nT) };
  const evaluate = (c: number) => {
    let q = 0;
    let L = 0;
    let busy = 0;
    let pw = 0;
    let wq = 0;
    for (let n = 0; n <= N; n++) {
      const x = p[n];
      L += n * x;
      if (n >= c) {
        q += (n - c) * x;
        busy += c * x;
        pw += x;
        wq += (n - c + 1) * x;
      } else busy += n * x;
    }
    f.q = q;
    f.L = L;
    f.busy = busy;
    f.pw = pw;
    f.wq = c > 0 ? wq / (c * mu) : Infinity;
    if (nT > 0) {
      tailFrom[N + 1] = 0;
      for (let n = N; n >= 0; n--) tailFrom[n] = tailFrom[n + 1] + p[n];
      // T_j = Σ_{n ≥ c + j} p_n  → pass the slice starting at c
      const sub = tailFrom.subarray(Math.min(c, N + 1));
      for (let k = 0; k < nT; k++) f.tail[k] = c > 0 ? waitTailFor(N, c, mu, thresholds[k], sub) : 1;
    }
  };

  for (let per = 0; per < lambda.length; per++) {
    const lam = lambda[per];
    const c = servers[per];
    const Lam = lam + c * mu;
    const maxStep = Lam > 0 ? Math.min(1, 40 / Lam) : T;
    const steps = Math.max(1, Math.ceil(T / maxStep - 1e-9));
    const h = T / steps;
    const weights = Lam > 0 ? poissonWeights(Lam * h) : Float64Array.of(1);
    const sums = { q: 0, L: 0, busy: 0, pw: 0, wq: 0, tail: new Float64Array(nT) };
    const addF = (wt: number) => {
      sums.q += wt * f.q;
      sums.L += wt * f.L;
      sums.busy += wt * f.busy;
      sums.pw += wt * f.pw;
      sums.wq += wt * f.wq;
      for (let k = 0; k < nT; k++) sums.tail[k] += wt * f.tail[k];
    };
    evaluate(c);
    addF(0.5);
    // uniformised jump matrix P = I + Q/Λ, applied as a tridiagonal stencil
    const up = Lam > 0 ? lam / Lam : 0;
    for (let s = 0; s < steps; s++) {
      v.set(p);
      acc.fill(0);
      for (let n = 0; n <= N; n++) acc[n] = weights[0] * v[n];
      for (let k = 1; k < weights.length; k++) {
        // w = v P
        for (let n = 0; n <= N; n++) {
          const down = (Math.min(n, c) * mu) / Lam;
          const birth = n < N ? up : 0;
          const stay = 1 - birth - down;
          let x = v[n] * stay;
          if (n > 0) x += v[n - 1] * up;
          if (n < N) x += (v[n + 1] * (Math.min(n + 1, c) * mu)) / Lam;
          w[n] = x;
        }
        const wk = weights[k];
        for (let n = 0; n <= N; n++) acc[n] += wk * w[n];
        const tmp = v;
        v = w;
        w = tmp;
      }
      // renormalise the 1e-13 truncated Poisson weight
      let total = 0;
      for (let n = 0; n <= N; n++) total += acc[n];
      for (let n = 0; n <= N; n++) p[n] = acc[n] / total;
      if (p[N] > maxBoundary) maxBoundary = p[N];
      evaluate(c);
      addF(s === steps - 1 ? 0.5 : 1);
    }
    const stable = c > 0 || lam === 0;
    const norm = 1 / steps;
    periods.push({
      period: per,
      start: per * T,
      arrivalRate: lam,
      servers: c,
      stable,
      meanQueue: sums.q * norm,
      meanInSystem: sums.L * norm,
      meanWait: stable ? (c > 0 ? sums.wq * norm : 0) : null,
      probWait: sums.pw * norm,
      waitTail: thresholds.map((t, k) => ({ t, p: stable ? (c > 0 ? sums.tail[k] * norm : 0) : null })),
      utilisation: c > 0 ? (sums.busy * norm) / c : 0,
    });
  }
  evaluate(servers[servers.length - 1]);
  return {
    model: 'time_varying',
    method: 'ode',
    periodMinutes: T,
    periods,
    peak: peakOf(periods),
    end: { meanInSystem: f.L, meanQueue: f.q },
    truncation: { states: N + 1, maxBoundaryMass: maxBoundary },
  };
}

export type { WaitTailPoint };
