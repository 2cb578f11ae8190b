/**
 * Ready-by forecast of a whole plan: Monte Carlo over operation durations on a fixed plan.
 *
 * The plan fixes WHO does WHAT in WHICH ORDER (technician sequence, bay sequence, job precedence:
 * see sequences.ts); times float. Each sample draws every op's actual duration and replays the
 * plan's sequences (sampling.ts):
 *   ready  = max(release, ends of job predecessors, end of the previous op on the same technician,
 *            end of the previous op on the same bay, end of the previous op of the same vehicle)
 *   end    = advanceWork(cal, ready, duration), cal = technician working time (work ∪ overtime)
 *            ∩ bay opening time (work-calendar.ts: work continues after a break or the next morning)
 * Work may start EARLIER than planned when predecessors finish early (shift-left), never before
 * the release (max of the op's release and the vehicle's: arrival / parts ETA).
 * In-progress (fixed) ops: their remaining part [max(start, asOf), end) is random too: remaining
 * planned minutes × the op's factor, advanced through the calendar from max(start, asOf).
 * A non-fixed op's planned minutes are those of its technician's alternative (the plan's length
 * when the technician has none).
 *
 * Vectorised and lazy: for each op one array of S sample end times, computed the first time it is
 * asked for, after its binding candidates (an explicit stack, never recursion); asking for some
 * jobs simulates only the cone of their ancestors. A plan whose sequences contradict precedence is
 * reported as cyclic. Forecasts of a job: job-forecast.ts. A new job inserted: InsertionSimulation,
 * adopted with extend().
 */
import { intersectIntervals, techAvailability, type Plan, type SchedulingModel } from '../scheduling/model.js';
import type { DurationModel } from './durations.js';
import type { InsertionSimulation } from './insertion-simulation.js';
import { buildForecast, type JobForecast } from './job-forecast.js';
import {
  cachedDurations, sampleOp, SimulationDraws, Slab, standardNormals, streamOf, type OpSamples, type SamplingFacts,
} from './sampling.js';
import { bindingCandidates, insertIntoSequences, plannedOrder, planSequences } from './sequences.js';

export const DEFAULT_SAMPLES = 2000;
export const DEFAULT_SCREEN_SAMPLES = 384;

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

export interface SimulationInput {
  model: SchedulingModel;
  plan: Pick<Plan, 'assignments'>;
  /** op code of every op of model.ops (index-aligned), for the duration model */
  opCodes: readonly string[];
  durations: DurationModel;
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
  readonly facts: (SamplingFacts | null)[];
  /** planned predecessors on the same technician / bay / vehicle (-1 none) */
  readonly techPrev: Int32Array;
  readonly bayPrev: Int32Array;
  readonly jobPrev: Int32Array;
  private readonly out: (OpSamples | undefined)[];
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
      const q = insertIntoSequences(prev, this.model, this.plan, from.ext.newOps);
      this.scheduled = q.scheduled; this.techSeq = q.techSeq; this.baySeq = q.baySeq;
      this.techPrev = q.techPrev; this.bayPrev = q.bayPrev; this.jobPrev = q.jobPrev;
      const r = adoptResults({ n: prev.n, facts: prev.facts, succ: prev.succ, out: prev.out }, from, this.n);
      this.succ = r.succ; this.facts = r.facts; this.out = r.out;
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
    const q = planSequences(model, plan);
    this.scheduled = q.scheduled; this.techSeq = q.techSeq; this.baySeq = q.baySeq;
    this.techPrev = q.techPrev; this.bayPrev = q.bayPrev; this.jobPrev = q.jobPrev;
    this.succ = model.ops.map(() => []);
    this.facts = model.ops.map(() => null);
    for (const o of q.order) {
      const a = plan.assignments[o];
      const { preds, kinds } = this.predList(o, q.techPrev[o], q.bayPrev[o]);
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

  /** binding candidates of a (non-fixed) op: job preds, previous op of the vehicle, technician and bay predecessors */
  predList(o: number, techPrev: number, bayPrev: number): { preds: number[]; kinds: number[] } {
    return bindingCandidates(this.model.ops[o], this.jobPrev[o], techPrev, bayPrev, this.scheduled, this.n);
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
  opFacts(o: number, tech: number, bay: number, a: { start: number; end: number }, opCode: string, preds: number[], kinds: number[], model: SchedulingModel = this.model): SamplingFacts {
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
    return {
      rel: Math.max(op.release, job ? job.release : -Infinity),
      cal: this.pairCal(tech, bay), planned, mu: p.mu, sigma: p.sigma, df, fixedStart, preds, kinds,
      dur: cachedDurations(this.draws, op.key, planned, p.mu, p.sigma, df),
      key: op.key, store: this.draws.dur,
    };
  }

  /** the op's standard normals (common random numbers by op stream key, see OpFact.stream) */
  z(key: string): Float64Array {
    return standardNormals(this.draws, key, this.seed, this.S);
  }

  private slab?: Slab;

  private newOut(): OpSamples {
    return (this.slab ??= new Slab(this.S)).out();
  }

  /** runs (once) the op and its ancestors; returns its sampled outputs */
  result(o: number): OpSamples {
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
      sampleOp(this.S, this.z(streamOf(this.model.ops[x])), f, (p) => this.out[p]!.end, r);
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
    order.sort(plannedOrder(this.plan));
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

/** what extend() carries over from the base simulation besides the sequences */
interface SimulationState {
  n: number;
  facts: readonly (SamplingFacts | null)[];
  succ: readonly number[][];
  out: readonly (OpSamples | undefined)[];
}

/**
 * Facts, successor lists and sampled results of `prev` with the insertion `isim` adopted (`n` ops
 * in all): the insertion's facts of its new ops and of the base ops re-linked after them replace
 * the base ones (successor lists kept in step); sampled results are kept, taken from the insertion
 * (re-simulated ops), or dropped with everything downstream where the insertion did not settle
 * them. Lists are copied before they change: `prev` stays valid.
 */
function adoptResults(prev: SimulationState, isim: InsertionSimulation, n: number) {
  const n0 = prev.n;
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
  const out: (OpSamples | undefined)[] = prev.out.slice();
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
  return { facts, succ, out };
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
