/**
 * Sampling one operation: S Monte Carlo samples of when it ends, and which constraint bound it.
 *
 * Duration of sample s (planned minutes on its technician × a lognormal factor):
 *   dur[s] = planned · exp(mu + sigma · t(z[s]))
 * with z[s] the op's standard normals and t the Student-t with the duration model's predictive df
 * mapped from the normal (plain normal when the model gives no df, or sigma = 0).
 * Ready and end of sample s, for an op that is not in progress:
 *   ready[s] = max(release, end[s] of each binding candidate: job predecessors, the previous op of
 *              the same vehicle, of the same technician, of the same bay)
 *   end[s]   = advanceWork(cal, ready[s], dur[s])   (cal = technician working time ∩ bay opening)
 * and bind[s] / kind[s] name the candidate that set ready[s] (-1 / KIND_RELEASE: the release). An
 * in-progress (fixed) op ends at advanceWork(cal, fixedStart, dur[s]) with fixedStart =
 * max(start, asOf) and planned = its remaining planned minutes (KIND_IN_PROGRESS).
 *
 * Common random numbers: an op's standard normals come from a stream seeded by (seed, op key), so
 * the same op gets the same draws in every simulation with the same seed — with or without an
 * inserted job, for any subset of jobs. Differences between two forecasts are then real, not noise.
 * SimulationDraws holds those numbers and the durations sampled from them, so simulations of one
 * evolving plan draw each op once.
 */
import { Rng } from '../../lib/random.js';
import { studentTFromNormal } from './durations.js';
import { advanceFrom, advanceWork, firstEndAfter } from './work-calendar.js';

/** kinds of binding constraint (OpSamples.kind) */
export const KIND_RELEASE = 0;
export const KIND_JOB = 1;
export const KIND_TECH = 2;
export const KIND_BAY = 3;
export const KIND_IN_PROGRESS = 4;

/** durations sampled for one set of duration parameters of an op */
export interface SampledDurations { planned: number; mu: number; sigma: number; df: number; dur: Float64Array }

/** Random numbers by op key, and the durations sampled from them (valid while the op's duration parameters stay the same). */
export class SimulationDraws {
  /** drops an op's numbers (they are drawn again, identically, if it is ever simulated again) */
  forget(key: string): void {
    this.z.delete(key);
    this.dur.delete(key);
  }

  readonly z = new Map<string, Float64Array>();
  /** per op key, the durations sampled for each set of parameters seen (an op tried on several technicians) */
  readonly dur = new Map<string, SampledDurations[]>();
}

/** per-op static facts the sampler needs */
export interface SamplingFacts {
  rel: number;
  cal: readonly number[];
  planned: number;
  mu: number;
  sigma: number;
  /** Student-t degrees of freedom of ln(factor) (the duration model's predictive); Infinity: normal */
  df: number;
  fixedStart: number; // NaN when not fixed
  /** binding candidates and their kinds (KIND_JOB / KIND_TECH / KIND_BAY), index-aligned */
  preds: number[];
  kinds: number[];
  /** cached sampled durations (planned × lognormal factor) */
  dur?: Float64Array;
  /** op key and the shared duration cache it is stored in once sampled */
  key: string;
  store: Map<string, SampledDurations[]>;
}

/** one op's sampled outputs: end minute, binding op (-1 none) and binding kind per sample */
export interface OpSamples { end: Float64Array; bind: Int32Array; kind: Uint8Array }

/**
 * Sample arrays carved out of shared buffers: a typed array of S > 8 doubles gets its own
 * off-heap buffer (a malloc and a finaliser each), and simulations create thousands of them.
 */
export class Slab {
  private buf = new ArrayBuffer(0);
  private off = 0;
  constructor(private readonly S: number, private readonly perBuffer = 48) {}

  private take(bytes: number): number {
    const need = (bytes + 7) & ~7;
    if (this.off + need > this.buf.byteLength) {
      this.buf = new ArrayBuffer(Math.max(need, this.S * 16 * this.perBuffer));
      this.off = 0;
    }
    const at = this.off;
    this.off += need;
    return at;
  }

