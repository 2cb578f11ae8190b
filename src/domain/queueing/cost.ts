/**
 * What a queueing request costs, estimated before it runs, in work units (one unit ≈ one update
 * of one state of the ODE stencil, ≈ 10 ns on a 2024 laptop core; measured by bench/heavy.ts).
 * The HTTP layer uses the estimate to keep cheap requests on the event loop, run the rest in a
 * bounded worker, and refuse up front what no worker could finish (WORK_LIMIT). Pure arithmetic
 * over the request, mirroring the loops of each model:
 *
 *  - time_varying (ode): per period, steps × (Poisson weights + 2 + thresholds) × states, with the
 *    steps, weights and truncation N as timeVarying computes them, including the attempts that grow
 *    N until a stable period's geometric tail fits. psa / mol: a few units per period.
 *  - staffing: the ODE's work at the square-root staffing, times the evaluations the greedy search
 *    makes (one per server added above the offered load, one per period for pruning, one to start);
 *    stationary: per period, the Erlang C evaluations (c* − R) × c*.
 *  - conditional_wait (Monte Carlo): samples × (servers + queueAhead) heap steps of ~(4 + ½ log₂ c)
 *    units, plus the gamma residual tables (1,024 × 61 incomplete-gamma calls per busy server whose
 *    elapsed time is in the 5% tail); erlang: the quantile searches over Poisson sums of k terms.
 *  - mmc, mmck, mdc, mgc, ggc: closed forms, O(servers + capacity): always cheap.
 *
 * The `path` of an estimate names the input that drives it, for the refusal's field error.
 */
import { squareRootBeta, type StaffingTarget } from './staffing.js';
import { gammaQ } from './special.js';
import { initialTruncation } from './timeVarying.js';

/**
 * Above this the request runs in a worker: ≈ 10–35 ms on the event loop once V8 has optimised the
 * loops. (Before that, in the first requests after a start, a unit costs up to ~170 ns; a fresh
 * worker is always cold and costs ~40 ms to start compiled, ~400 ms under tsx, so small requests
 * stay here: the walk-in ETA of the demo, ~8e5 units, answers in ~16 ms instead of ~540 ms.)
 */
export const CHEAP_WORK = 1e6;
/** above this the request is refused up front (≈ 1.5–2 s of work on an idle core: well within the default 5 s deadline) */
export const WORK_LIMIT = 1.5e8;

export interface WorkEstimate {
  work: number;
  /** the input that drives the cost (engine dotted path) */
  path: string;
  /** how the work is counted, for the refusal's message */
  measure: string;
}

const CHEAP: WorkEstimate = { work: 0, path: '', measure: 'closed form' };
const num = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
const arr = (x: unknown): number[] => (Array.isArray(x) ? x.map((v) => num(v, 0)) : []);

/** Length of the Poisson weight vector for mean x truncated at 1 − 1e-13 (≈ mean + 7.5 sd). */
const weightsLen = (x: number) => (x > 0 ? Math.ceil(x + 7.5 * Math.sqrt(x) + 5) : 1);

/** Work of one ODE solve (timeVarying 'ode') for rates λ_p, servers c_p. */
export function odeWork(lambda: number[], servers: number[], mu: number, T: number, thresholds: number, initLen = 0): number {
  // the truncation timeVarying starts from, and the one it grows to (×1.6 + 20 per attempt) until
  // the boundary mass is below 1e-9: a stable period needs c + ln(1e9)/(−ln ρ) states (geometric
  // tail), bounded by what can arrive at all over the horizon
  let N = initialTruncation(lambda, servers, mu, T, initLen);
  let arrivals = 0;
  for (const l of lambda) arrivals += l * T;
  let needed = N;
  for (let p = 0; p < lambda.length; p++) {
    const rho = servers[p] > 0 ? lambda[p] / (servers[p] * mu) : 0;
    if (rho > 0 && rho < 1) needed = Math.max(needed, servers[p] + 21 / -Math.log(rho));
  }
  needed = Math.min(needed, initLen + arrivals + 8 * Math.sqrt(arrivals) + 20);
  let perState = 0;
  for (let p = 0; p < lambda.length; p++) {
    const Lam = lambda[p] + servers[p] * mu;
    const maxStep = Lam > 0 ? Math.min(1, 40 / Lam) : T;
    const steps = Math.max(1, Math.ceil(T / maxStep - 1e-9));
    perState += steps * (weightsLen((Lam * T) / steps) + 2 + thresholds);
  }
  let work = perState * (N + 1);
  for (let attempt = 1; attempt < 13 && N < needed; attempt++) {
    N = Math.ceil(N * 1.6) + 20;
    work += perState * (N + 1);
  }
  return work;
}

