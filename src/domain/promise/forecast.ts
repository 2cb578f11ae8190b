/**
 * Ready-by forecast: Monte Carlo over operation durations on a fixed plan.
 *
 * The plan fixes WHO does WHAT in WHICH ORDER (technician sequence, bay sequence, job precedence);
 * times float. Each sample draws every op's actual duration (planned minutes on its technician ×
 * factor exp(mu + sigma·t) from the duration model's predictive, t a Student-t with its df mapped
 * from the op's standard normal, or normal when the model gives no df) and replays the plan's sequences:
 *   ready  = max(release, ends of job predecessors, end of the previous op on the same technician,
 *            end of the previous op on the same bay, end of the previous op of the same vehicle)
 *   end    = `advanceWork(cal, ready, duration)` where cal = technician working time (work ∪ overtime)
 *            ∩ bay opening time: the op starts at the first working minute ≥ ready and its work
 *            advances only through working minutes. An op that runs past the end of a shift or a
 *            break CONTINUES in the next working interval (even non-splittable ones: in reality the
 *            job is finished the next morning or after the break; the plan's "does not fit before
 *            the break" rule is a planning choice, not a law of nature). Beyond the last calendar
 *            interval the work continues in wall-clock minutes, so every sample is finite.
 * Work may start EARLIER than planned when predecessors finish early (shift-left), never before
 * the release (arrival / parts ETA).
 * In-progress (fixed) ops: their remaining part [max(start, asOf), end) is random too: remaining
 * planned minutes × the op's factor, advanced through the calendar from max(start, asOf).
 *
 * Vectorised: for each op one Float64Array of sample end times; ops are processed in planned-start
 * order (start, end, index), a topological order of all the edges above. Ops are simulated lazily,
 * so asking for some jobs simulates only the cone of their ancestors.
 *
 * Common random numbers: the standard normals of an op come from a stream seeded by (seed, op key),
 * so the same op gets the same draws in every simulation with the same seed — with or without an
 * inserted job, for any subset of jobs. Differences between two forecasts are then real, not noise.
 */
import { intersectIntervals, techAvailability, type Plan, type SchedulingModel } from '../scheduling/model.js';
import TinyQueue from 'tinyqueue';
import { firstEndAfter } from '../scheduling/timetable.js';
import { Rng } from '../../lib/random.js';
import { studentTFromNormal, type DurationModel } from './durations.js';

export const KIND_RELEASE = 0;
export const KIND_JOB = 1;
export const KIND_TECH = 2;
export const KIND_BAY = 3;
export const KIND_IN_PROGRESS = 4;

export const DEFAULT_SAMPLES = 2000;
export const DEFAULT_SCREEN_SAMPLES = 384;

// ---------------------------------------------------------------- calendars

export { firstEndAfter };

/** First working minute at or after t (t itself beyond the calendar's end). */
export function nextWorkingMinute(cal: readonly number[], t: number): number {
  const i = firstEndAfter(cal, t);
  return i >= cal.length ? t : Math.max(t, cal[i]);
}

/**
 * End of `d` working minutes starting at the first working minute ≥ s: work advances only through
 * the calendar's intervals and continues in the next interval when one ends. Past the calendar's
 * last interval, the remainder runs in wall-clock minutes.
 */
export function advanceWork(cal: readonly number[], s: number, d: number): number {
  return advanceFrom(cal, firstEndAfter(cal, s), s, d);
}

/** advanceWork with `i0` = firstEndAfter(cal, s) already known */
function advanceFrom(cal: readonly number[], i0: number, s: number, d: number): number {
  let rem = d;
  let pos = s;
  for (let i = i0; i < cal.length; i += 2) {
    const from = pos > cal[i] ? pos : cal[i];
    const avail = cal[i + 1] - from;
    if (avail >= rem) return from + rem;
    rem -= avail;
    pos = cal[i + 1];
  }
  return pos + rem;
}

// ---------------------------------------------------------------- results

export type BottleneckKind = 'technician' | 'bay' | 'release' | 'own_work';

export interface Bottleneck {
  /**
   * technician / bay: the vehicle's critical chain waited for another vehicle's work on that
   * technician / bay; release: it waited for its release (parts ETA, or an op released after the
   * vehicle's arrival); own_work: it started when it arrived (first working minute) and its own
   * work determined the completion.
   */
  kind: BottleneckKind;
  /** technician or bay key; null for release / own_work */
  key: string | null;
  /** share of samples in which this was the binding constraint */
  share: number;
}

export interface Quantiles { p50: number; p80: number; p90: number; p95: number }

/**
 * Forecast of one vehicle. `completion` holds the sampled minutes at which its last op ends (work
 * done, WITHOUT the handover buffer), sorted ascending. Every time-valued method adds
 * `bufferMinutes` (QC, wash, paperwork): quantile(0.9) is the 90% ready-for-handover minute, and
 * probReadyBy(promise) = P(completion + buffer ≤ promise).
 */
