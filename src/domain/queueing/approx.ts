/**
 * Approximations for non-Markovian stationary queues. Rates per minute, times in minutes.
 * cv = coefficient of variation (standard deviation / mean); SCV = cv².
 *
 *  - M/D/c: Cosmetatos (1975): Wq ≈ ½·Wq(M/M/c)·[1 + γ], γ = (1−ρ)(c−1)(√(4+5c) − 2)/(16ρc).
 *    Exact for c = 1 (Pollaczek–Khinchine).
 *  - M/G/c: Kimura (1994) two-moment harmonic interpolation between M/M/c and M/D/c (Cosmetatos):
 *    Wq ≈ (1 + cs²) / (2cs²/Wq(M/M/c) + (1 − cs²)/Wq(M/D/c)). Exact for c = 1 (P–K) and cs² = 1.
 *    Allen–Cunneen ((1 + cs²)/2 · Wq(M/M/c)) available as `method: 'allen-cunneen'`.
 *  - G/G/c: Whitt (1993) refinement of Allen–Cunneen, Wq ≈ φ(ρ, ca², cs², c)·(ca² + cs²)/2·Wq(M/M/c);
 *    plain Allen–Cunneen (φ = 1) as `method: 'allen-cunneen'`.
 * The delay probability is taken from M/M/c (Erlang C, insensitive to first order) and the
 * conditional wait as exponential with the approximate conditional mean: P(W > t) ≈ C·exp(−C·t/Wq).
 * Measured accuracy against the simulator is in ./accuracy.ts and is returned with every result.
 */
import { QueueingInputError, nonNegative } from './errors.js';
import { erlangC, exponentialTailQuantile, stationaryInputs } from './mmc.js';
import { ACCURACY } from './accuracy.js';
import { type StationaryMetrics, type UnstableMetrics, growthOf } from './types.js';

export type ApproxMethod = 'cosmetatos' | 'kimura' | 'allen-cunneen' | 'whitt';

/** Cosmetatos correction γ (also Whitt's γ before capping at 0.24). */
function cosmetatosGamma(rho: number, c: number): number {
  return ((1 - rho) * (c - 1) * (Math.sqrt(4 + 5 * c) - 2)) / (16 * rho * c);
}

/** Wq of M/M/c (minutes); Infinity if unstable. */
export function wqMmc(lambda: number, mu: number, c: number): number {
  const a = lambda / mu;
  if (a >= c) return Infinity;
  if (a === 0) return 0;
  return erlangC(c, a) / (c * mu - lambda);
}

/** Cosmetatos' M/D/c mean wait (minutes). */
export function wqMdcCosmetatos(lambda: number, mu: number, c: number): number {
  const wm = wqMmc(lambda, mu, c);
  if (!Number.isFinite(wm) || wm === 0) return wm;
  const rho = lambda / (c * mu);
  return 0.5 * wm * (1 + cosmetatosGamma(rho, c));
}

/** Kimura's M/G/c mean wait (minutes) for service SCV cs2. */
export function wqMgcKimura(lambda: number, mu: number, c: number, cs2: number): number {
  const wm = wqMmc(lambda, mu, c);
  if (!Number.isFinite(wm) || wm === 0) return wm;
  const wd = wqMdcCosmetatos(lambda, mu, c);
  return (1 + cs2) / ((2 * cs2) / wm + (1 - cs2) / wd);
}

/** Allen–Cunneen G/G/c mean wait (minutes). */
export function wqAllenCunneen(lambda: number, mu: number, c: number, ca2: number, cs2: number): number {
  return ((ca2 + cs2) / 2) * wqMmc(lambda, mu, c);
}

/** Whitt (1993) G/G/c mean wait (minutes). */
export function wqWhitt(lambda: number, mu: number, c: number, ca2: number, cs2: number): number {
  const wm = wqMmc(lambda, mu, c);
  if (!Number.isFinite(wm) || wm === 0) return wm;
  if (ca2 + cs2 === 0) return 0; // D/D/c below saturation never waits
  const rho = lambda / (c * mu);
  const gamma = Math.min(0.24, cosmetatosGamma(rho, c));
  const phi1 = 1 + gamma;
  const phi2 = 1 - 4 * gamma;
  const phi3 = phi2 * Math.exp((-2 * (1 - rho)) / (3 * rho));
  const phi4 = Math.min(1, (phi1 + phi3) / 2);
  const psi = (x: number) => (x >= 1 ? 1 : Math.pow(phi4, 2 * (1 - x)));
  const mean2 = (ca2 + cs2) / 2;
  let phi: number;
  if (ca2 >= cs2) {
    phi = ((4 * (ca2 - cs2)) / (4 * ca2 - 3 * cs2)) * phi1 + (cs2 / (4 * ca2 - 3 * cs2)) * psi(mean2);
  } else {
    phi = ((cs2 - ca2) / (2 * ca2 + 2 * cs2)) * phi3 + ((cs2 + 3 * ca2) / (2 * ca2 + 2 * cs2)) * psi(mean2);
  }
  return phi * mean2 * wm;
}