function timeVaryingWork(r: Record<string, unknown>): WorkEstimate {
  const lambda = arr(r.arrivalRates);
  const P = lambda.length;
  if (r.method === 'psa' || r.method === 'mol') return { work: P * 12 * 20, path: 'arrivalRates', measure: 'periods' };
  const servers = Array.isArray(r.servers) ? arr(r.servers) : new Array(P).fill(num(r.servers, 1));
  const mu = Math.max(1e-12, num(r.serviceRate, 1));
  const T = num(r.periodMinutes, 60);
  const init = r.initial as { inSystem?: unknown; distribution?: unknown[] } | undefined;
  const initLen = init ? (Array.isArray(init.distribution) ? init.distribution.length : num(init.inSystem, 0)) : 0;
  const thresholds = Array.isArray(r.waitThresholds) ? r.waitThresholds.length : 4;
  const work = odeWork(lambda, servers, mu, T, thresholds, initLen);
  const serverDriven = Math.max(...servers) * mu >= Math.max(...lambda);
  return {
    work,
    path: serverDriven ? 'servers' : 'arrivalRates',
    measure: 'ODE work: Σ periods steps × Poisson weights × states, growing with servers × periods × periodMinutes',
  };
}

function staffingWork(r: Record<string, unknown>): WorkEstimate {
  const lambda = arr(r.arrivalRates);
  const mu = Math.max(1e-12, num(r.serviceRate, 1));
  const T = num(r.periodMinutes, 60);
  const target = r.target as StaffingTarget;
  const method = r.method ?? 'both';
  const minS = num(r.minServers, 1);
  const maxS = num(r.maxServers, 2000);
  let work = 0;
  const sr: number[] = [];
  let added = 0;
  for (const l of lambda) {
    const R = l / mu;
    const beta = squareRootBeta(target, R, mu);
    const c = Math.min(maxS, Math.max(minS, R > 0 ? Math.ceil(R + beta * Math.sqrt(R)) : 0, l > 0 ? 1 : 0));
    sr.push(c);
    added += Math.max(0, c - Math.max(minS, Math.ceil(R)));
    if (method !== 'ode') work += (Math.max(0, c - R) + 2) * (c + 1) * 3;
  }
  if (method !== 'stationary') {
    const evaluations = 1 + added + lambda.length;
    work += evaluations * odeWork(lambda, sr, mu, T, target?.kind === 'wait_within' ? 1 : 0);
  }
  return { work, path: 'arrivalRates', measure: 'ODE evaluations × ODE work at the square-root staffing (grows with offered load λ/μ × periods)' };
}

function conditionalWaitWork(r: Record<string, unknown>): WorkEstimate {
  const c = num(r.servers, 1);
  const busy = num(r.busy, 0);
  const q = num(r.queueAhead, 0);
  const service = (r.service ?? {}) as { mean?: unknown; cv?: unknown; distribution?: unknown };
  const dist = service.distribution ?? 'lognormal';
  const k = q + 1 - (c - busy);
  if (k <= 0) return CHEAP;
  const nQ = Array.isArray(r.quantiles) ? r.quantiles.length : 4;
  const nT = Array.isArray(r.thresholds) ? r.thresholds.length : 4;
  if (dist === 'exponential') return { work: (nQ * 300 + nT) * (10 * Math.sqrt(k) + 50), path: 'queueAhead', measure: 'Poisson sums' };
  const samples = num(r.samples, 20_000);
  let work = samples * (c + q) * (4 + Math.log2(c + 1) / 2);
  if (dist === 'gamma') {
    const cv = num(service.cv, 1);
    const mean = num(service.mean, 1);
    const shape = 1 / (cv * cv);
    const scale = mean * cv * cv;
    for (const a of arr(r.elapsed)) if (a > 0 && cv > 0 && gammaQ(shape, a / scale) < 0.05) work += 1024 * 61 * 30;
  }
  return { work, path: r.samples === undefined ? 'queueAhead' : 'samples', measure: 'samples × (servers + queueAhead) Monte Carlo steps' };
}

/** The estimated work of one `estimate` request (shape as the engine takes it; unknown shapes count as cheap). */
export function estimateWork(request: { model: string } & Record<string, unknown>): WorkEstimate {
  switch (request.model) {
    case 'time_varying':
      return timeVaryingWork(request);
    case 'staffing':
      return staffingWork(request);
    case 'conditional_wait':
      return conditionalWaitWork(request);
    default:
      return CHEAP;
  }
}