export class JobForecast {
  constructor(
    readonly job: number,
    readonly key: string,
    readonly completion: Float64Array,
    readonly bufferMinutes: number,
    readonly bottlenecks: Bottleneck[],
  ) {}

  get samples(): number { return this.completion.length; }

  /** p-quantile of handover time (completion + buffer): the smallest sample value v with P(X ≤ v) ≥ p */
  quantile(p: number): number {
    const n = this.completion.length;
    const i = Math.min(n - 1, Math.max(0, Math.ceil(p * n - 1e-9) - 1));
    return this.completion[i] + this.bufferMinutes;
  }

  quantiles(): Quantiles {
    return { p50: this.quantile(0.5), p80: this.quantile(0.8), p90: this.quantile(0.9), p95: this.quantile(0.95) };
  }

  /** P(completion + buffer ≤ minute) */
  probReadyBy(minute: number): number {
    return probAtMost(this.completion, minute - this.bufferMinutes);
  }

  mean(): number {
    let s = 0;
    for (let i = 0; i < this.completion.length; i++) s += this.completion[i];
    return s / this.completion.length + this.bufferMinutes;
  }

  /** the most frequent binding constraint */
  get bottleneck(): Bottleneck { return this.bottlenecks[0]; }
}

/** fraction of the sorted samples ≤ x */
export function probAtMost(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

// ---------------------------------------------------------------- simulation core

export interface SimulationOptions {
  /** Monte Carlo samples (default 2000) */
  samples?: number;
  /** seed of the common random numbers (default 1) */
  seed?: number;
  /** as-of minute: in-progress ops have [max(start, asOf), end) still to do (default: their start) */
  asOf?: number;
  /**
   * cache of the ops' random numbers and sampled durations by op key, shared by simulations with
   * the same seed and sample count (a caller that builds many simulations of one evolving plan,
   * e.g. a replication of the capacity simulator, draws each op's numbers once)
   */
  draws?: SimulationDraws;
}

interface DurEntry { planned: number; mu: number; sigma: number; df: number; dur: Float64Array }

/** Random numbers by op key, and the durations sampled from them (valid while the op's duration parameters stay the same). */
export class SimulationDraws {
  /** drops an op's numbers (they are drawn again, identically, if it is ever simulated again) */
  forget(key: string): void {
    this.z.delete(key);
    this.dur.delete(key);
  }

  readonly z = new Map<string, Float64Array>();
  /** per op key, the durations sampled for each set of parameters seen (an op tried on several technicians) */
  readonly dur = new Map<string, DurEntry[]>();
}

export interface SimulationInput {
  model: SchedulingModel;
  plan: Pick<Plan, 'assignments'>;
  /** op code of every op of model.ops (index-aligned), for the duration model */
  opCodes: readonly string[];
  durations: DurationModel;
}

/** per-op static facts the sampler needs */
interface OpSim {
  rel: number;
  cal: readonly number[];
  planned: number;
  mu: number;
  sigma: number;
  /** Student-t degrees of freedom of ln(factor) (the duration model's predictive); Infinity: normal */
  df: number;
  fixedStart: number; // NaN when not fixed
  preds: number[];
  kinds: number[];
  /** cached sampled durations (planned × lognormal factor) */
  dur?: Float64Array;
  /** op key and the shared duration cache it is stored in once sampled */
  key: string;
  store: Map<string, DurEntry[]>;
}

interface OpOut { end: Float64Array; bind: Int32Array; kind: Uint8Array }

/**
 * Sample arrays carved out of shared buffers: a typed array of S > 8 doubles gets its own
 * off-heap buffer (a malloc and a finaliser each), and simulations create thousands of them.
 */
class Slab {
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

  out(): OpOut {
    const S = this.S;
    const at = this.take(S * 13); // one piece per op: ends, then binding ops, then binding kinds
    const buf = this.buf;
    return { end: new Float64Array(buf, at, S), bind: new Int32Array(buf, at + S * 8, S), kind: new Uint8Array(buf, at + S * 12, S) };
  }
}

function hashKey(key: string, seed: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
}

function durations(S: number, z: Float64Array, f: OpSim): Float64Array {
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

function sampleOp(S: number, z: Float64Array, f: OpSim, getEnd: (p: number) => Float64Array, out: OpOut): void {
  const { end, bind, kind } = out;
  const { cal } = f;
  const dur = durations(S, z, f);
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

const cmpAssign = (plan: Pick<Plan, 'assignments'>) => (x: number, y: number) => {
  const a = plan.assignments[x], b = plan.assignments[y];
  return a.start - b.start || a.end - b.end || x - y;
};

/** where op o goes in a sequence kept in planned order: the index of the first op after it (search from `from`) */
function sequenceIndex(row: readonly number[], o: number, cmp: (x: number, y: number) => number, from = 0): number {
  let lo = from, hi = row.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (cmp(row[m], o) < 0) lo = m + 1; else hi = m; }
  return lo;
}

/** sequenceIndex for an op of `plan` (e.g. a new op of an insertion against the base simulation's techSeq/baySeq) */
export function sequencePosition(row: readonly number[], o: number, plan: Pick<Plan, 'assignments'>): number {
  return sequenceIndex(row, o, cmpAssign(plan));
}

/**
 * Lazily simulated plan: `ends(op)` simulates the op and (first) its ancestors only.
 * Build one per (model, plan, durations, seed, samples) and reuse it: the app layer can cache it
 * by workshop revision; quotes and availability derive insertion scenarios from it incrementally.
 */
export class PromiseSimulation {
  readonly S: number;
  readonly seed: number;
  readonly asOf: number | undefined;
  readonly n: number;
  readonly model: SchedulingModel;
  readonly plan: Pick<Plan, 'assignments'>;
  readonly durations: DurationModel;
  readonly scheduled: Uint8Array;
  /** scheduled ops per technician / bay in planned-start order */
  readonly techSeq: number[][];
  readonly baySeq: number[][];
  readonly succ: number[][];
  readonly facts: (OpSim | null)[];
  /** planned predecessors on the same technician / bay / vehicle (-1 none) */
  readonly techPrev: Int32Array;
  readonly bayPrev: Int32Array;
  readonly jobPrev: Int32Array;
  private readonly out: (OpOut | undefined)[];
  private readonly draws: SimulationDraws;
  private readonly calCache: Map<number, readonly number[]>;
  private readonly techCal: number[][];
  /** number of op simulations run (for tests and diagnostics) */
  simulatedOps = 0;

  constructor(input: SimulationInput, opts: SimulationOptions = {}, from?: InsertionSimulation) {
    if (from) {
      // the plan of `from` adopted: see extend()
      const prev = from.base;
      this.durations = prev.durations; this.S = prev.S; this.seed = prev.seed; this.asOf = prev.asOf;
      this.draws = prev.draws; this.calCache = prev.calCache; this.techCal = prev.techCal;
      this.model = { ...from.ext.model, techs: prev.model.techs };
      this.plan = from.ext.plan;
      this.n = this.model.ops.length;
      const d = PromiseSimulation.derive(prev, from, this.model);
      this.scheduled = d.scheduled; this.techSeq = d.techSeq; this.baySeq = d.baySeq; this.succ = d.succ; this.facts = d.facts;
      this.techPrev = d.techPrev; this.bayPrev = d.bayPrev; this.jobPrev = d.jobPrev; this.out = d.out;
      return;
    }
    const { model, plan, durations, opCodes } = input;
    this.model = model;
    this.plan = plan;
    this.durations = durations;
    this.S = opts.samples ?? DEFAULT_SAMPLES;
    this.seed = opts.seed ?? 1;
    this.asOf = opts.asOf;
    this.draws = opts.draws ?? new SimulationDraws();
    this.calCache = new Map();
    const n = (this.n = model.ops.length);
    this.techCal = model.techs.map((t) => techAvailability(t));
    this.scheduled = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const a = plan.assignments[i];
      if (a && a.tech >= 0 && a.start >= 0 && a.end >= a.start) this.scheduled[i] = 1;
    }
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (this.scheduled[i]) order.push(i);
    order.sort(cmpAssign(plan));
    this.techSeq = model.techs.map(() => []);
    this.baySeq = model.bays.map(() => []);
    const jobLast = new Int32Array(model.jobs.length).fill(-1);
    const techPrev = new Int32Array(n).fill(-1), bayPrev = new Int32Array(n).fill(-1), jobPrev = new Int32Array(n).fill(-1);
    for (const o of order) {
      const a = plan.assignments[o];
      const ts = this.techSeq[a.tech];
      if (ts.length) techPrev[o] = ts[ts.length - 1];
      ts.push(o);
      if (a.bay >= 0) {
        const bs = this.baySeq[a.bay];
        if (bs.length) bayPrev[o] = bs[bs.length - 1];
        bs.push(o);
      }
      const op = model.ops[o];
      if (!op.parallel) {
        jobPrev[o] = jobLast[op.job];
        jobLast[op.job] = o;
      }
    }
    this.techPrev = techPrev;
    this.bayPrev = bayPrev;
    this.jobPrev = jobPrev;
    this.succ = model.ops.map(() => []);
    this.facts = model.ops.map(() => null);
    for (const o of order) {
      const a = plan.assignments[o];
      const { preds, kinds } = this.predList(o, techPrev[o], bayPrev[o]);
      for (const p of preds) this.succ[p].push(o);
      this.facts[o] = this.opFacts(o, a.tech, a.bay, a, opCodes[o] ?? '', preds, kinds);
    }
    this.out = new Array(n);
  }

  /**
   * The simulation of the plan with the insertion of `isim` adopted (the new ops become base ops):
   * sequences, predecessor lists and successor lists are updated for the touched technicians and
   * bays only, and every sampled op result that the insertion cannot have changed is kept. Ops the
   * insertion simulation re-simulated take its results; ops downstream of what it did not check
   * (outside its assessment window, or everything after the touched sequences when it did not
   * propagate) are dropped and simulated again lazily. The same answers as a simulation built from
   * scratch on the extended plan with the same seed, asOf and draws, at the cost of the affected cone.
   */
  extend(isim: InsertionSimulation): PromiseSimulation {
    if (isim.base !== this) throw new Error('extend: the insertion simulation is not built on this simulation');
    return new PromiseSimulation({ model: isim.ext.model, plan: isim.ext.plan, opCodes: isim.ext.newOpCodes, durations: this.durations }, {}, isim);
  }

  private static derive(prev: PromiseSimulation, isim: InsertionSimulation, model: SchedulingModel) {
    const n = model.ops.length, n0 = prev.n;
    const { plan, newOps } = isim.ext;
    const cmp = cmpAssign(plan);
    const scheduled = new Uint8Array(n);
    scheduled.set(prev.scheduled);
    const added: number[] = [];
    newOps.forEach((o) => {
      const a = plan.assignments[o];
      if (a && a.tech >= 0 && a.start >= 0 && a.end >= a.start) { scheduled[o] = 1; added.push(o); }
    });
    added.sort(cmp);
    const grow = (x: Int32Array) => { const y = new Int32Array(n).fill(-1); y.set(x); return y; };
    const techPrev = grow(prev.techPrev), bayPrev = grow(prev.bayPrev), jobPrev = grow(prev.jobPrev);
    const techSeq = prev.techSeq.slice(), baySeq = prev.baySeq.slice();
    const merge = (seqs: number[][], prevOf: Int32Array, r: number, o: number) => {
      const row = seqs[r].slice();
      const k = sequenceIndex(row, o, cmp);
      row.splice(k, 0, o);
      seqs[r] = row;
      prevOf[o] = k > 0 ? row[k - 1] : -1;
      if (k + 1 < row.length) prevOf[row[k + 1]] = o;
    };
    const jobLast = new Map<number, number>();
    for (const o of added) {
      const a = plan.assignments[o];
      merge(techSeq, techPrev, a.tech, o);
      if (a.bay >= 0) merge(baySeq, bayPrev, a.bay, o);
      const op = model.ops[o];
      if (!op.parallel) { jobPrev[o] = jobLast.get(op.job) ?? -1; jobLast.set(op.job, o); }
    }
    // the insertion already built the facts of its new ops and of the base ops re-linked after
    // them: take them, and keep the successor lists in step
    const facts = prev.facts.slice();
    facts.length = n;
    for (let o = n0; o < n; o++) facts[o] ??= null;
    const succ = prev.succ.slice();
    for (let o = n0; o < n; o++) succ[o] = [];
    const cloned = new Set<number>();
    const row = (p: number) => { if (p < n0 && !cloned.has(p)) { succ[p] = succ[p].slice(); cloned.add(p); } return succ[p]; };
    isim.facts.forEach((f, o) => {
      if (o < n0) for (const p of prev.facts[o]!.preds) { const r = row(p); const i = r.indexOf(o); if (i >= 0) r.splice(i, 1); }
      facts[o] = f;
      for (const p of f.preds) row(p).push(o);
    });
    // sampled results: keep, take the insertion's, or drop what it did not check
    const out: (OpOut | undefined)[] = prev.out.slice();
    out.length = n;
    isim.changed.forEach((r, o) => { out[o] = r; });
    isim.unchanged.forEach((r, o) => { out[o] = r; });
    const stale = isim.unsettled();
    const seen = new Set<number>();
    while (stale.length) {
      const o = stale.pop()!;
      if (seen.has(o)) continue;
      seen.add(o);
      out[o] = undefined;
      for (const x of succ[o]) stale.push(x);
    }
    return { scheduled, techSeq, baySeq, succ, facts, techPrev, bayPrev, jobPrev, out };
  }

  /** binding candidates of a (non-fixed) op: job preds, previous op of the vehicle, technician and bay predecessors */
  predList(o: number, techPrev: number, bayPrev: number): { preds: number[]; kinds: number[] } {
    const preds: number[] = [], kinds: number[] = [];
    const op = this.model.ops[o];
    if (op.fixed) return { preds, kinds };
    const add = (p: number, k: number) => {
      if (p < 0 || (p < this.n && !this.scheduled[p]) || preds.includes(p)) return;
      preds.push(p); kinds.push(k);
    };
    for (const p of op.preds) add(p, KIND_JOB);
    add(this.jobPrev[o], KIND_JOB);
    add(techPrev, KIND_TECH);
    add(bayPrev, KIND_BAY);
    return { preds, kinds };
  }

  /** tech (work ∪ overtime) ∩ bay open */
  pairCal(tech: number, bay: number): readonly number[] {
    if (bay < 0) return this.techCal[tech];
    const k = tech * this.model.bays.length + bay;
    let c = this.calCache.get(k);
    if (!c) { c = intersectIntervals(this.techCal[tech], this.model.bays[bay].open); this.calCache.set(k, c); }
    return c;
  }

  /** static sampling facts of an op of `model` (which may be an extension of this.model) */
  opFacts(o: number, tech: number, bay: number, a: { start: number; end: number }, opCode: string, preds: number[], kinds: number[], model: SchedulingModel = this.model): OpSim {
    const op = model.ops[o];
    const job = model.jobs[op.job];
    const p = this.durations.params(opCode, model.techs[tech]?.key ?? null);
    let planned: number, fixedStart = NaN;
    if (op.fixed) {
      fixedStart = Math.max(op.fixed.start, this.asOf ?? -Infinity);
      planned = Math.max(0, op.fixed.end - fixedStart);
    } else {
      planned = op.alternatives.find((x) => x.tech === tech)?.minutes ?? a.end - a.start;
    }
    const df = p.df ?? Infinity;
    const c = this.draws.dur.get(op.key)?.find((c) => c.planned === planned && c.mu === p.mu && c.sigma === p.sigma && c.df === df);
    return {
      rel: Math.max(op.release, job ? job.release : -Infinity),
      cal: this.pairCal(tech, bay), planned, mu: p.mu, sigma: p.sigma, df, fixedStart, preds, kinds,
      dur: c?.dur,
      key: op.key, store: this.draws.dur,
    };
  }

  /** the op's standard normals (common random numbers by op key) */
  z(key: string): Float64Array {
    let z = this.draws.z.get(key);
    if (!z) {
      const rng = new Rng(hashKey(key, this.seed));
      z = new Float64Array(this.S);
      for (let s = 0; s < this.S; s++) z[s] = rng.normal();
      this.draws.z.set(key, z);
    }
    return z;
  }

  private slab?: Slab;

  private newOut(): OpOut {
    return (this.slab ??= new Slab(this.S)).out();
  }

  /** runs (once) the op and its ancestors; returns its sampled outputs */
  result(o: number): OpOut {
    const done = this.out[o];
    if (done) return done;
    if (!this.scheduled[o]) throw new Error(`operation ${this.model.ops[o]?.key ?? o} is not scheduled in the plan`);
    const stack = [o];
    const open = new Set<number>(); // ops whose predecessors are being simulated
    while (stack.length) {
      const x = stack[stack.length - 1];
      if (this.out[x]) { stack.pop(); continue; }
      const f = this.facts[x]!;
      let ready = true;
      for (const p of f.preds) {
        if (this.out[p]) continue;
        if (open.has(p)) throw new Error(`the plan's order is cyclic at operation ${this.model.ops[p].key} (precedence against the planned sequence)`);
        stack.push(p);
        ready = false;
      }
      if (!ready) { open.add(x); continue; }
      open.delete(x);
      const r = this.newOut();
      sampleOp(this.S, this.z(this.model.ops[x].key), f, (p) => this.out[p]!.end, r);
      this.simulatedOps++;
      this.out[x] = r;
      stack.pop();
    }
    return this.out[o]!;
  }

  ends(o: number): Float64Array { return this.result(o).end; }

  /** simulates every scheduled op (no cone restriction) */
  simulateAll(): void {
    const order: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.scheduled[i]) order.push(i);
    order.sort(cmpAssign(this.plan));
    for (const o of order) this.result(o);
  }

  private readonly completionMemo = new Map<number, Float64Array | null>();

  /** sampled completion (max end over the job's ops), unsorted, memoised; null if an op is unscheduled */
  jobCompletion(job: number): Float64Array | null {
    if (this.completionMemo.has(job)) return this.completionMemo.get(job)!;
    const c = this.computeCompletion(job);
    this.completionMemo.set(job, c);
    return c;
  }

  private computeCompletion(job: number): Float64Array | null {
    const ops = this.model.jobs[job].ops;
    if (!ops.length || ops.some((o) => !this.scheduled[o])) return null;
    const c = new Float64Array(this.S).fill(-Infinity);
    for (const o of ops) {
      const e = this.ends(o);
      for (let s = 0; s < this.S; s++) if (e[s] > c[s]) c[s] = e[s];
    }
    return c;
  }

  /** forecast of one job; null when one of its ops is not scheduled */
  forecastJob(job: number, bufferMinutes = 0): JobForecast | null {
    const ops = this.model.jobs[job].ops;
    if (!ops.length || ops.some((o) => !this.scheduled[o])) return null;
    return buildForecast(this.model, this.plan, job, ops, this.S, bufferMinutes, (o) => this.result(o));
  }
}