export interface GgcInput {
  arrivalRate: number;
  serviceRate: number;
  servers: number;
  /** coefficient of variation of interarrival times (1 = Poisson); not the SCV */
  arrivalCv?: number;
  /** coefficient of variation of service times (0 = deterministic, 1 = exponential); not the SCV */
  serviceCv?: number;
  method?: 'whitt' | 'allen-cunneen' | 'kimura' | 'cosmetatos';
  waitThresholds?: number[];
  quantiles?: number[];
}

export type ApproxResult = {
  model: 'mdc' | 'mgc' | 'ggc';
  servers: number;
  method: ApproxMethod;
  approximate: true;
  /** measured accuracy of this method against the simulator (see accuracy.ts) */
  accuracy: string;
  arrivalCv: number;
  serviceCv: number;
} & (StationaryMetrics | UnstableMetrics);

function approxResult(
  model: 'mdc' | 'mgc' | 'ggc',
  method: ApproxMethod,
  input: GgcInput,
  ca: number,
  cs: number,
): ApproxResult {
  const { lambda, mu, c, thresholds, quantiles, a, rho, stable } = stationaryInputs(input);
  if (!stable) {
    return {
      model,
      servers: c,
      method,
      approximate: true,
      accuracy: ACCURACY[method],
      arrivalCv: ca,
      serviceCv: cs,
      stable: false,
      offeredLoad: a,
      utilisation: rho,
      growth: growthOf(lambda, mu, c),
    };
  }
  const ca2 = ca * ca;
  const cs2 = cs * cs;
  let wq: number;
  switch (method) {
    case 'cosmetatos':
      wq = wqMdcCosmetatos(lambda, mu, c);
      break;
    case 'kimura':
      wq = wqMgcKimura(lambda, mu, c, cs2);
      break;
    case 'allen-cunneen':
      wq = wqAllenCunneen(lambda, mu, c, ca2, cs2);
      break;
    case 'whitt':
      wq = wqWhitt(lambda, mu, c, ca2, cs2);
      break;
  }
  const pw = wq > 0 ? erlangC(c, a) : 0;
  const lq = lambda * wq;
  return {
    model,
    servers: c,
    method,
    approximate: true,
    accuracy: ACCURACY[method],
    arrivalCv: ca,
    serviceCv: cs,
    stable: true,
    offeredLoad: a,
    utilisation: rho,
    probWait: pw,
    meanWait: wq,
    meanQueue: lq,
    meanInSystem: lq + a,
    meanSojourn: wq + 1 / mu,
    waitTail: thresholds.map((t) => ({ t, p: wq > 0 ? pw * Math.exp((-pw * t) / wq) : 0 })),
    waitQuantiles: quantiles.map((q) => ({ q, t: exponentialTailQuantile(pw, wq, q) })),
  };
}

/** M/D/c by Cosmetatos. */
export function mdc(input: Omit<GgcInput, 'arrivalCv' | 'serviceCv' | 'method'>): ApproxResult {
  return approxResult('mdc', 'cosmetatos', input, 1, 0);
}

/** M/G/c by Kimura (default) or Allen–Cunneen; serviceCv required (0 gives M/D/c). */
export function mgc(input: Omit<GgcInput, 'arrivalCv'>): ApproxResult {
  const cs = nonNegative(input?.serviceCv, 'serviceCv');
  const method = input.method ?? 'kimura';
  if (method !== 'kimura' && method !== 'allen-cunneen') {
    throw new QueueingInputError('method', "must be 'kimura' or 'allen-cunneen' for M/G/c");
  }
  return approxResult('mgc', method, input, 1, cs);
}

/** G/G/c by Whitt's refinement (default) or plain Allen–Cunneen. */
export function ggc(input: GgcInput): ApproxResult {
  const ca = nonNegative(input?.arrivalCv ?? 1, 'arrivalCv');
  const cs = nonNegative(input?.serviceCv ?? 1, 'serviceCv');
  const method = input.method ?? 'whitt';
  if (method !== 'whitt' && method !== 'allen-cunneen') {
    throw new QueueingInputError('method', "must be 'whitt' or 'allen-cunneen' for G/G/c");
  }
  return approxResult('ggc', method, input, ca, cs);
}