  out(): OpSamples {
    const S = this.S;
    const at = this.take(S * 13); // one piece per op: ends, then binding ops, then binding kinds
    const buf = this.buf;
    return { end: new Float64Array(buf, at, S), bind: new Int32Array(buf, at + S * 8, S), kind: new Uint8Array(buf, at + S * 12, S) };
  }
}

/** The key of an op's random numbers: its stream key (OpFact.stream), else its key. */
export function streamOf(op: { key: string; stream?: string }): string {
  return op.stream ?? op.key;
}

/** seed of an op's random stream: FNV-1a of its key mixed with the simulation seed */
export function hashKey(key: string, seed: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
}

/** the op's S standard normals (common random numbers by op key), drawn once into `draws` */
export function standardNormals(draws: SimulationDraws, key: string, seed: number, S: number): Float64Array {
  let z = draws.z.get(key);
  if (!z) {
    const rng = new Rng(hashKey(key, seed));
    z = new Float64Array(S);
    for (let s = 0; s < S; s++) z[s] = rng.normal();
    draws.z.set(key, z);
  }
  return z;
}

/** durations already sampled for the op with exactly these parameters, if any */
export function cachedDurations(draws: SimulationDraws, key: string, planned: number, mu: number, sigma: number, df: number): Float64Array | undefined {
  return draws.dur.get(key)?.find((c) => c.planned === planned && c.mu === mu && c.sigma === sigma && c.df === df)?.dur;
}

/**
 * The op's sampled durations: f.dur when known, else sampled from z and recorded in f.store (up
 * to 4 parameter sets per op key; a fifth replaces the first).
 */
export function sampledDurations(S: number, z: Float64Array, f: SamplingFacts): Float64Array {
  if (f.dur) return f.dur;
  const d = new Float64Array(S);
  if (f.df < Infinity && f.sigma > 0) for (let s = 0; s < S; s++) d[s] = f.planned * Math.exp(f.mu + f.sigma * studentTFromNormal(z[s], f.df));
  else for (let s = 0; s < S; s++) d[s] = f.planned * Math.exp(f.mu + f.sigma * z[s]);
  const list = f.store.get(f.key);
  const e = { planned: f.planned, mu: f.mu, sigma: f.sigma, df: f.df, dur: d };
  if (!list) f.store.set(f.key, [e]);
  else if (list.length < 4) list.push(e);
  else list[0] = e;
  return (f.dur = d);
}

/** samples one op into `out`; `getEnd(p)` gives the sampled ends of binding candidate p (already sampled) */
export function sampleOp(S: number, z: Float64Array, f: SamplingFacts, getEnd: (p: number) => Float64Array, out: OpSamples): void {
  const { end, bind, kind } = out;
  const { cal } = f;
  const dur = sampledDurations(S, z, f);
  if (!Number.isNaN(f.fixedStart)) {
    for (let s = 0; s < S; s++) {
      end[s] = advanceWork(cal, f.fixedStart, dur[s]);
      bind[s] = -1;
      kind[s] = KIND_IN_PROGRESS;
    }
    return;
  }
  end.fill(f.rel);
  bind.fill(-1);
  kind.fill(KIND_RELEASE);
  for (let j = 0; j < f.preds.length; j++) {
    const p = f.preds[j], k = f.kinds[j];
    const e = getEnd(p);
    for (let s = 0; s < S; s++) if (e[s] > end[s]) { end[s] = e[s]; bind[s] = p; kind[s] = k; }
  }
  // the samples' ready times cluster: start each calendar search from the previous sample's interval
  let h = 0;
  const n = cal.length;
  for (let s = 0; s < S; s++) {
    const t = end[s];
    if (!((h >= n || cal[h + 1] > t) && (h === 0 || cal[h - 1] <= t))) h = firstEndAfter(cal, t);
    end[s] = advanceFrom(cal, h, t, dur[s]);
  }
}