function buildForecast(
  model: SchedulingModel,
  plan: Pick<Plan, 'assignments'>,
  job: number,
  ops: readonly number[],
  S: number,
  bufferMinutes: number,
  res: (o: number) => OpOut,
): JobForecast {
  const completion = new Float64Array(S).fill(-Infinity);
  const last = new Int32Array(S).fill(-1);
  for (const o of ops) {
    const e = res(o).end;
    for (let s = 0; s < S; s++) if (e[s] > completion[s]) { completion[s] = e[s]; last[s] = o; }
  }
  // critical chain: follow binding constraints back through the vehicle's own ops
  const counts = new Map<string, number>();
  const jobRel = model.jobs[job].release;
  for (let s = 0; s < S; s++) {
    let c = last[s];
    let label = 'own_work:';
    for (let guard = 0; guard < ops.length + 2; guard++) {
      const r = res(c);
      const k = r.kind[s], b = r.bind[s];
      if (k === KIND_RELEASE) {
        const op = model.ops[c];
        label = Math.max(op.release, jobRel) > jobRel ? 'release:' : 'own_work:';
        break;
      }
      if (k === KIND_IN_PROGRESS) { label = 'own_work:'; break; }
      if (model.ops[b].job === job) { c = b; continue; }
      const a = plan.assignments[c];
      label = k === KIND_BAY ? `bay:${model.bays[a.bay].key}` : `technician:${model.techs[a.tech].key}`;
      break;
    }
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const bottlenecks: Bottleneck[] = [...counts.entries()]
    .map(([l, cnt]) => {
      const i = l.indexOf(':');
      const key = l.slice(i + 1);
      return { kind: l.slice(0, i) as BottleneckKind, key: key === '' ? null : key, share: cnt / S };
    })
    .sort((x, y) => y.share - x.share);
  completion.sort();
  return new JobForecast(job, model.jobs[job].key, completion, bufferMinutes, bottlenecks);
}

export interface ForecastOptions extends SimulationOptions {
  /** handover buffer added to every time-valued output (minutes, default 0) */
  bufferMinutes?: number;
  /** simulate every op instead of the ancestors' cone of the requested jobs (for checking) */
  fullSimulation?: boolean;
}

/**
 * Forecast of the given jobs (default: all). One-shot convenience over PromiseSimulation; jobs
 * with an unscheduled op get null.
 */
export function forecastJobs(input: SimulationInput, jobs?: readonly number[], opts: ForecastOptions = {}): (JobForecast | null)[] {
  const sim = new PromiseSimulation(input, opts);
  if (opts.fullSimulation) sim.simulateAll();
  const list = jobs ?? input.model.jobs.map((_, i) => i);
  return list.map((j) => sim.forecastJob(j, opts.bufferMinutes ?? 0));
}

// ---------------------------------------------------------------- insertion scenarios

export interface ExtendedPlan {
  model: SchedulingModel;
  plan: Pick<Plan, 'assignments'>;
  /** indices (≥ base n) of the appended ops */
  newOps: readonly number[];
  /** op codes of the appended ops (aligned with newOps) */
  newOpCodes: readonly string[];
}

/**
 * The base simulation with extra ops appended (same indices for the base ops). Only the new ops
 * and the base ops downstream of them are re-simulated; propagation stops at an op whose sampled
 * ends are identical to the base (common random numbers make that exact), so the work is the
 * affected cone, not the plan.
 */
export class InsertionSimulation {
  /** re-simulated base ops whose ends changed, and the new ops */
  readonly changed = new Map<number, OpOut>();
  /** base ops re-simulated whose sampled ends came out identical to the base (kept for extend()) */
  readonly unchanged = new Map<number, OpOut>();
  /**
   * ops whose inputs may have changed but that were not re-simulated: planned to start after the
   * assessment window, or after the op where a `stop` ended the propagation
   */
  readonly frontier = new Set<number>();
  /** base ops re-simulated (changed or not) */
  resimulated = 0;

  constructor(readonly base: PromiseSimulation, readonly ext: ExtendedPlan) {
    const { model, plan, newOps } = ext;
    const n = base.n;
    const cmp = cmpAssign(plan);
    const isNew = (o: number) => o >= n;
    // sequences with the new ops merged in: new preds for the new ops and the ops right after them
    const techOver = new Map<number, number>(), bayOver = new Map<number, number>();
    const newFacts = new Map<number, { preds: number[]; kinds: number[] }>();
    for (const o of newOps) newFacts.set(o, { preds: [], kinds: [] });
    const addPred = (o: number, p: number, k: number) => {
      const f = newFacts.get(o)!;
      if (p >= 0 && !f.preds.includes(p)) { f.preds.push(p); f.kinds.push(k); }
    };
    const mergeSeq = (seqs: number[][], res: (o: number) => number, kind: number, over: Map<number, number>) => {
      const groups = new Map<number, number[]>();
      for (const o of newOps) {
        const r = res(o);
        if (r < 0) continue;
        (groups.get(r) ?? groups.set(r, []).get(r)!).push(o);
      }
      for (const [r, list] of groups) {
        // the row is in planned order: merge the (few) new ops in by binary search
        const row = seqs[r];
        let from = 0, prevNew = -1;
        for (const o of list.sort(cmp)) {
          const lo = sequenceIndex(row, o, cmp, from);
          // its predecessor: the previous new op when both sit in the same gap, else the base op before it
          addPred(o, prevNew >= 0 && lo === from ? prevNew : lo > 0 ? row[lo - 1] : -1, kind);
          if (lo < row.length) over.set(row[lo], o);
          prevNew = o;
          from = lo;
        }
      }
    };
    // job precedence first (binding ties then name the vehicle's own op)
    const newSorted = [...newOps].sort(cmp);
    let lastNonPar = -1;
    for (const o of newSorted) {
      const op = model.ops[o];
      for (const p of op.preds) addPred(o, p, KIND_JOB);
      if (!op.parallel) { addPred(o, lastNonPar, KIND_JOB); lastNonPar = o; }
    }
    mergeSeq(base.techSeq, (o) => plan.assignments[o].tech, KIND_TECH, techOver);
    mergeSeq(base.baySeq, (o) => plan.assignments[o].bay, KIND_BAY, bayOver);

    const facts = new Map<number, OpSim>();
    newOps.forEach((o, i) => {
      const a = plan.assignments[o];
      const nf = newFacts.get(o)!;
      facts.set(o, base.opFacts(o, a.tech, a.bay, a, ext.newOpCodes[i] ?? '', nf.preds, nf.kinds, model));
    });
    const overridden = new Set<number>([...techOver.keys(), ...bayOver.keys()]);
    for (const o of overridden) {
      const { preds, kinds } = base.predList(o, techOver.get(o) ?? base.techPrev[o], bayOver.get(o) ?? base.bayPrev[o]);
      facts.set(o, { ...base.facts[o]!, preds, kinds });
    }

    this.facts = facts;
    // successors of the new ops, and the new ops that wait for a base op (the base may change first)
    facts.forEach((f, o) => {
      for (const p of f.preds) if (isNew(p) || isNew(o)) (this.newSucc.get(p) ?? this.newSucc.set(p, []).get(p)!).push(o);
    });
    // one propagation in planned (topological) order: the new ops, the re-linked ops after them and
    // whatever changes downstream; run now up to the last new op (so the new job's forecast is exact)
    this.queue = new TinyQueue<number>([], cmp);
    for (const o of newOps) this.enqueue(o);
    for (const o of overridden) this.enqueue(o);
    this.lastNew = newSorted[newSorted.length - 1];
    this.run(Infinity, undefined, this.lastNew);
  }

  private readonly queue: TinyQueue<number>;
  private slab?: Slab;
  private readonly queued = new Set<number>();
  /** successors that are not in base.succ: of a new op, and new ops waiting for a base op */
  private readonly newSucc = new Map<number, number[]>();
  private readonly lastNew: number;

  private enqueue(o: number): void {
    if (this.queued.has(o)) return;
    this.queued.add(o);
    this.queue.push(o);
  }

  /**
   * Processes queued ops in planned order (a topological order of every edge): re-samples each,
   * keeps it when its ends differ from the base (new ops always), queues its successors. Stops
   * before ops after `until` (in planned order); base ops planned to start at or after
   * `effectUntil` are left as frontier; `stop` may end it after a changed base op.
   */
  private run(effectUntil: number, stop: ((op: number) => boolean) | undefined, until: number): boolean {
    const { base } = this;
    const { model, plan } = this.ext;
    const S = base.S, n = base.n;
    const q = this.queue;
    const cmp = cmpAssign(plan);
    let spare: OpOut | null = null; // the arrays of an op that came out unchanged, for the next one
    while (q.length) {
      const o = q.peek()!;
      if (until >= 0 && cmp(o, until) > 0) return false;
      q.pop();
      if (o < n && plan.assignments[o].start >= effectUntil) { this.frontier.add(o); continue; }
      const f = this.facts.get(o) ?? base.facts[o]!;
      if (o < n && this.facts.has(o) && !f.dur) f.dur = durations(S, base.z(model.ops[o].key), base.facts[o]!);
      const r: OpOut = spare ?? (this.slab ??= new Slab(S, 4)).out();
      spare = null;
      sampleOp(S, base.z(model.ops[o].key), f, this.getEnd, r);
      if (o >= n) this.changed.set(o, r);
      else {
        this.resimulated++;
        const be = base.ends(o), end = r.end;
        let same = true;
        for (let s = 0; s < S; s++) if (end[s] !== be[s]) { same = false; break; }
        if (same) { if (this.facts.has(o)) this.unchanged.set(o, r); else spare = r; continue; }
        this.changed.set(o, r);
        if (stop?.(o)) { for (const x of base.succ[o]) this.frontier.add(x); return true; }
        for (const x of base.succ[o]) this.enqueue(x);
      }
      const extra = this.newSucc.get(o);
      if (extra) for (const x of extra) this.enqueue(x);
    }
    return false;
  }

  /** sampling facts of the new ops and of the base ops re-linked after them (read by PromiseSimulation.extend) */
  readonly facts: Map<number, OpSim>;
  private propagated = false;
  private truncated = false;
  /** propagate() has run to the end (changed/unchanged/frontier describe the whole downstream effect) */
  get wasPropagated(): boolean { return this.propagated && !this.truncated; }

  /**
   * ops whose ends may differ from the base but were not (yet) re-simulated: the frontier and the
   * ops still queued. Everything re-simulated so far is exact; only these and their descendants are not.
   */
  unsettled(): number[] { return [...this.frontier, ...this.queue.data.slice(0, this.queue.length)]; }
  private readonly getEnd = (p: number) => this.changed.get(p)?.end ?? this.base.ends(p);

  /**
   * A signature of everything the base ops downstream depend on: the new ops' placements and their
   * sampled ends. Two insertions with the same signature have exactly the same effect on existing
   * jobs (lets availability reuse the propagation across slots).
   */
  signature(): string {
    let h1 = 0x811c9dc5, h2 = 0x1b873593;
    const parts: string[] = [];
    for (const o of this.ext.newOps) {
      const a = this.ext.plan.assignments[o];
      parts.push(`${a.tech}/${a.bay}/${a.start}/${a.end}`);
      const u = new Uint32Array(this.changed.get(o)!.end.buffer);
      for (let i = 0; i < u.length; i++) {
        h1 = Math.imul(h1 ^ u[i], 0x01000193);
        h2 = Math.imul(h2 ^ u[i], 0x5bd1e995) ^ (h2 >>> 15);
      }
    }
    return `${parts.join(',')}|${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
  }

  /**
   * Re-simulates the base ops downstream of the new ops (once). Propagation stops at ops whose
   * sampled ends are identical to the base; ops planned to start at or after `effectUntil` are not
   * re-simulated (treated as unchanged: an assessment window, e.g. up to the next replan).
   * `stop(op)` is asked after each base op whose ends changed; true ends the propagation there
   * (a caller that only needs to know whether some promise is hurt). Ops are re-simulated in
   * planned order and an insertion only adds constraints, so ends can only grow: what is known at
   * any point is a lower bound of every affected completion.
   */
  propagate(effectUntil = Infinity, stop?: (op: number) => boolean): this {
    if (this.truncated) throw new Error('the propagation of this insertion was stopped early: its effects are incomplete');
    if (this.propagated) return this;
    this.propagated = true;
    if (this.run(effectUntil, stop, -1)) this.truncated = true;
    return this;
  }

  private res(o: number): OpOut { return this.changed.get(o) ?? this.base.result(o); }

  /** base jobs with at least one op whose sampled ends changed (propagates first) */
  affectedJobs(): number[] {
    this.propagate();
    const jobs = new Set<number>();
    for (const o of this.changed.keys()) if (o < this.base.n) jobs.add(this.base.model.ops[o].job);
    return [...jobs].sort((a, b) => a - b);
  }

  /** sampled completion of a job after the insertion (unsorted) */
  jobCompletion(job: number): Float64Array | null {
    if (job < this.base.model.jobs.length) this.propagate();
    return this.completionSoFar(job);
  }

  /** sampled completion of a job from what has been simulated so far (a lower bound until propagate() has run) */
  completionSoFar(job: number): Float64Array | null {
    const ops = this.ext.model.jobs[job].ops;
    const S = this.base.S;
    const c = new Float64Array(S).fill(-Infinity);
    for (const o of ops) {
      if (o < this.base.n && !this.base.scheduled[o]) return null;
      const e = this.res(o).end;
      for (let s = 0; s < S; s++) if (e[s] > c[s]) c[s] = e[s];
    }
    return c;
  }

  /** completion of the job after the insertion, sorted, as a forecast without bottleneck analysis (screening) */
  completionForecast(job: number, bufferMinutes = 0): JobForecast | null {
    const c = this.jobCompletion(job);
    if (!c) return null;
    c.sort();
    return new JobForecast(job, this.ext.model.jobs[job].key, c, bufferMinutes, []);
  }

  /**
   * Forecast of a job after the insertion. For the new job with the bottleneck analysis; for an
   * existing job the propagation keeps no binding records, so its forecast has no bottlenecks.
   */
  forecastJob(job: number, bufferMinutes = 0): JobForecast | null {
    if (job < this.base.model.jobs.length) return this.completionForecast(job, bufferMinutes);
    const ops = this.ext.model.jobs[job].ops;
    if (ops.some((o) => o < this.base.n && !this.base.scheduled[o])) return null;
    return buildForecast(this.ext.model, this.ext.plan, job, ops, this.base.S, bufferMinutes, (o) => this.res(o));
  }
}

/** P(x ≤ limit) over unsorted samples */
export function fractionAtMost(x: Float64Array, limit: number): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i] <= limit) c++;
  return c / x.length;
}
