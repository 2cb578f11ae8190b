/**
 * The queueing computations of the HTTP layer as functions of plain data, so they can run either
 * on the event loop (cheap) or in a bounded worker (src/lib/compute.ts loads this module by URL
 * and calls one export with a structured-clone copy of its input). No store, clock or logger here.
 */
import { conditionalWait, estimate, staffing, timeVarying, type ConditionalWaitInput, type EstimateRequest } from '../domain/queueing/index.js';
import { Rng } from '../lib/random.js';

/** URL of this module (a .ts file under tsx/vitest, .js when compiled) for the worker to import. */
export const TASKS_MODULE = import.meta.url;

export function estimateModel(request: EstimateRequest) {
  return estimate(request);
}

export interface ReceptionInput {
  /** expected arrivals per minute, one per open hour */
  rates: number[];
  advisors: number;
  /** check-ins per minute per advisor */
  serviceRate: number;
  waitTargetMinutes: number;
  waitTargetShare: number;
}

/** The day's check-in queue with the advisors on duty, and the advisors needed per hour. */
export function receptionModels(r: ReceptionInput) {
  const tv = timeVarying({ arrivalRates: r.rates, servers: r.advisors, serviceRate: r.serviceRate, waitThresholds: [r.waitTargetMinutes] });
  const st = staffing(receptionStaffing(r));
  return { tv, st };
}

export function receptionStaffing(r: ReceptionInput) {
  return {
    arrivalRates: r.rates,
    serviceRate: r.serviceRate,
    target: { kind: 'wait_within' as const, maxWait: r.waitTargetMinutes, probability: r.waitTargetShare },
    method: 'ode' as const,
    minServers: 1,
    maxServers: 200,
  };
}

export interface WalkInInput {
  wait: ConditionalWaitInput;
  /** the walk-in's own work: standard minutes and coefficient of variation */
  ownStd: number;
  ownCv: number;
  handoverBufferMinutes: number;
  /** minutes until the lane closes today */
  minutesToClose: number;
  /** ready-time quantile levels asked for (the promise's target among them) */
  levels: number[];
  samples: number;
  seed: number;
}

/**
 * Wait of a walk-in given the lane's live state, and its ready time = wait + own service + handover
 * buffer, convolved by Monte Carlo: the wait sampled through its quantile function (levels 1–99%),
 * the own work from the lognormal duration model.
 */
export function walkInModel(q: WalkInInput) {
  const wait = conditionalWait(q.wait);
  const rng = new Rng(q.seed);
  const qt = wait.quantiles.map((x) => x.t);
  const last = qt.length - 1;
  const N = q.samples;
  const total = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const u = rng.next() * last;
    const k = Math.floor(u);
    const wv = qt[k] + (qt[Math.min(k + 1, last)] - qt[k]) * (u - k);
    total[i] = wv + rng.lognormalMeanCv(q.ownStd, q.ownCv) + q.handoverBufferMinutes;
  }
  total.sort();
  let fit = 0;
  for (let i = 0; i < N; i++) if (total[i] <= q.minutesToClose) fit++;
  return {
    wait,
    ready: q.levels.map((p) => ({ q: p, t: total[Math.min(N - 1, Math.floor(p * N))] })),
    probReadyBeforeClose: fit / N,
  };
}

// the capacity outlook is a queueing model of the day's load: domain/queueing/outlook.ts
export { outlookModel, outlookWork, type OutlookInput } from '../domain/queueing/outlook.js';
